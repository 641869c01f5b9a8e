import { describe, expect, it } from 'vitest';
import type { DigestFile, InputRecord, Report } from '../src/model/types.js';
import { writeReportJson } from '../src/render/json.js';
import { InputList, Reorder, writeLaidOut } from '../src/store/inputs.js';
import { IntegrityTracker } from '../src/store/integrity.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/cli.js';

const input = (i: number): InputRecord => ({ path: `AWSLogs/1/CloudTrail/r/f${String(i).padStart(6, '0')}.json.gz`, sha256: i.toString(16).padStart(64, '0'), size: i, kind: 'cloudtrail-log', records: i % 7, rejected: 0 });

/** A list holding `count` records, `inMemory` of them before it spills. */
function filled(inMemory: number, count: number): InputList {
  const list = new InputList(inMemory);
  for (let i = 0; i < count; i++) list.push(input(i));
  return list;
}

describe('input list', () => {
  it('spills past its in-memory size and reads back every record in order', () => {
    const list = filled(10, 10_050);
    expect(list.length).toBe(10_050);
    const back = [...list];
    expect(back).toHaveLength(10_050);
    expect(back.every((r, i) => r.size === i)).toBe(true);
    // Twice: iterating does not consume it.
    expect([...list].at(-1)).toEqual(input(10_049));
    expect(list.first(3).map((r) => r.size)).toEqual([0, 1, 2]);
    list.dispose();
  });

  it('streams into report.json exactly as JSON.stringify would write the same array', () => {
    const list = filled(2, 5);
    const dir = tempDir('test');
    const f = join(dir, 'r.json');
    writeReportJson({ inputs: list } as never, f);
    expect(readFileSync(f, 'utf8')).toBe(`${JSON.stringify({ inputs: [...list] }, null, 2)}\n`);
    list.dispose();
  });

  it('reads a list saved as NDJSON lines, and hands out its lines as they are', () => {
    const list = filled(3, 10);
    const dir = tempDir('test');
    const f = join(dir, 'inputs.ndjson');
    writeFileSync(f, `${[...list.lines()].join('\n')}\n`);
    const back = InputList.fromFile(f, 10);
    expect(back.length).toBe(10);
    expect([...back]).toEqual([...list]);
    expect(back.first(2)).toEqual([input(0), input(1)]);
    expect([...back.lines()]).toEqual([...list.lines()]);
    list.dispose();
  });

  it('puts results back in dispatch order whatever order they arrive in', () => {
    const seen: number[] = [];
    const r = new Reorder<number>((n) => seen.push(n));
    r.put(2, 2);
    r.put(0, 0);
    expect(seen).toEqual([0]);
    r.put(1, undefined); // a sequence number with nothing to list
    r.put(3, 3);
    expect(seen).toEqual([0, 2, 3]);
  });
});

describe('integrity tracker', () => {
  const digest = (entries: [string, string][]): DigestFile => ({
    accountId: '1', digestStartTime: 'a', digestEndTime: 'b', source: { path: 'd' },
    logFiles: entries.map(([s3Object, hashValue]) => ({ s3Object, hashValue })),
  });
  const run = (order: 'logs-first' | 'digests-first') => {
    const t = new IntegrityTracker();
    const logs = [input(1), input(2), input(3)];
    const d = digest([[logs[0]!.path, logs[0]!.sha256], [logs[1]!.path, 'ff'.repeat(32)], ['AWSLogs/1/CloudTrail/r/gone.json.gz', 'aa'.repeat(32)]]);
    if (order === 'logs-first') {
      logs.forEach((l) => t.addLog(l.path, l.sha256));
      t.addDigest(d);
    } else {
      t.addDigest(d);
      logs.forEach((l) => t.addLog(l.path, l.sha256));
    }
    return t.finish();
  };
  it('matches log files and digest entries whichever arrives first', () => {
    const want = {
      verified: 1,
      mismatched: [{ path: input(2).path, expected: 'ff'.repeat(32), actual: input(2).sha256 }],
      uncovered: 1,
      uncoveredFiles: [{ path: input(3).path }],
      missing: 1,
      missingFiles: [{ path: 'AWSLogs/1/CloudTrail/r/gone.json.gz', digest: 'd' }],
    };
    expect(run('logs-first')).toMatchObject(want);
    expect(run('digests-first')).toMatchObject(want);
  });
});

describe('streamed report.json', () => {
  it('writes the bytes JSON.stringify(…, null, 2) writes, whatever the nesting', () => {
    const value = {
      a: 1, b: undefined, c: [1, undefined, { d: [], e: {}, f: [[1, 2], { g: 'x\ny' }] }], h: { i: { j: { k: { l: [1, { m: 2 }] } } } },
      n: null, o: 'q"uote', p: new Date(0), r: [], s: {}, t: () => 1,
    };
    const dir = tempDir('test');
    const f = join(dir, 'v.json');
    writeReportJson(value as never, f);
    expect(readFileSync(f, 'utf8')).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('writes long lists in runs, around elements that are walked, with the same bytes', () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => ({ i, s: `v${i}\n`, a: [i, [i]] }));
    const items = Array.from({ length: 700 }, (_, i) =>
      i % 97 === 5 ? { id: i, findings: long(70), more: { x: [1] } } : i % 50 === 7 ? undefined : i % 61 === 3 ? () => i : i % 3 === 0 ? { id: i, when: new Date(i), deep: { d: [{ e: i }] } } : i,
    );
    const value = { controls: items, inputs: long(300), one: [long(65)], depth: { a: { b: long(80) } } };
    const dir = tempDir('test');
    const f = join(dir, 'runs.json');
    writeReportJson(value as never, f);
    expect(readFileSync(f, 'utf8')).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});

describe('JSON laid out where it stands in a document', () => {
  it('gives the text JSON.stringify(…, null, 2) gives at that indent, escapes, nesting and omitted values included', async () => {
    const { elementsAt, stringifyAt } = await import('../src/util/pretty-json.js');
    const values: unknown[] = [
      input(1),
      { path: 'a,b:c "quoted" \\ back\\slash {brace} [x]', sha256: '', size: -1.5e-7, kind: 'unknown', records: 0, rejected: 0, container: 'x.zip' },
      { path: 'ünïcode \u2028 \n tab\t', n: null, t: true, nested: { a: [1, { b: [] }], c: {} }, u: undefined },
      {},
      [],
      [1, [2, [3]]],
      'text',
      7,
      null,
      new Date(0),
    ];
    for (const indent of ['', '  ', '    ', '          ']) {
      for (const v of values) expect(stringifyAt(v, indent)).toBe(JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`));
      expect(stringifyAt(undefined, indent)).toBe('null');
      if (indent === '') continue;
      const list = [...values, undefined, () => 1];
      const whole = JSON.stringify(list, null, 2).replace(/\n/g, `\n${indent.slice(2)}`);
      // The list's own brackets and the indent of its first element are the caller's.
      expect(elementsAt(list, indent)).toBe(whole.slice(2 + indent.length, whole.length - 2 - (indent.length - 2)));
    }
  });

  it('saves an input list laid out as report.json writes it, which a replayed report copies', () => {
    const recs: unknown[] = [input(1), { path: 'p "q" ü', nested: { a: [1, { b: null }] } }, input(2)];
    const lines = recs.map((r) => JSON.stringify(r));
    const dir = tempDir('laid-out');
    const file = join(dir, 'inputs.report.json');
    writeLaidOut(recs, file);
    expect(`{\n  "inputs": [\n${readFileSync(file, 'utf8')}\n  ]\n}`).toBe(JSON.stringify({ inputs: recs }, null, 2));
    // Many runs of records, each one stringify.
    const many = Array.from({ length: 1300 }, (_, i) => (i % 7 === 0 ? { path: `p${i}`, nested: { i } } : input(i)));
    writeLaidOut(many, join(dir, 'many.json'));
    expect(`{\n  "inputs": [\n${readFileSync(join(dir, 'many.json'), 'utf8')}\n  ]\n}`).toBe(JSON.stringify({ inputs: many }, null, 2));
    // The report writer copies the file for a list that has one, and lays out anew without.
    const nd = join(dir, 'inputs.ndjson');
    writeFileSync(nd, `${lines.join('\n')}\n`);
    const report = (list: InputList) => ({ schemaVersion: 1, inputs: list }) as unknown as Report;
    writeReportJson(report(InputList.fromFile(nd, recs.length, file)), join(dir, 'a.json'));
    writeReportJson(report(InputList.fromFile(nd, recs.length)), join(dir, 'b.json'));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(`${JSON.stringify({ schemaVersion: 1, inputs: recs }, null, 2)}\n`);
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
    // A list that spilled lays its records out as they come, head included, and report.json copies that.
    const grown = new InputList(2);
    for (const r of recs) grown.push(r as InputRecord);
    expect(grown.laidOut('    ')).toBeDefined();
    expect(grown.laidOut('  ')).toBeUndefined();
    writeReportJson(report(grown), join(dir, 'd.json'));
    expect(readFileSync(join(dir, 'd.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
    grown.dispose();
    // Proof the copy is what was written: a changed file shows through.
    writeFileSync(file, readFileSync(file, 'utf8').replace('p \\"q\\"', 'COPIED'));
    writeReportJson(report(InputList.fromFile(nd, recs.length, file)), join(dir, 'c.json'));
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).toContain('COPIED');
  });
});

describe('saved ingests in the workspace', () => {
  it('trusts the times of a folder to show a change only on a clock finer than a second, or once they are two seconds old', async () => {
    const { trustworthy } = await import('../src/store/plan.js');
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    // Nanosecond file systems (ext4, xfs): times with a fraction of a millisecond.
    expect(trustworthy(`1:2:${now - 5.25}:${now - 5.25}`, now)).toBe(true);
    // Whole seconds: an entry added in the same second would leave them as they were.
    expect(trustworthy(`1:2:${now - 1000}:${now - 1000}`, now)).toBe(false);
    expect(trustworthy(`1:2:${now - 1000}:${now - 999.5}`, now)).toBe(false);
    expect(trustworthy(`1:2:${now - 3000}:${now - 3000}`, now)).toBe(true);
  });

  it('keeps the newest two, the one just saved, and any touched in the last hour', async () => {
    const { prune } = await import('../src/store/ingest.js');
    const { mkdirSync, readdirSync, utimesSync } = await import('node:fs');
    const ws = tempDir('ws');
    const now = Date.now();
    const make = (name: string, hoursAgo: number) => {
      const d = join(ws, 'runs', name);
      mkdirSync(d, { recursive: true });
      const t = new Date(now - hoursAgo * 3_600_000);
      utimesSync(d, t, t);
      return d;
    };
    make('a', 5);
    make('b', 4);
    make('c', 3);
    make('d', 0.5); // in use by another run
    make('e', 2);
    make('9-1.tmp', 2); // a run that died while recording
    make('8-1.tmp', 0.1); // a run recording now
    const keep = make('f', 6); // the one just saved (older clock, say)
    prune(ws, keep, now);
    expect(readdirSync(join(ws, 'runs')).sort()).toEqual(['8-1.tmp', 'd', 'e', 'f']);
  });
});

describe('NDJSON files', () => {
  it('reads back lines whose characters straddle a read block, and writes in blocks', async () => {
    const { fileLines, LineWriter } = await import('../src/store/ndjson.js');
    const f = join(tempDir('ndjson'), 'x.ndjson');
    // A first line of 1 MiB − 2 bytes puts the two bytes of "ü" on either side of the 1 MiB block.
    const lines = ['a'.repeat((1 << 20) - 2), 'ü path/ünïcode', 'last'];
    const w = new LineWriter(f, 2);
    for (const l of lines) w.addLine(l);
    expect(w.written).toBe(2);
    expect(w.unwritten).toEqual(['last']);
    w.close();
    expect([...fileLines(f)]).toEqual(lines);
    expect([...fileLines(f, 2)]).toEqual(lines.slice(0, 2));
  });
});
