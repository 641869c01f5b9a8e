import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deepEqual, diffConfig } from '../src/correlate/diff.js';
import { parseFile, readDeferred } from '../src/parse/index.js';
import { useNativeReader } from '../src/parse/native.js';
import { endWorkers, startWorker } from '../src/parse/prestart.js';
import { ParsePool } from '../src/parse/pool.js';
import { MAX_DEPTH } from '../src/parse/values.js';
import { neutraliseCell } from '../src/render/csv.js';
import { compactValue } from '../src/render/view.js';
import { ArchiveRefused, openArchive } from '../src/sources/archive.js';
import { readSources } from '../src/sources/index.js';
import { formatRows } from '../src/store/query.js';
import { printable } from '../src/util/printable.js';
import { makeTar, makeZip } from './helpers/archives.js';
import { readReport, runCli, tempDir } from './helpers/cli.js';
import { cloudTrailEvent as event } from './helpers/records.js';

const MB = 1 << 20;

/** JSON text of objects nested `levels` deep: `{"a":{"a":…1…}}`. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** A log file of a good record and one whose requestParameters make it `levels` deep in all. */
function deepTrail(levels: number): string {
  const good = JSON.stringify(event({ eventID: 'good' }));
  const deep = JSON.stringify(event({ eventID: 'deep', requestParameters: 0 })).replace('"requestParameters":0', `"requestParameters":${nested(levels - 1)}`);
  return `{"Records":[${good},${deep}]}`;
}

/** A Config history file of one item whose configuration makes it `levels` deep in all. */
function deepHistory(levels: number, asText = false): string {
  const item = {
    resourceType: 'AWS::S3::Bucket',
    resourceId: 'b',
    awsAccountId: '111111111111',
    awsRegion: 'us-east-1',
    configurationItemCaptureTime: '2026-07-02T10:00:00Z',
    configuration: 0,
  };
  const configuration = asText ? JSON.stringify(nested(levels - 1)) : nested(levels - 1);
  return `{"fileVersion":"1.0","configurationItems":[${JSON.stringify(item).replace('"configuration":0', `"configuration":${configuration}`)}]}`;
}

function parse(key: string, text: string | Buffer, maxDepth?: number) {
  return parseFile({ path: `/in/${key}`, key, bytes: Buffer.from(text) }, { maxFileBytes: 16 * MB, ...(maxDepth ? { maxDepth } : {}) });
}

describe('deeply nested records', () => {
  it('rejects a CloudTrail record nested past the limit, naming it, and keeps the file’s other records', () => {
    for (const levels of [MAX_DEPTH + 1, 5_000, 100_000]) {
      const p = parse('trail.json', deepTrail(levels));
      expect(p.events.map((e) => e.eventId)).toEqual(['good']);
      expect(p.rejected).toEqual([{ path: '/in/trail.json', record: 1, reason: `CloudTrail record is nested more than ${MAX_DEPTH} levels deep` }]);
      expect(p.input.records).toBe(2);
    }
    // At the limit it is a record like any other.
    expect(parse('trail.json', deepTrail(MAX_DEPTH)).events).toHaveLength(2);
  });

  it('rejects a configuration item nested past the limit, as an object or as the API’s JSON text', () => {
    for (const asText of [false, true]) {
      for (const levels of [MAX_DEPTH + 1, 4_500, 10_000]) {
        const p = parse('history.json', deepHistory(levels, asText));
        expect(p.items).toEqual([]);
        expect(p.rejected.map((r) => r.reason)).toEqual([`configuration item is nested more than ${MAX_DEPTH} levels deep`]);
      }
      expect(parse('history.json', deepHistory(MAX_DEPTH, asText)).items).toHaveLength(1);
    }
  });

  it('does not let a gzip log file with a too-deep record past the native reader', () => {
    const p = parse('AWSLogs/111111111111/CloudTrail/us-east-1/2026/07/02/f.json.gz', gzipSync(deepTrail(MAX_DEPTH + 1)));
    expect(p.events.map((e) => e.eventId)).toEqual(['good']);
    expect(p.rejected.map((r) => r.reason)).toEqual([`CloudTrail record is nested more than ${MAX_DEPTH} levels deep`]);
  });

  it('ends a run over such files with the deep records rejected and the rest used', () => {
    const dir = tempDir('deep');
    writeFileSync(join(dir, 'a-trail.json'), deepTrail(10_000));
    writeFileSync(join(dir, 'b-history.json'), deepHistory(10_000));
    writeFileSync(join(dir, 'c-trail.json'), JSON.stringify({ Records: [event({ eventID: 'other' })] }));
    const out = join(dir, 'out');
    const r = runCli(['report', dir, '--quarter', '2026-Q3', '--format', 'json', '--out', out, '--no-workspace', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.counts.files).toMatchObject({ read: 3, used: 3, rejected: 0 });
    expect(report.counts.records).toMatchObject({ read: 4, used: 2, rejected: 2 });
    expect(report.rejected.map((x) => [x.path.slice(dir.length + 1), x.record, x.reason])).toEqual([
      ['a-trail.json', 1, `CloudTrail record is nested more than ${MAX_DEPTH} levels deep`],
      ['b-history.json', 0, `configuration item is nested more than ${MAX_DEPTH} levels deep`],
    ]);
  });
});

describe('parse pool when a worker’s result cannot come back', () => {
  // The limit raised so far that the results themselves break: what the depth limit prevents, and
  // what the pool must survive all the same.
  for (const levels of [10_000, 100_000]) {
    it(`rejects only the file whose result is ${levels.toLocaleString('en-US')} levels deep, and settles every other`, async () => {
      const dir = tempDir('pool');
      const files = ['a.json', 'b.json', 'c.json'].map((name, i) => {
        const text = i === 1 ? deepTrail(levels) : JSON.stringify({ Records: [event({ eventID: name })] });
        writeFileSync(join(dir, name), text);
        return { path: join(dir, name), key: name, bytes: Buffer.from(text) };
      });
      const pool = new ParsePool({ maxFileBytes: 16 * MB, maxDepth: 1_000_000 }, 2);
      try {
        expect(pool.threads).toBe(2);
        const results = files.map((f) => pool.parse(f));
        pool.flush();
        const parsed = await Promise.all(results);
        expect(parsed.map((p) => p.events.map((e) => e.eventId))).toEqual([['a.json'], [], ['c.json']]);
        expect(parsed[1]!.rejected).toEqual([{ path: files[1]!.path, reason: expect.stringMatching(/^parse worker failed: /) }]);
        // The pool goes on with a worker of its own after that.
        const again = pool.parse(files[0]!);
        pool.flush();
        expect((await again).events.map((e) => e.eventId)).toEqual(['a.json']);
      } finally {
        await pool.close();
      }
    }, 30_000);
  }
});

describe('walks over the data, whatever its nesting', () => {
  /** Objects nested `levels` deep, ending in `leaf`. */
  const chain = (levels: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };

  it('compares and diffs values nested 100,000 levels without running out of stack', () => {
    const levels = 100_000;
    expect(deepEqual(chain(levels, 1), chain(levels, 1))).toBe(true);
    expect(deepEqual(chain(levels, 1), chain(levels, 2))).toBe(false);
    expect(diffConfig(chain(levels, 1), chain(levels, 1), 'configuration')).toEqual([]);
    const diff = diffConfig(chain(levels, 1), chain(levels, 2), 'configuration');
    expect(diff).toEqual([{ path: `configuration${'.a'.repeat(levels)}`, op: 'replace', before: 1, after: 2 }]);
  });

  it('shows a value too deep for JSON.stringify as a note in the HTML and CSV cells', () => {
    const deep = chain(100_000, 1);
    expect(compactValue(deep)).toBe('(value nested too deep to show)');
    expect(neutraliseCell(deep)).toBe('(value nested too deep to show)');
    expect(compactValue({ a: [1] })).toBe('{"a":[1]}');
  });
});

describe('terminal output of names from the data', () => {
  const invisible = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u200b', '\u200d', '\u00ad', '\ufeff', '\u2028', '\u2029', '\u{e0041}'];

  it('escapes bidirectional controls, invisible format characters and C0/C1 controls', () => {
    expect(printable('a\u202eb\u2066c')).toBe('a\\u202eb\\u2066c');
    expect(printable('\u001b[31m\u009b')).toBe('\\x1b[31m\\x9b');
    expect(printable('tag\u{e0041}')).toBe('tag\\u{e0041}');
    for (const ch of invisible) expect(printable(`x${ch}y`), ch.codePointAt(0)!.toString(16)).toMatch(/^x\\(x|u)[{0-9a-f]+}?y$/);
    // Letters of any script stay as they are.
    expect(printable('résumé ملف 文件 🙂')).toBe('résumé ملف 文件 🙂');
  });

  it('prints a file name holding a right-to-left override escaped in the run’s summary', () => {
    const dir = tempDir('bidi');
    const name = 'invoice\u202Enosj.json';
    writeFileSync(join(dir, name), 'not json at all');
    const r = runCli(['report', dir, '--quarter', '2026-Q3', '--format', 'json', '--out', join(dir, 'out'), '--no-workspace']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\u202e');
    expect(r.stdout).toContain('invoice\\u202enosj.json: invalid JSON');
  });

  it('blanks them in query tables', () => {
    const table = formatRows(['name'], [[`a\u202eb\u001bc\u2067d`]], 'table');
    for (const ch of ['\u202e', '\u001b', '\u2067']) expect(table).not.toContain(ch);
    expect(table).toContain('a b c d');
  });
});

describe('inputs and data files that are not regular files', () => {
  it('skips a FIFO named on the command line as it would one found in a folder, without waiting on it', () => {
    const dir = tempDir('fifo');
    const fifo = join(dir, 'f.json');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ Records: [event()] }));
    const out = join(dir, 'out');
    const r = runCli(['report', fifo, join(dir, 'good.json'), '--quarter', '2026-Q3', '--format', 'json', '--out', out, '--no-workspace', '--quiet']);
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.skipped).toEqual([{ path: fifo, reason: 'not a regular file' }]);
    expect(report.counts.files).toMatchObject({ read: 2, used: 1, skipped: 1 });
  });

  it('refuses a FIFO swapped in where a file was listed, at once, with or without the native reader', () => {
    const dir = tempDir('fifo-read');
    const fifo = join(dir, 'f.json');
    execFileSync('mkfifo', [fifo]);
    for (const native of [true, false]) {
      useNativeReader(native);
      expect(readDeferred({ path: fifo, key: 'f.json', bytes: Buffer.alloc(0), fsPath: fifo }, MB)).toBe('not a regular file');
    }
    useNativeReader(true);
  });

  it('ends with a usage error in one line for a framework, waiver or principal file that is a FIFO or a device', () => {
    const dir = tempDir('fifo-data');
    const fifo = join(dir, 'w.yaml');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ Records: [event()] }));
    for (const [flag, path, what] of [
      ['--waivers', fifo, 'waivers file'],
      ['--framework-file', '/dev/zero', 'framework file'],
      ['--authorized-principals', fifo, 'authorized principals file'],
    ] as const) {
      const r = runCli(['report', join(dir, 'good.json'), '--quarter', '2026-Q3', '--format', 'json', '--out', join(dir, 'out'), flag, path]);
      expect(r.status, flag).toBe(2);
      expect(r.stderr, flag).toBe(`configtrail: error: ${what} ${path} is not a regular file\n`);
    }
  });

  it('ends parse workers for an interrupted run, and says when one blocked in a system call would not end', async () => {
    const dir = tempDir('blocked');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const script = join(dir, 'blocked.mjs');
    // A thread that waits in open() for a writer that never comes.
    writeFileSync(script, `import { openSync } from 'node:fs';\nopenSync(${JSON.stringify(fifo)}, 'r');\n`);
    const blocked = startWorker(script);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 200));
    expect(await endWorkers(300)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Let it go (a writer opens the FIFO), so that this test's process can end.
    const exited = new Promise((r) => blocked.once('exit', r));
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    await exited;
    // With no worker left, there is nothing to wait for.
    expect(await endWorkers(300)).toBe(true);
  });
});

describe('archives that inflate without bound', () => {
  async function read(path: string, opts: { maxFileBytes: number; maxArchiveBytes?: number }): Promise<string[]> {
    const out: string[] = [];
    for await (const ev of readSources([path], opts)) {
      if (ev.type === 'file') out.push(`file ${ev.file.key} ${ev.file.bytes.length}`);
      else if (ev.type === 'rejected') out.push(`rejected ${ev.rejection.reason}`);
      else if (ev.type === 'archive') out.push(`archive ${ev.input.records}`);
    }
    return out;
  }
  const zeros = Buffer.alloc(MB);

  it('refuses a zip whose entries share one deflate stream before inflating any', async () => {
    const dir = tempDir('zipbomb');
    const names = Array.from({ length: 200 }, (_, i) => `e${String(i).padStart(3, '0')}.json`);
    const bomb = makeZip(names.map((name) => ({ name, content: zeros })), 'shared');
    // 200 MiB from a few KiB: each entry within the file limit, together past any archive limit.
    expect(bomb.length).toBeLessThan(20_000);
    writeFileSync(join(dir, 'bomb.zip'), bomb);
    expect(await read(join(dir, 'bomb.zip'), { maxFileBytes: 4 * MB, maxArchiveBytes: 1024 * MB })).toEqual([
      'rejected archive refused: entry "e001.json" overlaps the data of "e000.json" (entries sharing data: a zip bomb)',
    ]);
  });

  it('refuses a zip whose central directory lists its entries out of order', async () => {
    const dir = tempDir('zip-order');
    writeFileSync(join(dir, 'r.zip'), makeZip([{ name: 'a.json', content: '{}' }, { name: 'b.json', content: '{}' }], 'reversed'));
    expect(await read(join(dir, 'r.zip'), { maxFileBytes: MB })).toEqual(['rejected archive refused: entry "a.json" lies before "b.json" but is listed after it (entries out of order)']);
    // The same entries in order read as ever.
    writeFileSync(join(dir, 'ok.zip'), makeZip([{ name: 'a.json', content: '{}' }, { name: 'b.json', content: '{}' }]));
    expect(await read(join(dir, 'ok.zip'), { maxFileBytes: MB })).toEqual(['file a.json 2', 'file b.json 2', 'archive 2']);
  });

  it('stops a zip or a tar.gz at the total it may inflate to, keeping the entries before it', async () => {
    const dir = tempDir('archive-total');
    const entries = ['a.json', 'b.json', 'c.json'].map((name) => ({ name, content: zeros }));
    writeFileSync(join(dir, 'big.zip'), makeZip(entries));
    writeFileSync(join(dir, 'big.tar.gz'), await makeTar(entries, true));
    const limit = { maxFileBytes: 2 * MB, maxArchiveBytes: 2.5 * MB };
    expect(await read(join(dir, 'big.zip'), limit)).toEqual([
      `file a.json ${MB}`,
      `file b.json ${MB}`,
      `rejected archive refused after 2 entries: inflates to more than ${2.5 * MB} bytes in all (--max-archive-size)`,
    ]);
    const tgz = await read(join(dir, 'big.tar.gz'), limit);
    expect(tgz.slice(0, 2)).toEqual([`file a.json ${MB}`, `file b.json ${MB}`]);
    expect(tgz.slice(2)).toEqual([`rejected archive refused after 2 entries: inflates to more than ${2.5 * MB} bytes in all (--max-archive-size)`]);
    // By default the limit is a multiple of the file limit: these are far within it.
    expect(await read(join(dir, 'big.zip'), { maxFileBytes: 2 * MB })).toEqual([`file a.json ${MB}`, `file b.json ${MB}`, `file c.json ${MB}`, 'archive 3']);
  });

  it('shares the limit with the archives inside an archive', async () => {
    const dir = tempDir('archive-nested');
    const inner = makeZip(['x.json', 'y.json'].map((name) => ({ name, content: zeros })));
    writeFileSync(join(dir, 'outer.zip'), makeZip([{ name: 'inner.zip', content: inner }, { name: 'z.json', content: zeros }]));
    const lines = await read(join(dir, 'outer.zip'), { maxFileBytes: 2 * MB, maxArchiveBytes: 2.5 * MB });
    // The inner zip's entries leave too little for the outer one's next.
    expect(lines).toEqual([`file x.json ${MB}`, `file y.json ${MB}`, 'archive 2', `rejected archive refused after 1 entries: inflates to more than ${2.5 * MB} bytes in all (--max-archive-size)`]);
  });

  it('refuses an archive listing more entries than allowed', async () => {
    const names = ['a.json', 'b.json', 'c.json'];
    const limits = { maxFileBytes: MB, maxArchiveBytes: 16 * MB, maxEntries: 2 };
    for (const [format, bytes] of [
      ['zip', makeZip(names.map((name) => ({ name, content: '{}' })))],
      ['tar.gz', await makeTar(names.map((name) => ({ name, content: '{}' })), true)],
    ] as const) {
      const got: string[] = [];
      const refused = (async () => {
        for await (const e of openArchive(bytes, format, limits).entries) got.push(e.name);
      })();
      await expect(refused, format).rejects.toThrow(new ArchiveRefused('more than 2 entries'));
      // A zip says so from its central directory, before any entry; a tar as it reaches the third.
      expect(got, format).toEqual(format === 'zip' ? [] : ['a.json', 'b.json']);
    }
  });

  it('takes --max-archive-size from the command line, in MiB', () => {
    const dir = tempDir('archive-cli');
    writeFileSync(join(dir, 'e.zip'), makeZip([{ name: 'a.json', content: JSON.stringify({ Records: [event()] }) }, { name: 'pad.bin', content: zeros }]));
    const out = join(dir, 'out');
    const r = runCli(['report', join(dir, 'e.zip'), '--quarter', '2026-Q3', '--format', 'json', '--out', out, '--no-workspace', '--quiet', '--max-archive-size', '0.5']);
    expect(r.status).toBe(0);
    expect(readReport(out).rejected.map((x) => x.reason)).toEqual([`archive refused after 1 entries: inflates to more than ${MB / 2} bytes in all (--max-archive-size)`]);
    const bad = runCli(['report', join(dir, 'e.zip'), '--quarter', '2026-Q3', '--out', out, '--max-archive-size', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('configtrail: error: --max-archive-size must be a positive number of MiB\n');
  });
});
