import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../src/model/types.js';
import { readSources } from '../src/sources/index.js';
import { makeTar, makeZip } from './helpers/archives.js';
import { tempDir } from './helpers/cli.js';

const MB = 1 << 20;

async function collect(inputs: string[], maxFileBytes = 4 * MB): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const ev of readSources(inputs, { maxFileBytes })) out.push(ev);
  return out;
}

/** collect() run from another working folder. */
async function collectFrom(cwd: string, input: string): Promise<SourceEvent[]> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await collect([input]);
  } finally {
    process.chdir(before);
  }
}

function summary(events: SourceEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'file':
        return `file ${e.file.path} key=${e.file.key} ${e.file.bytes.toString()}`;
      case 'archive':
        return `archive ${e.input.path} entries=${e.input.records}`;
      case 'rejected':
        return `rejected ${e.rejection.path}: ${e.rejection.reason}`;
      case 'skipped':
        return `skipped ${e.skip.path}: ${e.skip.reason}`;
    }
  });
}

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

describe('folders', () => {
  it('walks a folder in sorted order with keys relative to the root, not following symlinks', async () => {
    const root = tempDir('walk');
    writeTree(root, { 'b/2.json': 'b2', 'a/z.json': 'az', 'a/B.json': 'aB', 'c.json': 'c' });
    symlinkSync('/etc/passwd', join(root, 'link.json'));
    const ev = await collect([root]);
    expect(summary(ev)).toEqual([
      `file ${join(root, 'a/B.json')} key=a/B.json aB`,
      `file ${join(root, 'a/z.json')} key=a/z.json az`,
      `file ${join(root, 'b/2.json')} key=b/2.json b2`,
      `file ${join(root, 'c.json')} key=c.json c`,
      `skipped ${join(root, 'link.json')}: symbolic link not followed`,
    ]);
    expect(summary(await collect([root]))).toEqual(summary(ev));
  });

  it("walks CloudTrail's log files and digests side by side, each day's digests after that day's log files", async () => {
    const root = tempDir('twins');
    const ct = 'AWSLogs/111122223333/CloudTrail';
    const dg = 'AWSLogs/111122223333/CloudTrail-Digest';
    writeTree(root, {
      'AWSLogs/111122223333/AAA.json': 'a',
      [`${ct}/us-east-1/2026/07/01/log1.json`]: 'l1',
      [`${ct}/us-east-1/2026/07/01/log2.json`]: 'l2',
      [`${ct}/us-east-1/2026/07/02/log3.json`]: 'l3',
      [`${ct}/eu-west-1/2026/07/01/log4.json`]: 'l4',
      [`${dg}/us-east-1/2026/07/01/digest1.json`]: 'd1',
      [`${dg}/us-east-1/2026/07/02/digest2.json`]: 'd2',
      [`${dg}/us-east-1/2026/07/03/digest3.json`]: 'd3',
      'AWSLogs/111122223333/CloudTrail-Insight/x.json': 'x',
      'AWSLogs/111122223333/Config/c.json': 'c',
    });
    const folders: string[] = [];
    const keys: string[] = [];
    for await (const ev of readSources([root], { maxFileBytes: MB, onFolder: (d) => folders.push(relative(root, d)) })) if (ev.type === 'file') keys.push(ev.file.key);
    expect(keys).toEqual([
      'AWSLogs/111122223333/AAA.json',
      // A region with log files and no digests, then one with both.
      `${ct}/eu-west-1/2026/07/01/log4.json`,
      `${ct}/us-east-1/2026/07/01/log1.json`,
      `${ct}/us-east-1/2026/07/01/log2.json`,
      `${dg}/us-east-1/2026/07/01/digest1.json`,
      `${ct}/us-east-1/2026/07/02/log3.json`,
      `${dg}/us-east-1/2026/07/02/digest2.json`,
      `${dg}/us-east-1/2026/07/03/digest3.json`,
      'AWSLogs/111122223333/CloudTrail-Insight/x.json',
      'AWSLogs/111122223333/Config/c.json',
    ]);
    // Every folder is listed once, each day's twins one after the other.
    expect(new Set(folders).size).toBe(folders.length);
    expect(folders.indexOf(`${dg}/us-east-1/2026/07/01`)).toBe(folders.indexOf(`${ct}/us-east-1/2026/07/01`) + 1);
    expect(folders).toContain(`${dg}/us-east-1/2026/07/03`);
  });

  it('names every file path.join(root, key), however the root is spelled', async () => {
    const root = tempDir('spell');
    writeTree(root, { 'x/y/1.json': '1', '2.json': '2' });
    const rel = relative(process.cwd(), root);
    const spellings = [root, `${root}/`, `${root}//`, `${root}/x/..`, `${root}/./`, rel, `./${rel}`, `${rel}/`];
    for (const spelled of spellings) {
      const files = (await collect([spelled])).flatMap((e) => (e.type === 'file' ? [e.file] : []));
      expect(files.map((f) => f.key)).toEqual(['2.json', 'x/y/1.json']);
      for (const f of files) expect(f.path).toBe(join(spelled, f.key));
    }
    // The current folder itself: paths come out relative, as join('.', key) gives them.
    const here = (await collectFrom(root, '.')).flatMap((e) => (e.type === 'file' ? [e.file.path] : []));
    expect(here).toEqual(['2.json', 'x/y/1.json']);
  });

  it('rejects a missing path and a file over the size limit', async () => {
    const root = tempDir('missing');
    writeTree(root, { 'big.json': Buffer.alloc(2 * MB) });
    const ev = await collect([join(root, 'nope'), join(root, 'big.json')], MB);
    expect(summary(ev)).toEqual([
      `rejected ${join(root, 'nope')}: no such file or directory`,
      `rejected ${join(root, 'big.json')}: file of ${2 * MB} bytes exceeds the ${MB}-byte limit`,
    ]);
  });
});

describe('archives', () => {
  const entries = [
    { name: 'AWSLogs/1/CloudTrail/us-east-1/2026/07/01/a.json.gz', content: gzipSync('{"Records":[]}') },
    { name: 'AWSLogs/1/notes.txt', content: 'hello' },
  ];

  it.each([
    ['export.tar', false],
    ['export.tar.gz', true],
    ['export.tgz', true],
  ])('reads the entries of %s in memory', async (name, gz) => {
    const root = tempDir('tar');
    writeFileSync(join(root, name), await makeTar(entries, gz));
    const ev = await collect([join(root, name)]);
    const files = ev.filter((e) => e.type === 'file');
    expect(files.map((e) => e.file.key)).toEqual(entries.map((e) => e.name));
    expect(files.map((e) => e.file.path)).toEqual(entries.map((e) => `${join(root, name)}!${e.name}`));
    expect(files[0]!.file.container).toBe(join(root, name));
    const archive = ev.find((e) => e.type === 'archive')!;
    expect(archive.input).toMatchObject({ kind: 'archive', records: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(readdirSync(root)).toEqual([name]);
  });

  it('reads a zip, deflated and stored entries alike', async () => {
    const root = tempDir('zip');
    writeFileSync(join(root, 'e.zip'), makeZip([{ name: 'x/a.json', content: '{"a":1}' }, { name: 'x/b.json', content: 'bbb', store: true }]));
    const ev = await collect([join(root, 'e.zip')]);
    expect(summary(ev)).toEqual([
      `file ${join(root, 'e.zip')}!x/a.json key=x/a.json {"a":1}`,
      `file ${join(root, 'e.zip')}!x/b.json key=x/b.json bbb`,
      `archive ${join(root, 'e.zip')} entries=2`,
    ]);
  });

  it('opens an archive nested one level, and rejects a second level', async () => {
    const root = tempDir('nest');
    const innermost = await makeTar([{ name: 'deep.json', content: '{}' }], true);
    const inner = makeZip([
      { name: 'in.json', content: '{"in":1}' },
      { name: 'deeper.tgz', content: innermost },
    ]);
    writeFileSync(join(root, 'outer.tar.gz'), await makeTar([{ name: 'inner.zip', content: inner }], true));
    const ev = await collect([root]);
    const outer = join(root, 'outer.tar.gz');
    expect(summary(ev)).toEqual([
      `file ${outer}!inner.zip!in.json key=in.json {"in":1}`,
      `rejected ${outer}!inner.zip!deeper.tgz: archive nested more than one level deep`,
      `archive ${outer}!inner.zip entries=2`,
      `archive ${outer} entries=1`,
    ]);
  });

  it('rejects entries whose path escapes, and writes nothing anywhere', async () => {
    const root = tempDir('escape');
    const work = join(root, 'work');
    mkdirSync(work);
    writeFileSync(
      join(work, 'evil.tar.gz'),
      await makeTar(
        [
          { name: '../../escape.json', content: '{}' },
          { name: '/etc/cron.d/x', content: 'x' },
          { name: 'ok/../../up.json', content: '{}' },
          { name: 'link', type: 'symlink', linkname: '/etc/passwd' },
          { name: 'good.json', content: '{}' },
        ],
        true,
      ),
    );
    writeFileSync(join(work, 'evil.zip'), makeZip([{ name: '../zip-escape.json', content: '{}' }, { name: 'C:/win.json', content: '{}' }, { name: 'ln', content: '/etc', mode: 0o120777 }]));
    const ev = await collect([work]);
    const lines = summary(ev);
    expect(lines).toContain(`rejected ${work}/evil.tar.gz!../../escape.json: entry path escapes the archive root (..)`);
    expect(lines).toContain(`rejected ${work}/evil.tar.gz!/etc/cron.d/x: absolute entry path escapes the archive root`);
    expect(lines).toContain(`rejected ${work}/evil.tar.gz!ok/../../up.json: entry path escapes the archive root (..)`);
    expect(lines).toContain(`skipped ${work}/evil.tar.gz!link: not a regular file (tar entry type symlink)`);
    expect(lines).toContain(`file ${work}/evil.tar.gz!good.json key=good.json {}`);
    expect(lines).toContain(`rejected ${work}/evil.zip!../zip-escape.json: entry path escapes the archive root (..)`);
    expect(lines).toContain(`rejected ${work}/evil.zip!C:/win.json: absolute entry path escapes the archive root`);
    expect(lines).toContain(`skipped ${work}/evil.zip!ln: not a regular file (zip entry is a link or special file)`);
    expect(readdirSync(root)).toEqual(['work']);
    expect(readdirSync(work).sort()).toEqual(['evil.tar.gz', 'evil.zip']);
  });

  it('keeps the entries read before an archive turns out truncated, and rejects the archive', async () => {
    const root = tempDir('trunc');
    const big = Buffer.alloc(64 * 1024, 'x');
    const tgz = await makeTar([{ name: 'first.json', content: '{"first":1}' }, { name: 'second.json', content: big }, { name: 'third.json', content: big }], true);
    writeFileSync(join(root, 'cut.tgz'), tgz.subarray(0, Math.floor(tgz.length * 0.6)));
    const ev = await collect([join(root, 'cut.tgz')]);
    const lines = summary(ev);
    expect(lines[0]).toBe(`file ${join(root, 'cut.tgz')}!first.json key=first.json {"first":1}`);
    const last = ev[ev.length - 1]!;
    expect(last.type).toBe('rejected');
    if (last.type === 'rejected') {
      expect(last.rejection.path).toBe(join(root, 'cut.tgz'));
      expect(last.rejection.reason).toMatch(/^corrupt archive after \d+ entries: /);
      expect(last.input?.kind).toBe('archive');
    }
  });

  it('rejects an archive entry over the size limit without reading it whole, and a corrupt zip', async () => {
    const root = tempDir('limit');
    writeFileSync(join(root, 'a.tgz'), await makeTar([{ name: 'bomb.json', content: Buffer.alloc(3 * MB) }, { name: 'ok.json', content: '{}' }], true));
    writeFileSync(join(root, 'b.zip'), makeZip([{ name: 'bomb.json', content: Buffer.alloc(3 * MB) }]));
    writeFileSync(join(root, 'c.zip'), 'not a zip at all');
    const lines = summary(await collect([root], MB));
    expect(lines).toContain(`rejected ${join(root, 'a.tgz')}!bomb.json: archive entry of ${3 * MB} bytes exceeds the ${MB}-byte limit`);
    expect(lines).toContain(`file ${join(root, 'a.tgz')}!ok.json key=ok.json {}`);
    expect(lines).toContain(`rejected ${join(root, 'b.zip')}!bomb.json: archive entry of ${3 * MB} bytes exceeds the ${MB}-byte limit`);
    expect(lines.find((l) => l.startsWith(`rejected ${join(root, 'c.zip')}:`))).toMatch(/corrupt archive: .*central directory/);
  });
});
