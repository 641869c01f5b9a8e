import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { renderHtml } from '../src/render/html.js';
import { describePopulation, drawSample, populationOf } from '../src/report/population.js';
import { chromiumAvailable, readReport, ROOT, runCli, tempDir } from './helpers/cli.js';

// Evidence packs that hold the population of a change-management control, and a seeded sample of it,
// over the demo export with its authorised principals.
const DEMO = join(ROOT, 'samples/demo/export');
const PRINCIPALS = join(ROOT, 'samples/demo/authorized-principals.txt');
const OPTIONS = ['--authorized-principals', PRINCIPALS, '--no-workspace', '--quiet'];
const RUN = [DEMO, '--quarter', '2026-Q3', ...OPTIONS];
const CHECK = 'change-management-authorized-principals';

type Row = Record<string, string>;
const readCsv = (dir: string, file: string) => parse(readFileSync(join(dir, file), 'utf8'), { columns: true }) as Row[];

interface Manifest {
  createdAt: string;
  population: { changes: number; unauthorised: number; judged: boolean; controls: { id: string; failingChanges: number; agrees: boolean }[] };
  sample: { seed: string; requested: number; drawn: number; method: string; changes: { rank: number; key: string; changeId: string }[] };
}
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

let work: string;
// Each pack is made in a folder of its own with the same --out: the command line, which the pack
// records, differs only by the arguments given.
const pack = (name: string, ...args: string[]) => {
  mkdirSync(join(work, name));
  const out = join(work, name, 'pack');
  const period = args.includes('--from') ? [] : ['--quarter', '2026-Q3'];
  const r = runCli(['evidence', DEMO, ...period, ...OPTIONS, '--control', 'soc2:CC8.1', ...args, '--out', 'pack'], { cwd: join(work, name) });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return out;
};

describe('evidence pack arguments', () => {
  const usage = (...args: string[]) => {
    const out = join(tempDir('packs-usage'), 'out');
    const r = runCli(['evidence', ...RUN, '--out', out, ...args]);
    // Refused before anything is read or written.
    expect(existsSync(out)).toBe(false);
    return r;
  };

  it.each([['0'], ['-3'], ['2.5'], ['many']])('refuses --sample %s with one line and exit 2, before reading', (n) => {
    const r = usage('--control', 'soc2:CC8.1', `--sample=${n}`, '--seed', '7');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^configtrail: error: --sample must be a whole number of changes, at least 1, got [^\n]+\n$/);
  });

  it('refuses a sample without a seed, a seed without a sample, and a sample of a control that has no population', () => {
    for (const [args, message] of [
      [['--control', 'soc2:CC8.1', '--sample', '5'], '--sample needs --seed S'],
      [['--control', 'soc2:CC8.1', '--seed', '5'], '--seed is used with --sample N'],
      [['--control', 'cis-aws-v6.0:2.4', '--sample', '5', '--seed', '5'], '--sample draws from the population of a change-management control'],
    ] as const) {
      const r = usage(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe.skipIf(!chromiumAvailable())('evidence pack of a change-management control', () => {
  let report: Report;
  let a: string;

  beforeAll(() => {
    work = tempDir('packs');
    const r = runCli(['report', ...RUN, '--framework', 'soc2', '--format', 'json', '--out', join(work, 'report')]);
    expect(r.status).toBe(0);
    report = readReport(join(work, 'report'));
    a = pack('seed-42-a', '--sample', '5', '--seed', '42');
  });

  it("lists every change of the period, and marks unauthorised exactly the changes the control's check fails", () => {
    const rows = readCsv(a, 'population.csv');
    expect(rows.map((r) => r.id)).toEqual(report.changes.map((c) => c.id));
    expect(rows.length).toBeGreaterThan(50);
    const control = report.controls.find((c) => c.framework === 'soc2' && c.id === 'CC8.1')!;
    const failing = control.findings.filter((f) => f.check === CHECK && f.status === 'FAIL' && f.changeId).map((f) => f.changeId!);
    expect(failing.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.authorized === 'no').map((r) => r.id).sort()).toEqual([...new Set(failing)].sort());
    expect(rows.every((r) => r.authorized === 'yes' || r.authorized === 'no')).toBe(true);

    const m = manifestOf(a);
    expect(m.population).toMatchObject({ changes: report.changes.length, unauthorised: failing.length, judged: true, controls: [{ id: 'CC8.1', failingChanges: failing.length, agrees: true }] });
    // The cover claims the population it holds, with the control's own counts.
    const html = readFileSync(join(a, 'control.html'), 'utf8');
    expect(html).toContain(`This pack holds the population of ${report.changes.length} configuration changes recorded by AWS Config in the period, ${failing.length} by principals outside the authorised list`);
    expect(html).not.toContain('Every configuration change recorded by AWS Config in the period is listed');
    // The pack's changes are the population too, and its input list is the one the document cites.
    expect((JSON.parse(readFileSync(join(a, 'control.json'), 'utf8')) as Report).changes.length).toBe(report.changes.length);
    expect(readdirSync(a)).toContain('inputs.csv');
  });

  it('draws the sample the documented method re-performs, citing the files that hold each change and its event', () => {
    const m = manifestOf(a);
    const population = readCsv(a, 'population.csv').map((r) => r.id!);
    const byHand = population.map((id) => ({ id, key: createHash('sha256').update(`42:${id}`).digest('hex') })).sort((x, y) => (x.key < y.key ? -1 : 1)).slice(0, 5);
    expect(m.sample).toMatchObject({ seed: '42', requested: 5, drawn: 5 });
    expect(m.sample.method).toContain('SHA-256 of the UTF-8 text "<seed>:<change id>"');
    expect(m.sample.changes.map((c) => [c.changeId, c.key])).toEqual(byHand.map((x) => [x.id, x.key]));
    const sample = readCsv(a, 'sample.csv');
    expect(sample.map((r) => r.changeId)).toEqual(byHand.map((x) => x.id));

    const inputs = new Map(Array.from(report.inputs, (i) => [i.path, i.sha256]));
    const html = readFileSync(join(a, 'control.html'), 'utf8');
    for (const row of sample) {
      const change = report.changes.find((c) => c.id === row.changeId)!;
      expect(html).toContain(`id="sample-${row.rank}"`);
      // Each cited file is an input, with its hash, and holds the resource and the causing event.
      for (const [file, sha, needle] of [[row.itemFile!, row.itemFileSha256!, change.resourceId], [row.eventFile!, row.eventFileSha256!, change.attribution.eventId!]] as const) {
        expect(inputs.get(file)).toBe(sha);
        const bytes = readFileSync(resolve(ROOT, file));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
        expect(gunzipSync(bytes).toString('utf8')).toContain(needle);
        expect(html).toContain(sha);
      }
    }
  });

  it('gives the same pack byte for byte for the same seed, and another sample for another seed', () => {
    const b = pack('seed-42-b', '--sample', '5', '--seed', '42');
    const files = readdirSync(a).sort();
    expect(files).toEqual(['changes.csv', 'control.html', 'control.json', 'control.pdf', 'events.csv', 'events.json', 'findings.csv', 'inputs.csv', 'manifest.json', 'population.csv', 'sample.csv']);
    for (const f of files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);

    const c = pack('seed-43', '--sample', '5', '--seed', '43');
    const drawn = (dir: string) => manifestOf(dir).sample.changes.map((x) => x.changeId);
    expect(drawn(c)).toHaveLength(5);
    expect(drawn(c)).not.toEqual(drawn(a));
    expect(readFileSync(join(c, 'population.csv')).equals(readFileSync(join(a, 'population.csv')))).toBe(true);
  });

  it('takes the whole population when more changes are asked for than it holds', () => {
    // Ten days of the quarter: a population small enough to print one page per change quickly.
    const all = pack('all', '--from', '2026-07-01', '--to', '2026-07-10', '--sample', '100000', '--seed', 'x');
    const m = manifestOf(all);
    const population = readCsv(all, 'population.csv').map((r) => r.id);
    expect(population.length).toBeGreaterThan(1);
    expect(population.length).toBeLessThan(report.changes.length);
    expect(m.sample).toMatchObject({ requested: 100000, drawn: population.length });
    expect(new Set(readCsv(all, 'sample.csv').map((r) => r.changeId))).toEqual(new Set(population));
    expect(readFileSync(join(all, 'control.html'), 'utf8')).toContain('so the whole population is taken');
  });

  it('judges nothing without an authorised list, and says "not recorded" where a sampled change\'s files are not held', () => {
    const control = report.controls.find((c) => c.id === 'CC8.1')!;
    const unjudged: Report = { ...report, criteria: { ...report.criteria, authorizedPrincipals: { principals: [], files: [] } } };
    const population = populationOf(unjudged, [control]);
    expect(population).toMatchObject({ total: report.changes.length, judged: false, unauthorised: 0 });
    expect(population.rows.every((r) => r.authorised === undefined)).toBe(true);
    expect(describePopulation(population)).toBe(`the population of ${report.changes.length} configuration changes recorded by AWS Config in the period; none judged against an authorised list (no --authorized-principals given)`);
    // A draw whose files the evidence did not hold (as the pipeline leaves them when it cannot find them).
    const sample = drawSample(population, 1, 'seed');
    const drawn = sample.drawn[0]!;
    const html = renderHtml(unjudged, { title: 'pack', pack: { population, sample: { ...sample, drawn: [{ ...drawn, sources: {} }] } } });
    expect(html).toContain('No --authorized-principals were given');
    const page = html.slice(html.indexOf('id="sample-1"'));
    expect(page).toContain(`Sampled change ${drawn.row.change.id}`);
    expect(page).toContain('<td>Configuration item (after)</td><td class="mono wrap">not recorded</td>');
    expect(page).toContain(drawn.row.change.attribution.eventId ? '<td>Causing CloudTrail event</td><td class="mono wrap">not recorded</td>' : 'none: no causing call found');
  });

  it('marks a waived exception as waived, and still counts it among the unauthorised changes, as the control does', () => {
    const control = report.controls.find((c) => c.id === 'CC8.1')!;
    const target = control.findings.find((f) => f.check === CHECK && f.status === 'FAIL' && f.changeId)!;
    const waivedControl = { ...control, findings: control.findings.map((f) => (f === target ? { ...f, waiver: { reason: 'emergency fix', expired: false } } : f)) };
    const population = populationOf(report, [waivedControl]);
    const failing = control.findings.filter((f) => f.check === CHECK && f.status === 'FAIL' && f.changeId).length;
    expect(population).toMatchObject({ unauthorised: failing, waived: 1, controls: [{ agrees: true }] });
    expect(population.rows.filter((r) => r.waived).map((r) => r.change.id)).toEqual([target.changeId]);
    expect(describePopulation(population)).toContain(`${failing} by principals outside the authorised list (1 of them waived)`);
  });
});
