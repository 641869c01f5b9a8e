import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateExport } from '../samples/generator.js';
import { readIngestMeta } from '../src/store/ingest.js';
import { QueryTables } from '../src/store/query.js';
import { event, simpleActor } from './helpers/evidence.js';
import { reportApartFromInvocation, runCli, tempDir } from './helpers/cli.js';

// Every file configtrail writes into the workspace carries a checksum (src/store/checksum.ts): a
// file damaged by accident is said in one line, never used, and the report is the one a clean run
// gives.
const FROM = '2026-07-01';
const TO = '2026-07-10';

let work: string;
let input: string;
let pristine: string;
let clean: string;

interface Summary {
  workspace: { decoded: number; reused: number; replayed: boolean };
}

const report = (ws: string, out: string) => runCli(['report', input, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, out), '--workspace', ws, '--json']);

/** A copy of the workspace of a clean run, to damage. */
function copyWorkspace(name: string): string {
  const ws = join(work, name);
  cpSync(pristine, ws, { recursive: true });
  return ws;
}

function theRun(ws: string): string {
  const runs = readdirSync(join(ws, 'runs'));
  expect(runs).toHaveLength(1);
  return join(ws, 'runs', runs[0]!);
}

/** A file of a saved ingest; `hours/` stands for the first of its event hours the period reads (store/events.ts). */
function savedPath(run: string, file: string): string {
  if (file !== 'hours/') return join(run, file);
  const hours = readdirSync(join(run, 'hours')).sort((a, b) => parseInt(a) - parseInt(b));
  return join(run, 'hours', hours.find((n) => parseInt(n) * 3_600_000 >= Date.parse(FROM))!);
}

function firstEntry(ws: string, kind: 'packs' | 'stat'): string {
  const sub = readdirSync(join(ws, kind)).sort()[0]!;
  return join(ws, kind, sub, readdirSync(join(ws, kind, sub)).sort()[0]!);
}

type Damage = 'flip' | 'truncate';

/** One bit of the middle byte flipped, or the second half cut off. */
function damage(path: string, how: Damage): void {
  const bytes = readFileSync(path);
  if (how === 'truncate') return truncateSync(path, Math.floor(bytes.length / 2));
  bytes[Math.floor(bytes.length / 2)]! ^= 1;
  writeFileSync(path, bytes);
}

/** Exactly one line naming the damaged file and what the run does instead. */
const saysDamaged = (stderr: string, path: string, remedy: string) => expect(stderr).toBe(`configtrail: workspace file ${path} does not match its checksum (damaged): not used; ${remedy}\n`);

beforeAll(async () => {
  work = tempDir('checksum');
  await generateExport({ seed: 11, outDir: join(work, 'gen'), from: FROM, to: TO, accounts: 1, regions: ['us-east-1'], targetEvents: 3000 });
  input = join(work, 'gen/export');
  pristine = join(work, 'ws-pristine');
  const first = report(pristine, 'out-first');
  expect(first.status).toBe(0);
  expect(first.stderr).toBe('');
  clean = join(work, 'out-clean');
  expect(runCli(['report', input, '--from', FROM, '--to', TO, '--format', 'json', '--out', clean, '--no-workspace', '--quiet']).status).toBe(0);
}, 120_000);

describe('workspace checksums', () => {
  it('an intact workspace is still reused: its saved ingest replayed, nothing said', () => {
    const ws = copyWorkspace('ws-intact');
    const r = report(ws, 'out-intact');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.workspace.replayed).toBe(true);
    expect(s.workspace.reused).toBeGreaterThan(0);
    expect(s.workspace.decoded).toBe(0);
    expect(reportApartFromInvocation(join(work, 'out-intact'))).toBe(reportApartFromInvocation(clean));
    // The input list's inputs.csv hash comes from the saved ingest, and is the one a run that reads the files computes.
    const csvHash = (out: string) => (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { inputList: { inputsCsvSha256: string } }).inputList.inputsCsvSha256;
    expect(csvHash(join(work, 'out-intact'))).toMatch(/^[0-9a-f]{64}$/);
    expect(csvHash(join(work, 'out-intact'))).toBe(csvHash(clean));
    expect(readIngestMeta(theRun(ws))?.inputsCsvSha256).toBe(csvHash(clean));
  });

  // Each file of a saved ingest (and its plan): the ingest is not used, the run says which file.
  it.each<[string, Damage, boolean]>([
    ['meta.json', 'flip', false],
    ['meta.json', 'truncate', false],
    ['hours/', 'flip', false],
    ['hours/', 'truncate', false],
    ['hours.ndjson', 'flip', false],
    ['items.ndjson', 'flip', false],
    ['integrity.ndjson', 'flip', false],
    ['inputs.ndjson', 'flip', false],
    ['inputs.report.json', 'flip', false],
    ['inputs.report.json', 'truncate', false],
    // The plan only spares the walk: once the folders are walked, the ingest itself still stands.
    ['folders.ndjson', 'flip', true],
    ['parts.ndjson', 'truncate', true],
  ])('a saved ingest whose %s is damaged (%s) is not used: the run says so and its report equals a clean run', (file, how, replayed) => {
    const name = `ws-${file}-${how}`;
    const ws = copyWorkspace(name);
    const path = savedPath(theRun(ws), file);
    damage(path, how);
    const r = report(ws, `out-${name}`);
    expect(r.status).toBe(0);
    saysDamaged(r.stderr, path, replayed ? 'the input folders are walked again' : 'the inputs are read again');
    expect((JSON.parse(r.stdout) as Summary).workspace.replayed).toBe(replayed);
    expect(reportApartFromInvocation(join(work, `out-${name}`))).toBe(reportApartFromInvocation(clean));
    // The damaged file was removed and the ingest saved whole again: the next run replays it, silently.
    const again = report(ws, `out-${name}-again`);
    expect(again.stderr).toBe('');
    expect((JSON.parse(again.stdout) as Summary).workspace.replayed).toBe(true);
  });

  it.each<['packs' | 'stat', Damage]>([
    ['packs', 'flip'],
    ['packs', 'truncate'],
    ['stat', 'flip'],
  ])('a damaged entry of %s (%s) is not used: its files are read again and the report equals a clean run', (kind, how) => {
    const ws = copyWorkspace(`ws-${kind}-${how}`);
    // Without a saved ingest the run goes through the stat entries and packs.
    rmSync(join(ws, 'runs'), { recursive: true });
    const path = firstEntry(ws, kind);
    damage(path, how);
    const r = report(ws, `out-${kind}-${how}`);
    expect(r.status).toBe(0);
    saysDamaged(r.stderr, path, 'its files are decoded again');
    const s = JSON.parse(r.stdout) as Summary;
    // A damaged pack's files are decoded again; behind a damaged stat entry, the files are hashed and their pack found.
    if (kind === 'packs') expect(s.workspace.decoded).toBeGreaterThan(0);
    else expect(s.workspace.decoded).toBe(0);
    expect(s.workspace.reused).toBeGreaterThan(0);
    expect(reportApartFromInvocation(join(work, `out-${kind}-${how}`))).toBe(reportApartFromInvocation(clean));
  });

  it.each<[string, Damage]>([
    ['events.ndjson', 'flip'],
    ['changes.ndjson', 'truncate'],
    ['inputs.ndjson', 'flip'],
    ['tables.sums', 'flip'],
  ])('a damaged query table file %s (%s) is written again, said in one line, and queries see the rewritten table', (file, how) => {
    const ws = copyWorkspace(`ws-tables-${file}-${how}`);
    const path = join(ws, 'tables', file);
    const intact = readFileSync(path, 'utf8');
    damage(path, how);
    const r = report(ws, `out-tables-${file}-${how}`);
    expect(r.status).toBe(0);
    saysDamaged(r.stderr, path, 'it is written again');
    expect(reportApartFromInvocation(join(work, `out-tables-${file}-${how}`))).toBe(reportApartFromInvocation(clean));
    expect(readFileSync(path, 'utf8')).toBe(intact);
    const q = runCli(['query', 'SELECT count(*)::INTEGER AS n FROM inputs', '--workspace', ws, '--format', 'json']);
    expect(q.stderr).toBe('');
    expect(q.status).toBe(0);
  });

  it('query leaves out a table that does not match its checksum, naming it, and answers from the others', () => {
    const ws = copyWorkspace('ws-query');
    const path = join(ws, 'tables', 'findings.ndjson');
    damage(path, 'flip');
    const bad = runCli(['query', 'SELECT count(*)::INTEGER AS n FROM findings', '--workspace', ws, '--format', 'json']);
    expect(bad.status).toBe(2);
    const [said, failed] = bad.stderr.split('\n');
    saysDamaged(`${said}\n`, path, `run \`configtrail report … --workspace ${ws}\` again to write it`);
    expect(failed).toMatch(/^configtrail: error: query failed: .*findings/);
    const good = runCli(['query', 'SELECT count(*)::INTEGER AS n FROM changes', '--workspace', ws, '--format', 'json']);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
  });

  it('a run that fails while the events table is written leaves no half-written table, and the tables of the run before stand', () => {
    const ws = copyWorkspace('ws-abandoned');
    const before = readFileSync(join(ws, 'tables', 'events.ndjson'));
    // Another period: the events table no longer stands and is written from the pass.
    const tables = new QueryTables(ws, 'another period');
    expect(tables.reads).toBe(true);
    const e = event('RunInstances');
    tables.take({ event: e, actor: simpleActor(e.userIdentity) });
    tables.abandon();
    expect(readdirSync(join(ws, 'tables')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readFileSync(join(ws, 'tables', 'events.ndjson'))).toEqual(before);
    const r = runCli(['query', 'SELECT count(*)::INTEGER AS n FROM events', '--workspace', ws, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { n: number }[])[0]!.n).toBe(before.toString('utf8').split('\n').filter(Boolean).length);
  });
});
