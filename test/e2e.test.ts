import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Change, Report } from '../src/model/types.js';
import { generateExport, type GroundTruth } from '../samples/generator.js';
import { LISTED_PER_FILE } from '../src/parse/index.js';
import { chromiumAvailable, CLI, hasCommand, readReport, REAL_DATA, reportApartFromInvocation, ROOT, runCli, ELASTIC_DATA, noElasticData, TEST_EPOCH, tempDir } from './helpers/cli.js';

const FROM = '2026-07-01';
const TO = '2026-07-31';

let work: string;
let truth: GroundTruth;

beforeAll(async () => {
  work = tempDir('e2e');
  truth = await generateExport({
    seed: 7,
    outDir: join(work, 'gen'),
    from: FROM,
    to: TO,
    accounts: 3,
    regions: ['us-east-1', 'eu-west-1'],
    targetEvents: 20_000,
  });
});

function changeKey(c: { accountId: string; region: string; resourceType: string; resourceId: string; captureTime: string }): string {
  return [c.accountId, c.region, c.resourceType, c.resourceId, c.captureTime].join('|');
}

/**
 * Checks each world-open security-group finding against the generator's record of the group's
 * world-open admin rules, change by change: the cited change must be the one after which the rules
 * were as they are at the end (or none, "since before the period", when they already were).
 * `touchedLater` counts findings whose group changed again afterwards: the case a "latest change"
 * rule gets wrong.
 */
function causesAgainstTruth(report: Report, truth: GroundTruth): { wrong: string[]; findings: number; touchedLater: number } {
  const findings = report.controls.flatMap((c) => c.findings).filter((f) => f.check === 'security-group-no-admin-ports-open-ipv4');
  const byId = new Map(report.changes.map((c) => [c.id, c]));
  let touchedLater = 0;
  const wrong: string[] = [];
  for (const f of new Map(findings.map((x) => [x.resourceId, x])).values()) {
    const history = truth.changes.filter((t) => t.resourceId === f.resourceId && t.worldAdmin).sort((a, b) => a.captureTime.localeCompare(b.captureTime));
    const final = JSON.stringify(history.at(-1)?.worldAdmin?.after);
    const cause = [...history].reverse().find((t) => JSON.stringify(t.worldAdmin!.before) !== final);
    const expected = cause && JSON.stringify(cause.worldAdmin!.after) === final ? cause : undefined;
    if (expected && history.indexOf(expected) < history.length - 1) touchedLater++;
    const cited = f.changeId ? byId.get(f.changeId) : undefined;
    if (!expected) {
      if (!f.sinceBeforePeriod || f.changeId) wrong.push(`${f.resourceId}: open before the period, but cites ${cited?.attribution.eventName ?? f.time}`);
    } else if (cited?.captureTime !== expected.captureTime || f.eventId !== expected.eventId || f.actor?.origin !== expected.origin) {
      wrong.push(`${f.resourceId}: cites ${cited?.attribution.eventName}@${cited?.captureTime}, introduced by ${expected.eventName}@${expected.captureTime}`);
    }
  }
  return { wrong, findings: new Set(findings.map((f) => f.resourceId)).size, touchedLater };
}

/**
 * Runs the CLI with a TMPDIR of its own and sends it SIGINT once `ready()` holds; `reached` says
 * whether it did before the run ended.
 */
async function interruptWhen(args: string[], tmp: string, ready: () => boolean): Promise<{ reached: boolean; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let reached = false;
  const deadline = Date.now() + 60_000;
  while (!reached && Date.now() < deadline && child.exitCode === null) {
    reached = ready();
    if (!reached) await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGINT');
  return { reached, code: await exited, stderr };
}

/**
 * A heap far smaller than the kept evidence of the heavy test, with room for the rest: the heap
 * watch stops a read at 70% of it, garbage included, which a busy machine collects later.
 */
const SMALL_HEAP_MIB = 64;

describe('report on generated ground truth', () => {
  let changes: Change[];
  let report: Report;

  beforeAll(() => {
    const out = join(work, 'out-truth');
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json,csv', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    report = readReport(out);
    changes = report.changes;
  });

  it('lists every security group opened to the world and closed again inside the period as a closed deviation', () => {
    // The generator's record: a stretch opens when a change leaves world-open admin rules where there
    // were none, and closes when a change (or the group's deletion) leaves none.
    const expected: string[] = [];
    const bySg = new Map<string, GroundTruth['changes']>();
    for (const t of truth.changes.filter((c) => c.resourceType === 'AWS::EC2::SecurityGroup')) bySg.set(t.resourceId, [...(bySg.get(t.resourceId) ?? []), t]);
    for (const [id, history] of bySg) {
      let opened: string | undefined;
      for (const t of history.sort((a, b) => a.captureTime.localeCompare(b.captureTime))) {
        const before = t.worldAdmin ? t.worldAdmin.before.length > 0 : opened !== undefined;
        const after = t.changeType === 'delete' ? false : t.worldAdmin ? t.worldAdmin.after.length > 0 : before;
        if (!before && after) opened = t.eventId;
        if (before && !after) expected.push(`${id} ${opened ?? 'before the period'} → ${t.eventId}`);
        if (!after) opened = undefined;
      }
    }
    const control = report.controls.find((c) => c.checks?.some((k) => k.check === 'security-group-no-admin-ports-open-ipv4'))!;
    const listed = (control.deviations ?? [])
      .filter((d) => d.check === 'security-group-no-admin-ports-open-ipv4')
      .map((d) => `${d.resourceId} ${d.openedBeforePeriod ? 'before the period' : d.openedEventId} → ${d.closedEventId}`);
    expect(listed.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it('finds exactly the changes the generator made in the period', () => {
    expect(truth.changes.length).toBeGreaterThan(20);
    expect(changes.map(changeKey).sort()).toEqual(truth.changes.map(changeKey).sort());
  });

  it('attributes every in-period change to the right event and origin', () => {
    const byKey = new Map(changes.map((c) => [changeKey(c), c]));
    const wrong: string[] = [];
    for (const t of truth.changes) {
      const c = byKey.get(changeKey(t));
      if (!c) continue;
      if (c.changeType !== t.changeType) wrong.push(`${changeKey(t)}: changeType ${c.changeType} != ${t.changeType}`);
      if (c.attribution.eventId !== t.eventId) wrong.push(`${changeKey(t)}: event ${c.attribution.eventName}/${c.attribution.eventId} != ${t.eventName}/${t.eventId}`);
      if (c.actor?.origin !== t.origin) wrong.push(`${changeKey(t)}: origin ${c.actor?.origin} != ${t.origin}`);
      if (c.actor?.originType !== t.originType) wrong.push(`${changeKey(t)}: originType ${c.actor?.originType} != ${t.originType}`);
    }
    expect(wrong).toEqual([]);
  });

  it('covers every kind of origin: IAM user, SSO user, web identity, AWS service, role chains', () => {
    const kinds = new Set(changes.map((c) => c.actor?.originType));
    for (const k of ['IAMUser', 'SSOUser', 'WebIdentityUser', 'AWSService']) expect(kinds).toContain(k);
    expect(changes.some((c) => (c.actor?.chain.length ?? 0) >= 3)).toBe(true);
  });

  it('shows every change with a before state and a field-level diff', () => {
    for (const c of changes) expect(c.diff.length).toBeGreaterThan(0);
    expect(changes.some((c) => c.changeType === 'update' && c.diff.some((d) => d.path.startsWith('configuration.')))).toBe(true);
  });
});

describe('bad input never crashes and never vanishes', () => {
  let input: string;
  let out: string;

  beforeAll(async () => {
    input = join(work, 'bad');
    out = join(work, 'out-bad', 'report');
    cpSync(join(work, 'gen/export'), input, { recursive: true });
    const junk = join(input, 'junk');
    mkdirSync(junk);
    const good = JSON.stringify({ Records: [] });
    writeFileSync(join(junk, 'truncated.json.gz'), gzipSync(Buffer.from(JSON.stringify({ Records: [{ a: 1 }] }))).subarray(0, 20));
    writeFileSync(join(junk, 'invalid.json'), '{"Records": [ {"eventTime": ');
    writeFileSync(join(junk, 'bomb.json.gz'), gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)));
    writeFileSync(join(junk, 'notes.txt'), 'nothing to see');
    writeFileSync(
      join(junk, 'wrong-shape.json'),
      JSON.stringify({
        Records: [
          { eventVersion: '1.08', eventTime: '2026-07-02T00:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventID: 'ok-1', awsRegion: 'us-east-1', recipientAccountId: '111122223333', userIdentity: { type: 'Root' } },
          'not a record',
          { eventName: 'NoTime' },
        ],
      }),
    );
    // An archive with an entry that tries to escape the work folder.
    const pack = tar.pack();
    pack.entry({ name: '../../escape.json' }, good);
    pack.entry({ name: 'inner/ok.json' }, good);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    writeFileSync(join(junk, 'evil.tar.gz'), gzipSync(Buffer.concat(chunks)));
  });

  it('goes on, lists every bad file and record with its reason, and counts reconcile', () => {
    const before = readdirSync(work).sort();
    const r = runCli(['report', input, '--from', FROM, '--to', TO, '--format', 'json,html,csv', '--out', out, '--max-file-size', '4']);
    expect(r.status).toBe(0);
    const report = readReport(out);
    const reasons = (name: string) => [...report.rejected, ...report.skipped].filter((x) => x.path.includes(name)).map((x) => x.reason);
    expect(reasons('truncated.json.gz').join()).toMatch(/gzip|unexpected end|truncat/i);
    expect(reasons('invalid.json').join()).toMatch(/JSON/i);
    expect(reasons('bomb.json.gz').join()).toMatch(/exceeds|size|limit/i);
    expect(reasons('notes.txt').length).toBe(1);
    expect(reasons('escape.json').join()).toMatch(/escape/i);
    const shape = report.rejected.filter((x) => x.path.includes('wrong-shape.json'));
    expect(shape.map((x) => x.record).sort()).toEqual([1, 2]);

    const { files, records } = report.counts;
    expect(files.read).toBe(files.used + files.rejected + files.skipped);
    expect(records.read).toBe(records.used + records.rejected);
    expect([...report.inputs].reduce((n, i) => n + i.rejected, 0)).toBe(records.rejected);
    // The summary's event counts are the report's, each named for what it counts: events with an
    // error code, not the report's failed or denied calls (which also count failed sign-ins).
    const ev = report.counts.events;
    expect(r.stdout).toContain(`events:  ${ev.read} CloudTrail events (${ev.kept} kept as evidence, ${ev.failed} with an error code)`);

    // The CLI summary lists each of them too, and the HTML appendix does.
    for (const name of ['truncated.json.gz', 'invalid.json', 'bomb.json.gz', 'notes.txt', 'escape.json', 'wrong-shape.json']) {
      expect(r.stdout).toContain(name);
      expect(readFileSync(join(out, 'report.html'), 'utf8').replaceAll('<wbr>', '')).toContain(name);
    }
    // Nothing was written outside --out.
    expect(readdirSync(work).sort()).toEqual([...new Set([...before, 'out-bad'])].sort());
    expect(readdirSync(join(work, 'out-bad'))).toEqual(['report']);
  });

  it('a flood of bad records neither crashes nor fills memory, read or replayed from the workspace', () => {
    // Thirty files each one bad record past what a file lists one by one (300,030 listed in all,
    // which a spread push(...) cannot take), and a file of a million bad records.
    const flood = join(work, 'flood');
    mkdirSync(flood);
    const bad = (n: number) => JSON.stringify({ Records: new Array<number>(n).fill(1) });
    for (let i = 0; i < 30; i++) writeFileSync(join(flood, `f${i}.json`), bad(LISTED_PER_FILE + 1));
    writeFileSync(join(flood, 'million.json'), bad(1_000_000));
    const space = join(work, 'flood-space');
    const run = (name: string) => {
      const r = spawnSync(process.execPath, [CLI, 'report', flood, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, name), '--workspace', space, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, SOURCE_DATE_EPOCH: TEST_EPOCH } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { workspace: { replayed: boolean } };
    };
    expect(run('flood-1').workspace.replayed).toBe(false);
    expect(run('flood-2').workspace.replayed).toBe(true);
    const report = readReport(join(work, 'flood-1'));
    expect(report.counts.records).toEqual({ read: 30 * (LISTED_PER_FILE + 1) + 1_000_000, used: 0, rejected: 30 * (LISTED_PER_FILE + 1) + 1_000_000 });
    expect(report.rejected).toHaveLength(31 * (LISTED_PER_FILE + 1));
    expect(report.rejected.filter((r) => r.path.endsWith('million.json')).at(-1)!.reason).toBe(
      `record is number, not a CloudTrail event object (and ${(1_000_000 - LISTED_PER_FILE - 1).toLocaleString('en-US')} more records for this reason, up to #999999, not listed one by one)`,
    );
    expect(reportApartFromInvocation(join(work, 'flood-2'))).toBe(reportApartFromInvocation(join(work, 'flood-1')));
  });

  it('--strict turns a rejection into exit code 3', () => {
    const r = runCli(['report', input, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, 'out-strict'), '--quiet', '--strict']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/--strict/);
  });
});

describe('CLI contract', () => {
  it('the same command line over the same inputs gives byte-identical report.json, report.html and manifest.json with SOURCE_DATE_EPOCH set', () => {
    // One command line, run from two folders: --out is the same word, the folder another.
    const [a, b] = ['det-a', 'det-b'].map((d) => join(work, d, 'out')) as [string, string];
    for (const out of [a, b]) {
      mkdirSync(join(out, '..'), { recursive: true });
      const r = runCli(['report', join(work, 'gen/export'), '--quarter', '2026-Q3', '--format', 'json,html,csv', '--out', 'out', '--quiet'], { cwd: join(out, '..'), env: { SOURCE_DATE_EPOCH: TEST_EPOCH } });
      expect(r.status).toBe(0);
    }
    for (const f of ['report.json', 'report.html', 'changes.csv', 'manifest.json']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
  });

  it('replaces what an output folder held, and never writes through a link planted where an output goes', () => {
    const out = join(work, 'out-links');
    mkdirSync(out, { recursive: true });
    const victim = join(work, 'victim.txt');
    const names = ['report.json', 'report.html', 'changes.csv', 'findings.csv', 'inputs.csv', 'manifest.json', 'manifest.json.sig'];
    for (const name of names) {
      writeFileSync(victim, 'untouched');
      rmSync(join(out, name), { force: true });
      symlinkSync(victim, join(out, name));
    }
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json,html,csv', '--out', out, '--quiet']);
    expect(r.status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    // An unsigned run writes no signature: the link planted there is removed, its target untouched.
    for (const name of names.slice(0, -1)) expect(lstatSync(join(out, name)).isFile(), name).toBe(true);
    expect(lstatSync(join(out, 'manifest.json.sig'), { throwIfNoEntry: false })).toBeUndefined();
    expect(readReport(out).counts.files.read).toBeGreaterThan(0);
  });

  it('refuses a workspace, output or tables folder that is a link, in one line, and writes nothing through it', () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const base = ['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--quiet'];
    const linkedOut = join(work, 'linked-out');
    symlinkSync(elsewhere, linkedOut);
    const a = runCli([...base, '--out', linkedOut, '--no-workspace']);
    expect(a.status).toBe(1);
    expect(a.stderr.trim().split('\n')).toEqual([`configtrail: error: ${linkedOut} is a symbolic link: configtrail does not write through links (name the folder it points to instead)`]);
    const out = join(work, 'out-linked-ws');
    mkdirSync(out, { recursive: true });
    symlinkSync(elsewhere, join(out, '.workspace'));
    const b = runCli([...base, '--out', out]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/is a symbolic link/);
    const ws = join(work, 'ws-linked-tables');
    mkdirSync(ws, { recursive: true });
    symlinkSync(elsewhere, join(ws, 'tables'));
    const c = runCli([...base, '--out', join(work, 'out-linked-tables'), '--workspace', ws]);
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/tables is a symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('--json prints a machine-readable summary', () => {
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, 'out-json'), '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.changes).toBe(truth.changes.length);
    expect(summary.counts.files.read).toBeGreaterThan(0);
    expect(summary.outputs.some((f: string) => f.endsWith('report.json'))).toBe(true);
  });

  it('--version and --help exit 0 with their text on stdout and nothing on stderr', () => {
    const version = runCli(['--version']);
    expect(version).toMatchObject({ status: 0, stderr: '' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    for (const args of [['--help'], ['report', '--help']]) {
      const help = runCli(args);
      expect(help).toMatchObject({ status: 0, stderr: '' });
      expect(help.stdout).toMatch(/^configtrail /);
    }
  });

  it('usage errors are one line with exit code 2 and no stack trace', () => {
    const r = runCli(['report', join(work, 'gen/export'), '--quarter', '2026-Q9', '--out', join(work, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^configtrail: error: --quarter/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing input is rejected, not fatal', () => {
    const out = join(work, 'out-missing');
    const r = runCli(['report', join(work, 'nope'), join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', out, '--quiet']);
    expect(r.status).toBe(0);
    expect(readReport(out).rejected.some((x) => x.path.includes('nope'))).toBe(true);
  });

  it('an interrupted run exits 130 in one line and leaves no temporary files, nor half a saved ingest', async () => {
    // More files than the input list keeps in memory, so the run spills it to a temporary folder.
    const input = join(work, 'many');
    for (let d = 0; d < 60; d++) {
      mkdirSync(join(input, `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(input, `d${d}`, `f${f}.txt`), 'not AWS data\n');
    }
    const tmp = tempDir('tmp');
    const ws = join(work, 'ws-int');
    const args = ['report', input, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, 'out-int'), '--quiet', '--workspace', ws];
    // Interrupted once the spill folder exists (the run is then past its 5,000th file).
    const r = await interruptWhen(args, tmp, () => readdirSync(tmp).some((n) => n.startsWith('configtrail-inputs-')));
    expect(r.reached).toBe(true);
    // A run that finished just before the signal is not what this test is about: it would exit 0.
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe('configtrail: interrupted (SIGINT)');
    expect(readdirSync(tmp)).toEqual([]);
    // The ingest being recorded is removed; what the workspace holds are whole files only.
    expect(readdirSync(join(ws, 'runs'))).toEqual([]);
  });

  it('reports evidence larger than the heap by keeping it on disk, equal to a run in the usual heap, from files and from a saved ingest', () => {
    // 200,000 events in 2,000 files, two fifths of them writes (kept as evidence): 80,000 kept.
    const input = join(work, 'evidence-heavy', 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/07/02');
    mkdirSync(input, { recursive: true });
    for (let f = 0; f < 2000; f++) {
      const Records = Array.from({ length: 100 }, (_, i) => {
        const n = f * 100 + i;
        return {
          eventVersion: '1.08',
          userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/deployer', accountId: '111122223333' },
          eventTime: `2026-07-02T${String(Math.floor(n / 3600) % 24).padStart(2, '0')}:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`,
          eventSource: 'ec2.amazonaws.com',
          eventName: i % 5 < 2 ? 'CreateTags' : 'DescribeInstances',
          awsRegion: 'us-east-1',
          requestParameters: { resourcesSet: { items: [{ resourceId: `i-${n.toString(16).padStart(17, '0')}` }] }, tagSet: { items: [{ key: 'owner', value: `team-${n}` }] } },
          eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          readOnly: i % 5 >= 2,
          recipientAccountId: '111122223333',
        };
      });
      writeFileSync(join(input, `111122223333_CloudTrail_us-east-1_20260702T0000Z_f${f}.json.gz`), gzipSync(JSON.stringify({ Records }), { level: 1 }));
    }
    const args = [CLI, 'report', join(work, 'evidence-heavy'), '--quarter', '2026-Q3', '--format', 'json,csv', '--quiet'];
    const small = { encoding: 'utf8' as const, env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${SMALL_HEAP_MIB}`, SOURCE_DATE_EPOCH: TEST_EPOCH } };
    const usual = spawnSync(process.execPath, [...args, '--out', join(work, 'out-usual'), '--no-workspace'], { ...small, env: { ...small.env, NODE_OPTIONS: '' } });
    expect(usual.stderr).toBe('');
    expect(readReport(join(work, 'out-usual')).counts.events).toMatchObject({ read: 200_000, kept: 80_000 });
    // The kept events alone are ~55 MB as the store's lines: held in memory (a memory limit above
    // them), they do not fit in the small heap, and the run stops in one line.
    const held = spawnSync(process.execPath, [...args, '--out', join(work, 'out-held'), '--no-workspace', '--memory-limit', '4096'], small);
    expect(held.status, `${held.signal ?? ''} ${held.stderr.slice(0, 400)}`).toBe(1);
    expect(held.stderr.trim().split('\n')).toHaveLength(1);
    expect(held.stderr).toMatch(/^configtrail: error: the evidence does not fit in memory: [\d,]+ events kept from [\d,]+ files .*--memory-limit/);
    const ws = join(work, 'ws-heavy');
    for (const [run, out] of [['from files', 'out-small'], ['from the saved ingest', 'out-replay']] as const) {
      const r = spawnSync(process.execPath, [...args, '--out', join(work, out), '--workspace', ws], small);
      expect(r.status, `${run}: ${r.signal ?? ''} ${r.stderr.slice(0, 400)}`).toBe(0);
      for (const f of ['activity.csv', 'findings.csv', 'changes.csv']) expect(readFileSync(join(work, out, f), 'utf8'), `${run}: ${f}`).toBe(readFileSync(join(work, 'out-usual', f), 'utf8'));
      const json = (dir: string) => ({ ...readReport(join(work, dir)), invocation: null });
      expect(json(out), run).toEqual(json('out-usual'));
    }
    // Nothing is left behind in the workspace but what it keeps for later runs.
    expect(readdirSync(ws).filter((n) => n.startsWith('configtrail-events-'))).toEqual([]);
  });

  it.skipIf(noElasticData)('reads the real CloudTrail samples from ../shared/data', () => {
    const dir = join(work, 'shared');
    mkdirSync(dir);
    for (const f of readdirSync(ELASTIC_DATA)) copyFileSync(join(ELASTIC_DATA, f), join(dir, f));
    const out = join(work, 'out-shared');
    const r = runCli(['report', dir, '--from', '2014-01-01', '--to', '2024-12-31', '--format', 'json', '--out', out, '--quiet']);
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.counts.files).toMatchObject({ read: 5, rejected: 0 });
    expect([...report.inputs].map((i) => i.kind).sort()).toEqual(['cloudtrail-digest', 'cloudtrail-ndjson', 'cloudtrail-ndjson', 'cloudtrail-ndjson', 'cloudtrail-ndjson']);
    expect(report.counts.events.read).toBe(6);
    expect(report.counts.records).toEqual({ read: 9, used: 9, rejected: 0 }); // 6 events + 3 digest entries
    // Failed sign-ins carry no errorCode, only responseElements.ConsoleLogin = "Failure": still evidence.
    expect(report.failedCalls.filter((f) => f.eventName === 'ConsoleLogin').map((f) => f.actor.origin).sort()).toEqual([
      'arn:aws:iam::111122223333:user/JaneDoe',
      'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
    ]);
  });
});

describe.skipIf(!chromiumAvailable() || !hasCommand('pdftotext'))('PDF of a real run', () => {
  it('has the cover, contents, summary, change log with actors, and the appendices', () => {
    const out = join(work, 'out-pdf');
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'pdf', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [join(out, 'report.pdf')], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(4);
    expect(text).toContain('2026-07-01');
    expect(text).toMatch(/Contents/);
    expect(text).toMatch(/Executive summary/i);
    expect(text).toMatch(/Appendix A/);
    const sso = truth.changes.find((c) => c.originType === 'SSOUser');
    expect(sso).toBeDefined();
    expect(text).toContain(sso!.origin);
  });

  it('interrupted while Chromium prints, stops Chromium and leaves no temporary files', async () => {
    const tmp = tempDir('tmp-pdf');
    const args = ['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'pdf', '--out', join(work, 'out-pdf-int'), '--quiet', '--no-workspace'];
    // Chromium is running once its profile (in the run's TMPDIR) holds files.
    const profile = () => readdirSync(tmp).find((n) => n.startsWith('configtrail-chromium-'));
    const r = await interruptWhen(args, tmp, () => {
      const p = profile();
      return p !== undefined && readdirSync(join(tmp, p)).length > 0;
    });
    expect(r.reached).toBe(true);
    expect(r.code).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('governance controls end to end', () => {
  const ALL = ['cis-aws-v6.0', 'cis-aws-v3.0', 'soc2', 'pci-dss-v4.0', 'nist-800-53-r5'];

  it('evaluates the five frameworks requirement by requirement, and the report shows each', () => {
    const out = join(work, 'out-frameworks');
    const r = runCli(['report', join(work, 'gen/export'), join(work, 'gen/credential-reports'), '--from', FROM, '--to', TO, ...ALL.flatMap((f) => ['--framework', f]), '--format', 'json,html,csv', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.scope.frameworks).toEqual(ALL);
    const listed = JSON.parse(runCli(['frameworks', '--json']).stdout) as { id: string; requirements: number }[];
    for (const fw of listed) expect(report.controls.filter((c) => c.framework === fw.id)).toHaveLength(fw.requirements);
    expect(report.controls.filter((c) => c.status === 'ERROR')).toEqual([]);
    const cis = report.controls.filter((c) => c.framework === 'cis-aws-v6.0');
    expect(cis.filter((c) => c.status !== 'MANUAL').length).toBeGreaterThanOrEqual(40);
    // The fifteen "… is monitored" requirements are MANUAL, the activity attached as support.
    expect(cis.filter((c) => c.id.startsWith('5.') && c.id !== '5.16').every((c) => c.status === 'MANUAL' && c.checks?.every((k) => k.role === 'supports'))).toBe(true);
    // The generated world has world-open SSH rules and a root user without MFA in one account.
    expect(cis.find((c) => c.id === '2.4')?.status).toBe('FAIL');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const fw of ALL) expect(html).toContain(fw);
    const findings = readFileSync(join(out, 'findings.csv'), 'utf8');
    expect(findings.split('\n')[0]).toBe('framework,controlId,title,controlStatus,check,severity,resourceType,resourceId,findingStatus,detail,since,sinceBeforePeriod,changeId,eventId,events,sampleEventIds,actorOrigin,waiver,role');
  });

  it('names the line of a malformed framework or waiver file, in one line with exit code 2', () => {
    const fw = join(work, 'bad-framework.yaml');
    writeFileSync(fw, 'id: acme\nrequirements:\n  - id: A\n    title: T\n    checks: [no-such-check]\n');
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--framework-file', fw, '--out', join(work, 'x1')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`configtrail: error: ${fw}:3: unknown check "no-such-check" (see \`configtrail checks\`)`]);
    const wv = join(work, 'bad-waivers.yaml');
    writeFileSync(wv, 'waivers:\n  - control: cis-aws-v6.0:6.3\n    reason: ok\n    expires: someday\n');
    const w = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--waivers', wv, '--out', join(work, 'x2')]);
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(new RegExp(`^configtrail: error: ${wv}:2: "expires" must be a date`));
  });

  it('lists checks with the requirements they serve', () => {
    const checks = JSON.parse(runCli(['checks', '--json']).stdout) as { id: string; requirements: string[] }[];
    expect(checks.length).toBeGreaterThanOrEqual(50);
    expect(checks.find((c) => c.id === 'root-mfa-enabled')?.requirements).toContain('cis-aws-v6.0:2.4');
  });
});

describe.skipIf(!chromiumAvailable())('evidence pack', () => {
  it('is reproducible byte for byte with SOURCE_DATE_EPOCH set, manifest and zip included, and its manifest hashes every file', () => {
    // One command line, run from two folders (see the report's byte-identical test).
    const outs = ['ev-a', 'ev-b'].map((d) => join(work, d, 'out'));
    for (const out of outs) {
      mkdirSync(join(out, '..'), { recursive: true });
      const r = runCli(['evidence', join(work, 'gen/export'), join(work, 'gen/credential-reports'), '--from', FROM, '--to', TO, '--control', 'cis-aws-v6.0:6.3', '--control', 'cis-aws-v6.0:2.4', '--zip', '--out', 'out', '--quiet'], { cwd: join(out, '..'), env: { SOURCE_DATE_EPOCH: TEST_EPOCH } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const [a, b] = outs as [string, string];
    const files = readdirSync(a).sort();
    expect(files).toEqual(['changes.csv', 'control.html', 'control.json', 'control.pdf', 'events.csv', 'events.json', 'evidence-cis-aws-v6.0_6.3+cis-aws-v6.0_2.4.zip', 'findings.csv', 'inputs.csv', 'manifest.json']);
    for (const f of files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8')) as { generated: { at: string }; controls: { id: string }[]; outputs: { file: string; sha256: string }[]; inputs: { sha256: string }[] };
    expect(manifest.generated).toEqual({ at: new Date(Number(TEST_EPOCH) * 1000).toISOString().replace('.000Z', 'Z'), by: 'SOURCE_DATE_EPOCH' });
    expect(manifest.controls.map((c) => c.id)).toEqual(['6.3', '2.4']);
    expect(manifest.inputs.length).toBeGreaterThan(10);
    for (const o of manifest.outputs) expect(createHash('sha256').update(readFileSync(join(a, o.file))).digest('hex')).toBe(o.sha256);
    // The pack verifies as a report folder does (its zip holds the manifest, which cannot list it).
    expect(runCli(['verify-report', a]).status).toBe(0);
    const pack = JSON.parse(readFileSync(join(a, 'control.json'), 'utf8')) as Report;
    expect(pack.controls.map((c) => `${c.framework}:${c.id}`)).toEqual(['cis-aws-v6.0:6.3', 'cis-aws-v6.0:2.4']);
    expect(pack.changes.every((c) => pack.controls.some((ctl) => ctl.findings.some((f) => f.changeId === c.id || f.resourceId === c.resourceId)))).toBe(true);
  });
});

describe('workspace and query', () => {
  const files = () => readdirSync(join(work, 'gen/export'), { recursive: true }).length;
  let ws: string;

  it('a second report over the same inputs, for another period and framework, reuses the workspace and equals a fresh run', () => {
    ws = join(work, 'ws');
    const first = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, 'ws-1'), '--workspace', ws, '--json']);
    expect(first.status).toBe(0);
    const s1 = JSON.parse(first.stdout) as { workspace: { decoded: number; reused: number }; counts: { files: { read: number } } };
    expect(s1.workspace).toMatchObject({ reused: 0, decoded: s1.counts.files.read });
    const fresh1 = join(work, 'ws-fresh-1');
    expect(runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', fresh1, '--no-workspace', '--quiet']).status).toBe(0);
    expect(reportApartFromInvocation(join(work, 'ws-1'))).toBe(reportApartFromInvocation(fresh1));

    const args = ['--from', '2026-07-10', '--to', '2026-07-20', '--framework', 'soc2', '--format', 'json'];
    const second = runCli(['report', join(work, 'gen/export'), ...args, '--out', join(work, 'ws-2'), '--workspace', ws, '--json']);
    const s2 = JSON.parse(second.stdout) as { workspace: { decoded: number; reused: number } };
    // The very files of the first run: its saved ingest is replayed, no pack even opened.
    expect(s2.workspace).toEqual({ dir: ws, decoded: 0, reused: s1.workspace.decoded, replayed: true });
    const fresh2 = join(work, 'ws-fresh-2');
    expect(runCli(['report', join(work, 'gen/export'), ...args, '--out', fresh2, '--no-workspace', '--quiet']).status).toBe(0);
    expect(reportApartFromInvocation(join(work, 'ws-2'))).toBe(reportApartFromInvocation(fresh2));
    expect(files()).toBeGreaterThan(0);
  });

  it('refuses a workspace that is not a folder, in one line, before reading anything', () => {
    const notDir = join(work, 'ws-not-a-folder');
    writeFileSync(notDir, '');
    const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, 'ws-nd'), '--workspace', notDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`configtrail: error: --workspace ${notDir} is not a folder\n`);
  });

  it('answers SQL over the changes and events of the last run', () => {
    const report = readReport(join(work, 'ws-2'));
    const count = runCli(['query', 'SELECT count(*)::INTEGER AS n FROM changes', '--workspace', ws, '--format', 'json']);
    expect(count.stderr).toBe('');
    expect(JSON.parse(count.stdout)).toEqual([{ n: report.changes.length }]);
    const who = runCli(['query', "SELECT origin, count(*)::INTEGER AS n FROM events WHERE eventName = 'AssumeRoleWithSAML' GROUP BY origin ORDER BY n DESC, origin", '--workspace', ws]);
    expect(who.status).toBe(0);
    expect(who.stdout).toMatch(/^origin\s+n\n/);
    expect(who.stdout).toMatch(/@example\.com/);
    const bad = runCli(['query', 'SELEC nonsense', '--workspace', ws]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^configtrail: error: query failed: /);
  });
  it('reuses the packs of a moved export by content, and decodes again only the batch of a changed file', () => {
    const moved = join(work, 'ws-moved');
    cpSync(join(work, 'gen/export'), moved, { recursive: true });
    const run = (out: string) => {
      const r = runCli(['report', moved, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, out), '--workspace', ws, '--json']);
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { workspace: { decoded: number; reused: number }; counts: { files: { read: number } } };
    };
    const a = run('ws-moved-1');
    expect(a.workspace).toMatchObject({ decoded: 0, reused: a.counts.files.read, replayed: false });
    // Same records, other bytes: the file's hash changes, so its batch (one folder, ≤ 32 files) is decoded again.
    const logs = readdirSync(moved, { recursive: true }).map(String).filter((f) => f.includes('_CloudTrail_') && f.endsWith('.json.gz')).sort();
    const target = join(moved, logs[0]!);
    const before = readFileSync(target);
    const after = gzipSync(gunzipSync(before), { level: before.equals(gzipSync(gunzipSync(before), { level: 9 })) ? 1 : 9 });
    expect(after.equals(before)).toBe(false);
    writeFileSync(target, after);
    const b = run('ws-moved-2');
    expect(b.workspace.decoded).toBeGreaterThan(0);
    expect(b.workspace.decoded).toBeLessThanOrEqual(32);
    expect(b.workspace.reused).toBe(b.counts.files.read - b.workspace.decoded);
    // Same size, mtime put back: the ctime still moves, so the saved ingest is not replayed.
    const st = statSync(target);
    const bytes = readFileSync(target);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff; // the gzip trailer's CRC: the file is now corrupt
    writeFileSync(target, bytes);
    utimesSync(target, st.atime, st.mtime);
    const c = run('ws-moved-3');
    expect(c.workspace.decoded).toBeGreaterThan(0);
    expect(readReport(join(work, 'ws-moved-3')).rejected.map((r) => r.path)).toContain(target);
    writeFileSync(target, after);
    const fresh = join(work, 'ws-moved-fresh');
    expect(runCli(['report', moved, '--from', FROM, '--to', TO, '--format', 'json', '--out', fresh, '--no-workspace', '--quiet']).status).toBe(0);
    expect(reportApartFromInvocation(join(work, 'ws-moved-2'))).toBe(reportApartFromInvocation(fresh));
  });
  it('checks a saved ingest against its plan while no folder changed, and walks the folders again when one did', () => {
    const exp = join(work, 'ws-plan');
    const space = join(work, 'ws-plan-space');
    cpSync(join(work, 'gen/export'), exp, { recursive: true });
    const run = (out: string) => {
      const r = runCli(['report', exp, '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, out), '--workspace', space, '--json']);
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { workspace: { decoded: number; reused: number; replayed: boolean }; counts: { files: { read: number } } };
    };
    const a = run('ws-plan-1');
    const runs = join(space, 'runs');
    const saved = readdirSync(runs);
    expect(saved).toHaveLength(1);
    // What the run read: its folders (with their identity and times) and its files, batch by batch.
    expect(readdirSync(join(runs, saved[0]!))).toEqual(expect.arrayContaining(['folders.ndjson', 'parts.ndjson']));
    expect(run('ws-plan-2').workspace.replayed).toBe(true);
    // A file added to a folder: that folder's times moved, so the folders are walked again and the new file is read.
    const logs = readdirSync(exp, { recursive: true }).map(String).filter((f) => f.includes('_CloudTrail_') && f.endsWith('.json.gz')).sort();
    const added = join(exp, logs[0]!.replace('.json.gz', '-copy.json.gz'));
    copyFileSync(join(exp, logs[0]!), added);
    const c = run('ws-plan-3');
    expect(c.workspace.replayed).toBe(false);
    expect(c.counts.files.read).toBe(a.counts.files.read + 1);
    expect([...readReport(join(work, 'ws-plan-3')).inputs].map((i) => i.path)).toContain(added);
    expect(run('ws-plan-4').workspace.replayed).toBe(true);
    // Removed again: the inputs are those of the first run, whose ingest is replayed, and the report is the first run's.
    rmSync(added);
    const e = run('ws-plan-5');
    expect(e.workspace.replayed).toBe(true);
    expect(e.counts.files.read).toBe(a.counts.files.read);
    expect(reportApartFromInvocation(join(work, 'ws-plan-5'))).toBe(reportApartFromInvocation(join(work, 'ws-plan-1')));
  });
  it('reads the files again when a saved ingest cannot be read whole, and saves it anew', () => {
    const space = join(work, 'ws-broken');
    const run = (out: string) => {
      const r = runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', join(work, out), '--workspace', space, '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { workspace: { decoded: number; reused: number; replayed: boolean } };
    };
    run('ws-broken-1');
    const runs = join(space, 'runs');
    const [saved] = readdirSync(runs);
    // The saved events: one sealed file an hour (store/events.ts); the first of the period's hours.
    const hours = join(runs, saved!, 'hours');
    const events = join(hours, readdirSync(hours).sort((a, b) => parseInt(a) - parseInt(b)).find((n) => parseInt(n) * 3_600_000 >= Date.parse(FROM))!);
    const lines = readFileSync(events, 'utf8').split('\n');
    // A line is `<key>\t<identity>\t<event>` (store/events.ts).
    const firstEvent = lines.findIndex((l) => l.split('\t').length === 3);
    expect(firstEvent).toBeGreaterThanOrEqual(0);
    for (const broken of [
      // An event whose identity is not JSON, then a line cut short.
      lines.map((l, i) => (i === firstEvent ? l.replace(/\t\{/, '\t{"type":') : l)).join('\n'),
      lines.map((l, i) => (i === firstEvent ? l.slice(0, 40) : l)).join('\n'),
    ]) {
      writeFileSync(events, broken);
      const r = run('ws-broken-2');
      expect(r.workspace.replayed).toBe(false);
      expect(reportApartFromInvocation(join(work, 'ws-broken-2'))).toBe(reportApartFromInvocation(join(work, 'ws-broken-1')));
      // Saved anew: the next run replays it.
      expect(run('ws-broken-3').workspace.replayed).toBe(true);
    }
  });

  it('keeps the query tables that follow from the evidence alone when only the frameworks change, and equals a fresh workspace', () => {
    const space = join(work, 'ws-tables');
    const report = (ws: string, out: string, extra: string[]) =>
      expect(runCli(['report', join(work, 'gen/export'), '--format', 'json', '--out', join(work, out), '--workspace', ws, '--quiet', ...extra]).status).toBe(0);
    const tables = (ws: string) => Object.fromEntries(['events', 'changes', 'findings', 'inputs'].map((t) => [t, readFileSync(join(ws, 'tables', `${t}.ndjson`), 'utf8')]));
    const times = () => Object.fromEntries(['events', 'changes', 'inputs'].map((t) => [t, statSync(join(space, 'tables', `${t}.ndjson`)).mtimeMs]));
    report(space, 'ws-tables-1', ['--from', FROM, '--to', TO]);
    const first = { tables: tables(space), times: times() };
    // Another framework over the same inputs and period: the events, changes and inputs tables stand.
    report(space, 'ws-tables-2', ['--from', FROM, '--to', TO, '--framework', 'soc2']);
    expect(times()).toEqual(first.times);
    const second = tables(space);
    expect(second.findings).not.toBe(first.tables.findings);
    const fresh = (name: string, extra: string[]) => {
      const ws = join(work, name);
      report(ws, `${name}-out`, extra);
      return tables(ws);
    };
    expect(second).toEqual(fresh('ws-tables-fresh-2', ['--from', FROM, '--to', TO, '--framework', 'soc2']));
    // Another period: every table is written again.
    report(space, 'ws-tables-3', ['--from', '2026-07-10', '--to', '2026-07-20', '--framework', 'soc2']);
    const third = tables(space);
    expect(third.events).not.toBe(second.events);
    expect(third).toEqual(fresh('ws-tables-fresh-3', ['--from', '2026-07-10', '--to', '2026-07-20', '--framework', 'soc2']));
  });
});

describe('a saved ingest with an unreadable file in a batch', () => {
  it('replays for another period exactly what a fresh run finds', () => {
    const d = tempDir('ingest-unreadable');
    const exp = join(d, 'export');
    cpSync(join(ROOT, 'samples/demo/export'), exp, { recursive: true });
    // Too large to read: its folder's batch is parsed as it stands, and that folder holds a write
    // from before the first period that the second period needs.
    writeFileSync(join(exp, 'AWSLogs/648615268428/CloudTrail/us-east-1/2026/06/29/big.json'), ' '.repeat(300_000));
    const ws = join(d, 'ws');
    const common = ['--format', 'json', '--workspace', ws, '--max-file-size', '0.1'];
    expect(runCli(['report', exp, '--quarter', '2026-Q3', ...common, '--out', join(d, 'a'), '--quiet']).status).toBe(0);
    const second = runCli(['report', exp, '--from', '2026-06-25', '--to', '2026-07-05', ...common, '--out', join(d, 'b'), '--json']);
    expect((JSON.parse(second.stdout) as { workspace: { replayed: boolean } }).workspace.replayed).toBe(true);
    const fresh = runCli(['report', exp, '--from', '2026-06-25', '--to', '2026-07-05', '--format', 'json', '--no-workspace', '--max-file-size', '0.1', '--out', join(d, 'c'), '--quiet']);
    expect(fresh.status).toBe(0);
    expect(reportApartFromInvocation(join(d, 'b'))).toBe(reportApartFromInvocation(join(d, 'c')));
  });
});

describe('missing data shows', () => {
  it('ten days, a region and an account removed from an export are coverage gaps, and nothing they could hold passes', () => {
    const dir = join(tempDir('coverage'), 'export');
    cpSync(join(ROOT, 'samples/demo/export'), dir, { recursive: true });
    const [a, b] = ['648615268428', '731566048050'];
    for (let d = 1; d <= 10; d++) rmSync(join(dir, `AWSLogs/${a}/CloudTrail/us-east-1/2026/08/${String(d).padStart(2, '0')}`), { recursive: true });
    rmSync(join(dir, `AWSLogs/${a}/CloudTrail/eu-west-1`), { recursive: true });
    rmSync(join(dir, `AWSLogs/${b}`), { recursive: true });
    const args = ['report', dir, '--quarter', '2026-Q3', '--framework', 'cis-aws-v6.0', '--format', 'json', '--no-workspace', '--quiet'];

    // Undeclared, the scope is what the data shows: the account is gone without a trace, the days and the region are not.
    const quiet = runCli([...args, '--out', join(dir, '..', 'out-undeclared')]);
    expect(quiet.status).toBe(0);
    const seen = readReport(join(dir, '..', 'out-undeclared')).coverage;
    expect(seen.declared).toEqual({ accounts: false, regions: false });
    expect(seen.expected.accounts).toEqual([a]);

    const r = runCli([...args, '--accounts', `${a},${b}`, '--regions', 'us-east-1,eu-west-1', '--out', join(dir, '..', 'out')]);
    expect(r.status).toBe(0);
    const report = readReport(join(dir, '..', 'out'));
    expect(report.coverage.declared).toEqual({ accounts: true, regions: true });
    expect(report.coverage.gaps.map((g) => `${g.source} ${g.accountId} ${g.region} ${g.from}..${g.to}`)).toEqual([
      `cloudtrail ${a} eu-west-1 2026-07-01..2026-09-30`,
      `cloudtrail ${a} us-east-1 2026-08-01..2026-08-10`,
      `cloudtrail ${b} eu-west-1 2026-07-01..2026-09-30`,
      `config ${b} eu-west-1 2026-07-01..2026-09-30`,
      `cloudtrail ${b} us-east-1 2026-07-01..2026-09-30`,
      `config ${b} us-east-1 2026-07-01..2026-09-30`,
    ]);
    const status = (id: string) => report.controls.find((c) => c.id === id)!;
    // CloudTrail enabled in all regions, log file validation: not a pass with a whole account and ten days missing.
    for (const id of ['4.1', '4.2']) expect(status(id).status, `${id}: ${status(id).reason}`).not.toBe('PASS');
    expect(status('4.1').reason).toMatch(/coverage gap/);
    // No requirement decided by a check that reads CloudTrail or AWS Config passes.
    const passing = report.controls.filter((c) => c.status === 'PASS' || c.status === 'NOT_APPLICABLE');
    expect(passing.map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(report.controls.filter((c) => c.status === 'INSUFFICIENT_DATA').length).toBeGreaterThan(5);
  });
});

describe('golden report of the bundled sample', () => {
  it('is unchanged (after an intended change: npm run golden, and review the diff)', () => {
    // `npm run golden`'s very command line (report.json records it), from a folder whose samples/ is the checkout's.
    const cwd = join(work, 'golden');
    mkdirSync(cwd, { recursive: true });
    symlinkSync(join(ROOT, 'samples'), join(cwd, 'samples'));
    const out = join(cwd, 'reports/golden');
    const r = runCli([
      'report', 'samples/demo/export', 'samples/demo/credential-reports', '--quarter', '2026-Q3', '--framework', 'cis-aws-v6.0', '--framework', 'soc2',
      '--authorized-principals', 'samples/demo/authorized-principals.txt', '--format', 'json', '--out', 'reports/golden', '--no-workspace', '--quiet',
    ], { cwd, env: { SOURCE_DATE_EPOCH: TEST_EPOCH } });
    expect(r.status).toBe(0);
    const golden = readFileSync(join(ROOT, 'samples/demo/report.golden.json'), 'utf8');
    const actual = readFileSync(join(out, 'report.json'), 'utf8');
    if (actual !== golden) {
      const a = JSON.parse(actual) as Record<string, unknown>;
      const g = JSON.parse(golden) as Record<string, unknown>;
      expect(Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(g[k]))).toEqual([]);
    }
    expect(actual).toBe(golden);
    // Later changes touch failing groups in the demo's quarter; each finding still cites its cause.
    const demoTruth = JSON.parse(readFileSync(join(ROOT, 'samples/demo/ground-truth.json'), 'utf8')) as GroundTruth;
    const causes = causesAgainstTruth(JSON.parse(actual) as Report, demoTruth);
    expect(causes.wrong).toEqual([]);
    expect(causes.findings).toBeGreaterThan(2);
    expect(causes.touchedLater).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasCommand('script'))('progress on a terminal', () => {
  it('shows a bar per stage on a TTY (checking the workspace, reading, rendering), and none with --quiet', () => {
    const d = tempDir('progress');
    const run = (extra: string[]) =>
      execFileSync('script', ['-qec', ['node', join(ROOT, 'dist/src/cli/main.js'), 'report', join(ROOT, 'samples/demo/export'), '--quarter', '2026-Q3', '--format', 'json', '--out', join(d, 'out'), '--workspace', join(d, 'ws'), ...extra].join(' '), '/dev/null'], { encoding: 'utf8' });
    const first = run([]);
    expect(first).toMatch(/reading +[░█]+ .*\| \d+ files \| [\d.]+ MiB \| \d+ records \| \d+ rec\/s/);
    expect(first).toMatch(/rendering +█+ 100%/);
    expect(run([])).toMatch(/checking +[░█]+ .*\| \d+ files/);
    expect(run(['--quiet'])).not.toMatch(/reading|checking|rendering/);
  });
});


describe('real inputs of other shapes', () => {
  it('attributes changes to 2014 calls that carry no eventID, by their synthetic ids, and rejects nothing', () => {
    const input = join(tempDir('e2e-2014'), 'export');
    const trail = join(input, 'AWSLogs/123456789012/CloudTrail/us-east-2/2014/03/06');
    mkdirSync(trail, { recursive: true });
    // AWS's 2014 log file examples (no eventID), delivered as CloudTrail writes them.
    for (const n of [2, 3, 4]) {
      const body = readFileSync(join(REAL_DATA, `awsdocs-cloudtrail/cloudtrail-log-file-examples-0${n}.json`));
      writeFileSync(join(trail, `123456789012_CloudTrail_us-east-2_20140306T2100Z_example0${n}.json.gz`), gzipSync(body));
    }
    // Hand-made: the instance those calls stop and start, as Config's API writes it (no awsRegion, microsecond offsets).
    const instance = (time: string, state: string) => ({
      configurationItemCaptureTime: time,
      accountId: '123456789012',
      arn: 'arn:aws:ec2:us-east-2:123456789012:instance/i-ebeaf9e2',
      resourceType: 'AWS::EC2::Instance',
      resourceId: 'i-ebeaf9e2',
      configurationItemStatus: 'OK',
      configuration: JSON.stringify({ instanceId: 'i-ebeaf9e2', state: { name: state } }),
    });
    writeFileSync(join(input, 'history.json'), JSON.stringify({ configurationItems: [instance('2014-03-06T21:25:00.500000+00:00', 'running'), instance('2014-03-06T21:05:00.000000+00:00', 'stopped')] }));
    const out = join(input, '..', 'report');
    const r = runCli(['report', input, '--from', '2014-03-01', '--to', '2014-03-31', '--format', 'json', '--out', out, '--no-workspace', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.rejected).toEqual([]);
    expect(report.counts.records).toEqual({ read: 5, used: 5, rejected: 0 });
    const changes = report.changes.map((c) => [c.captureTime, c.region, c.attribution.eventName, c.attribution.eventTime, c.attribution.eventId?.slice(0, 7), c.actor?.arn]);
    expect(changes).toEqual([
      ['2014-03-06T21:05:00.000Z', 'us-east-2', 'StopInstances', '2014-03-06T21:01:59.000Z', 'sha256:', 'arn:aws:iam::123456789012:user/Alice'],
      ['2014-03-06T21:25:00.500Z', 'us-east-2', 'StartInstances', '2014-03-06T21:22:54.000Z', 'sha256:', 'arn:aws:iam::123456789012:user/Alice'],
    ]);
  });
});
