import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Period, Report } from '../src/model/types.js';
import { generateExport } from '../samples/generator.js';
import { normaliseEvent } from '../src/parse/cloudtrail.js';
import { readEngineResults } from '../src/sql/results.js';
import { DATA_COLUMNS, formatSql, MAX_PARTITIONS, MAX_QUERY_BYTES, partsOf, renderKeep, renderSql, ruleId, type Engine, type SqlOptions } from '../src/sql/render.js';
import { evaluateKeep, KEEP_TREE, keepRule, keepsEvent, SESSION_ISSUING_EVENTS, type KeepFields } from '../src/store/keep.js';
import { resolvePeriod } from '../src/util/period.js';
import { ELASTIC_DATA, noElasticData, readReport, REAL_DATA, ROOT, runCli, tempDir } from './helpers/cli.js';

const DEMO = join(ROOT, 'samples/demo');
const EXPORT = join(DEMO, 'export');
const CONFIG_INPUTS = readdirSync(join(EXPORT, 'AWSLogs')).map((a) => join(EXPORT, 'AWSLogs', a, 'Config'));
const Q3 = resolvePeriod({ quarter: '2026-Q3' });
const REPORT_ARGS = ['--quarter', '2026-Q3', '--framework', 'cis-aws-v6.0', '--framework', 'soc2', '--authorized-principals', join(DEMO, 'authorized-principals.txt'), '--quiet', '--no-workspace'];

async function duck(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

/** Runs `configtrail sql --engine duckdb` over a folder and executes what it printed. */
async function extractWithDuckDb(location: string, results: string, extra: string[] = []): Promise<string> {
  mkdirSync(results, { recursive: true });
  const r = runCli(['sql', '--engine', 'duckdb', '--quarter', '2026-Q3', '--location', location, '--results', results, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  await (await duck()).run(r.stdout);
  return r.stdout;
}

/**
 * A report.json apart from what differs by construction between a direct run and one over engine
 * results: the command line, the input list, its skipped files and its counts (log files there, result files here; the
 * engine counts only the events its rule kept: read, read-only and failed calls outside the period
 * are not among them), and the integrity section. The kept events and Config items must match.
 */
function apartFromInputs(report: Report): unknown {
  const { invocation: _i, inputs: _in, skipped: _s, integrity: _int, counts, ...rest } = report;
  return { ...rest, keptEvents: counts.events.kept, configurationItems: counts.configurationItems };
}

/** `configtrail verify --from --to --json` over a folder, written where `report --verified` reads it. */
function verifyTo(location: string, from: string, to: string, file: string): string {
  const v = runCli(['verify', location, '--from', from, '--to', to, '--json']);
  expect(v.stderr).toBe('');
  writeFileSync(file, v.stdout);
  return file;
}

/** The direct report and the one through `sql --engine duckdb` and `report --engine-results --verified`, over one export. */
async function bothWays(work: string, exportDir: string, configInputs: string[], args: string[], sqlArgs: string[] = []): Promise<{ direct: Report; engine: Report }> {
  const results = join(work, 'results');
  mkdirSync(results, { recursive: true });
  const r = runCli(['sql', '--engine', 'duckdb', ...periodArgs(args), '--location', exportDir, '--results', results, ...sqlArgs]);
  expect(r.stderr).toBe('');
  await (await duck()).run(r.stdout);
  const [from, to] = periodDays(args);
  const verified = verifyTo(exportDir, from, to, join(work, 'verify.json'));
  const direct = runCli(['report', exportDir, ...args, '--out', join(work, 'direct')]);
  expect(direct.stderr).toBe('');
  const viaEngine = runCli(['report', ...configInputs, '--engine-results', results, '--verified', verified, ...args, '--out', join(work, 'engine')]);
  expect(viaEngine.stderr).toBe('');
  expect(viaEngine.status).toBe(0);
  return { direct: readReport(join(work, 'direct')), engine: readReport(join(work, 'engine')) };
}

const periodArgs = (args: string[]) => args.flatMap((a, i) => (['--from', '--to', '--quarter'].includes(a) ? [a, args[i + 1]!] : []));
function periodDays(args: string[]): [string, string] {
  const q = args.indexOf('--quarter');
  if (q >= 0) {
    const p = resolvePeriod({ quarter: args[q + 1]! });
    return [p.from, p.to];
  }
  return [args[args.indexOf('--from') + 1]!, args[args.indexOf('--to') + 1]!];
}

// ---- the keep rule as data ----------------------------------------------------------------

const HOUR = 3_600_000;
const NAMES = ['AssumeRole', 'GetSessionToken', 'AuthorizeSecurityGroupIngress', 'ConsoleLogin', 'DescribeInstances'];
const SOURCES = ['sts.amazonaws.com', 'signin.amazonaws.com', 'ec2.amazonaws.com'];

/** Every combination of the fields the rule reads, at and around each of its time bounds. */
function generated(period: Period, windowMs: number): KeepFields[] {
  const r = keepRule(period, windowMs);
  const times = [r.startMs, r.endMs, r.writeFromMs, r.sessionFromMs].flatMap((t) => [t - 1, t, t + 1, t - 30 * HOUR, t + 30 * HOUR]);
  const out: KeepFields[] = [];
  for (const eventTimeMs of times)
    for (const eventName of NAMES)
      for (const eventSource of SOURCES)
        for (const errorCode of [undefined, '', 'AccessDenied'])
          for (const readOnly of [undefined, true, false])
            for (const userType of [undefined, 'Root', 'IAMUser']) out.push({ eventTimeMs, eventName, eventSource, errorCode, readOnly, userType });
  // Data events, never evidence however they look otherwise.
  for (const e of out.slice(0, 2000)) out.push({ ...e, managementEvent: false }, { ...e, eventCategory: 'Data' }, { ...e, managementEvent: true, eventCategory: 'Management' });
  return out;
}

/** The CloudTrail records of the real AWS samples (test/fixtures/real/awsdocs-cloudtrail), normalised. */
function realRecords(): KeepFields[] {
  const dir = join(REAL_DATA, 'awsdocs-cloudtrail');
  const out: KeepFields[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { Records?: unknown[] };
    (Array.isArray(doc.Records) ? doc.Records : [doc]).forEach((raw, i) => {
      const e = normaliseEvent(raw, name, i);
      if (typeof e !== 'string') out.push({ eventTimeMs: e.eventTimeMs, eventName: e.eventName, eventSource: e.eventSource, errorCode: e.errorCode, readOnly: e.readOnly, userType: e.userIdentity.type });
    });
  }
  return out;
}

describe('the keep rule as an expression tree', () => {
  it('decides as keepsEvent on every generated record, for a short and a long window', () => {
    for (const windowMs of [60 * 60_000, 5 * 24 * HOUR]) {
      const rule = keepRule(Q3, windowMs);
      const records = generated(Q3, windowMs);
      const differ = records.filter((e) => evaluateKeep(KEEP_TREE, e, rule) !== keepsEvent(e, rule));
      expect(differ).toEqual([]);
      // Both outcomes are exercised.
      expect(records.filter((e) => keepsEvent(e, rule)).length).toBeGreaterThan(100);
      expect(records.filter((e) => !keepsEvent(e, rule)).length).toBeGreaterThan(100);
    }
  });

  it("decides as keepsEvent on the real AWS samples' records, at their own dates", () => {
    const records = realRecords();
    expect(records.length).toBeGreaterThan(15);
    for (const e of records) {
      const day = new Date(e.eventTimeMs).toISOString().slice(0, 10);
      for (const period of [resolvePeriod({ from: day, to: day }), resolvePeriod({ from: '2010-01-01', to: '2010-01-02' })]) {
        const rule = keepRule(period, 60 * 60_000);
        expect(evaluateKeep(KEEP_TREE, e, rule)).toBe(keepsEvent(e, rule));
      }
    }
  });

  it('names every session-issuing STS call the code names', () => {
    expect(JSON.stringify(KEEP_TREE)).toContain(JSON.stringify([...SESSION_ISSUING_EVENTS].sort()));
  });
});

describe('the keep rule in SQL (DuckDB)', () => {
  it('keeps every generated record keepsEvent keeps, in any form of eventTime, and drops read-only successes', async () => {
    const conn = await duck();
    const rule = keepRule(Q3, 60 * 60_000);
    const records = generated(Q3, 60 * 60_000);
    await conn.run('CREATE TABLE ev (i INTEGER, eventtime VARCHAR, eventname VARCHAR, eventsource VARCHAR, errorcode VARCHAR, readonly VARCHAR, useridentity VARCHAR, managementevent VARCHAR, eventcategory VARCHAR)');
    const forms = [(ms: number) => new Date(ms).toISOString().replace('.000', ''), (ms: number) => new Date(ms + 5 * HOUR).toISOString().replace('.000Z', '+05:00'), (ms: number) => new Date(ms - 8 * HOUR).toISOString().replace('.000Z', '-08:00').replace('T', ' ')];
    const rows: string[] = [];
    const q = (v: string | undefined) => (v === undefined ? 'NULL' : `'${v}'`);
    records.forEach((e, i) => {
      const form = forms[i % forms.length]!;
      const text = (v: boolean | undefined) => (v === undefined ? undefined : String(v));
      rows.push(`(${i}, ${q(form(e.eventTimeMs))}, ${q(e.eventName)}, ${q(e.eventSource)}, ${q(e.errorCode)}, ${q(text(e.readOnly))}, ${q(e.userType === undefined ? '{}' : JSON.stringify({ type: e.userType }))}, ${q(text(e.managementEvent))}, ${q(e.eventCategory)})`);
    });
    await conn.run(`INSERT INTO ev VALUES ${rows.join(', ')}`);
    const kept = new Set((await conn.runAndReadAll(`SELECT i FROM ev WHERE ${renderKeep(KEEP_TREE, 'duckdb', rule)}`)).getRowsJson().map((r) => Number(r[0])));
    const missed = records.filter((e, i) => keepsEvent(e, rule) && !kept.has(i));
    expect(missed).toEqual([]);
    // More than the rule, never everything: in-period read-only successes by non-root users stay out.
    const readOnlyInPeriod = records.findIndex((e) => e.readOnly === true && !e.errorCode && e.eventSource === 'ec2.amazonaws.com' && e.userType === 'IAMUser' && e.eventTimeMs === Q3.startMs + 30 * HOUR);
    expect(readOnlyInPeriod).toBeGreaterThanOrEqual(0);
    expect(kept.has(readOnlyInPeriod)).toBe(false);
    expect(kept.size).toBeLessThan(records.length * 0.8);
  });
});

// ---- the engine path over the demo --------------------------------------------------------

describe('sql --engine duckdb, then report --engine-results', () => {
  let work: string;
  let results: string;

  beforeAll(async () => {
    work = tempDir('scaleout');
    results = join(work, 'results');
    await extractWithDuckDb(EXPORT, results);
  }, 120_000);

  it("gives the direct run's report on the demo, apart from inputs and integrity, with --verified", () => {
    const direct = runCli(['report', EXPORT, join(DEMO, 'credential-reports'), ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'direct')]);
    expect(direct.status).toBe(0);
    const verified = verifyTo(EXPORT, Q3.from, Q3.to, join(work, 'verify.json'));
    const viaEngine = runCli(['report', ...CONFIG_INPUTS, join(DEMO, 'credential-reports'), '--engine-results', results, '--verified', verified, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'engine')]);
    expect(viaEngine.stderr).toBe('');
    expect(viaEngine.status).toBe(0);
    const a = readReport(join(work, 'direct'));
    const b = readReport(join(work, 'engine'));
    expect(a.changes.length).toBeGreaterThan(50);
    expect(apartFromInputs(b)).toEqual(apartFromInputs(a));
    // The integrity is the one verify found over the same files: as the direct run's, plus a note.
    expect({ ...b.integrity, notes: [] }).toEqual({ ...a.integrity, notes: [] });
    expect(b.integrity.notes.at(-1)).toContain(`integrity as \`configtrail verify\` found it over the delivered files for ${Q3.from}..${Q3.to}`);
    // The counts reconcile over the result files and the verify output, each listed with its hash.
    expect(b.counts.files.read).toBe(b.counts.files.used + b.counts.files.rejected + b.counts.files.skipped);
    expect([...b.inputs].filter((i) => i.kind === 'engine-extract').length).toBe(5);
    expect([...b.inputs].filter((i) => i.kind === 'engine-counts').length).toBe(5);
    expect([...b.inputs].filter((i) => i.kind === 'cloudtrail-verification').map((i) => i.path)).toEqual([verified]);
  }, 120_000);

  it('makes the checks that read CloudTrail events INSUFFICIENT_DATA without --verified, naming the engine input', () => {
    const viaEngine = runCli(['report', ...CONFIG_INPUTS, join(DEMO, 'credential-reports'), '--engine-results', results, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'unverified')]);
    expect(viaEngine.stderr).toBe('');
    const a = readReport(join(work, 'direct'));
    const b = readReport(join(work, 'unverified'));
    const moved = b.controls.filter((c, i) => c.status !== a.controls[i]!.status);
    // CIS 4.1 (trails in all regions) and 4.3 (Config in every region with activity) pass on the demo's events.
    expect(moved.map((c) => `${c.framework} ${c.id} ${a.controls.find((d) => d.framework === c.framework && d.id === c.id)!.status}->${c.status}`)).toEqual(['cis-aws-v6.0 4.1 PASS->INSUFFICIENT_DATA', 'cis-aws-v6.0 4.3 PASS->INSUFFICIENT_DATA']);
    // The extract's rows: the kept events before duplicates across the two accounts' copies are dropped.
    const rows = /engine input \((\d+) rows from 5 result file\(s\)\), not verified against CloudTrail's digests \(no --verified file was given\)/;
    for (const c of moved) expect(c.reason).toMatch(rows);
    expect(Number(rows.exec(moved[0]!.reason ?? '')![1])).toBeGreaterThanOrEqual(b.counts.events.kept);
    // A check that reads no CloudTrail event keeps its PASS (CIS 4.5: trails encrypted with KMS, from Config).
    expect(b.controls.find((c) => c.framework === 'cis-aws-v6.0' && c.id === '4.5')!.status).toBe('PASS');
    expect(b.integrity.notes.at(-1)).toMatch(/^CloudTrail events not verified \(engine input\): \d+ rows from 5 result file\(s\)/);
  }, 120_000);

  it('refuses a --verified file that does not cover the period, names none, or is no verify output, in one line with exit 2', () => {
    const july = verifyTo(EXPORT, '2026-07-01', '2026-07-31', join(work, 'verify-july.json'));
    const noPeriod = join(work, 'verify-all.json');
    writeFileSync(noPeriod, runCli(['verify', EXPORT, '--json']).stdout);
    const notVerify = join(work, 'not-verify.json');
    writeFileSync(notVerify, JSON.stringify({ period: { from: Q3.from, to: Q3.to }, level: 'hash', verified: 'all' }));
    for (const [file, says] of [
      [july, "verified 2026-07-01..2026-07-31, which does not cover the report's period 2026-07-01..2026-09-30"],
      [noPeriod, 'names no period: run `configtrail verify <delivered files> --from 2026-07-01 --to 2026-09-30 --json`'],
      [notVerify, 'not the output of `configtrail verify --json` ("verified" is not a count)'],
    ]) {
      const r = runCli(['report', ...CONFIG_INPUTS, '--engine-results', results, '--verified', file, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'refused')]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`--verified ${file}: ${says}`);
    }
    const direct = runCli(['report', EXPORT, '--verified', july, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'refused')]);
    expect(direct.status).toBe(2);
    expect(direct.stderr).toContain('--verified goes with --engine-results');
  }, 120_000);

  it('refuses results written for another window or period, in one line with exit 2', () => {
    const other = runCli(['report', ...CONFIG_INPUTS, '--engine-results', results, ...REPORT_ARGS, '--window', '90', '--format', 'json', '--out', join(work, 'other')]);
    expect(other.status).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toContain(`not of this run's rule ${ruleId(Q3, 90 * 60_000)}`);
    const month = runCli(['report', ...CONFIG_INPUTS, '--engine-results', results, '--from', '2026-07-01', '--to', '2026-07-31', '--quiet', '--no-workspace', '--format', 'json', '--out', join(work, 'month')]);
    expect(month.status).toBe(2);
  });

  it('refuses results with a missing or doubled file', async () => {
    const gap = join(work, 'gap');
    await extractWithDuckDb(EXPORT, gap);
    const aug = readdirSync(gap).find((f) => f.includes('-counts-2026-08'))!;
    const { rmSync, copyFileSync } = await import('node:fs');
    rmSync(join(gap, aug));
    const missing = runCli(['report', ...CONFIG_INPUTS, '--engine-results', gap, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'gap-out')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no counts for 2026-08');
    const doubled = join(work, 'doubled');
    await extractWithDuckDb(EXPORT, doubled);
    const jul = readdirSync(doubled).find((f) => f.includes('-extract-2026-07'))!;
    copyFileSync(join(doubled, jul), join(doubled, `copy-${jul}`));
    const twice = runCli(['report', ...CONFIG_INPUTS, '--engine-results', doubled, ...REPORT_ARGS, '--format', 'json', '--out', join(work, 'doubled-out')]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('part 2026-07 1/1 holds');
  }, 120_000);

  it('reads the same events from JSON lines, JSON.gz, Parquet and CSV results', async () => {
    const conn = await duck();
    const fromJsonGz = await readEngineResults(results, Q3, 60 * 60_000);
    // The same events, whatever order an engine wrote the rows in (the store sorts them).
    const eventsOf = (r: typeof fromJsonGz) =>
      r.parsed
        .flatMap((p) => p.events.map((e) => JSON.stringify({ ...e, source: undefined })))
        .sort();
    for (const [format, copyOptions] of [
      ['jsonl', "FORMAT json"],
      ['parquet', 'FORMAT parquet'],
      ['csv', 'FORMAT csv, HEADER true'],
    ] as const) {
      const dir = join(work, `as-${format}`);
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(results)) {
        const to = join(dir, f.replace('.json.gz', `.${format}`));
        await conn.run(`COPY (SELECT * FROM read_json('${join(results, f)}', format = 'newline_delimited', columns = {${JSON_TEXT_COLUMNS}})) TO '${to}' (${copyOptions})`);
      }
      const got = await readEngineResults(dir, Q3, 60 * 60_000);
      expect(got.rows).toBe(fromJsonGz.rows);
      expect(eventsOf(got)).toEqual(eventsOf(fromJsonGz));
      expect(got.trailDays).toEqual(fromJsonGz.trailDays);
    }
    // Parquet written by the engine itself, as `sql --format parquet` asks.
    const parquet = join(work, 'parquet');
    await extractWithDuckDb(EXPORT, parquet, ['--format', 'parquet']);
    expect(readdirSync(parquet).every((f) => f.endsWith('.parquet'))).toBe(true);
    expect(eventsOf(await readEngineResults(parquet, Q3, 60 * 60_000))).toEqual(eventsOf(fromJsonGz));
  }, 120_000);
});

describe('sql --engine duckdb over an organisation trail', () => {
  it("gives the direct run's report on a generated export of three accounts", async () => {
    const work = tempDir('scaleout-org');
    const gen = join(work, 'gen');
    await generateExport({ seed: 11, outDir: gen, from: '2026-07-01', to: '2026-07-31', accounts: 3, regions: ['us-east-1', 'eu-west-1'], targetEvents: 8000, organizationId: 'o-scaleout01' });
    const exportDir = join(gen, 'export');
    const results = join(work, 'results');
    mkdirSync(results);
    const r = runCli(['sql', '--engine', 'duckdb', '--from', '2026-07-01', '--to', '2026-07-31', '--location', exportDir, '--org', 'o-scaleout01', '--results', results]);
    expect(r.status).toBe(0);
    await (await duck()).run(r.stdout);
    const configDirs = (function find(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) => (d.name === 'Config' ? [join(dir, d.name)] : find(join(dir, d.name))));
    })(exportDir);
    expect(configDirs.length).toBe(3);
    const args = ['--from', '2026-07-01', '--to', '2026-07-31', '--quiet', '--no-workspace', '--format', 'json'];
    const verified = verifyTo(exportDir, '2026-07-01', '2026-07-31', join(work, 'verify.json'));
    expect(runCli(['report', exportDir, ...args, '--out', join(work, 'direct')]).status).toBe(0);
    const viaEngine = runCli(['report', ...configDirs, '--engine-results', results, '--verified', verified, ...args, '--out', join(work, 'engine')]);
    expect(viaEngine.stderr).toBe('');
    const a = readReport(join(work, 'direct'));
    const b = readReport(join(work, 'engine'));
    expect(a.changes.length).toBeGreaterThan(10);
    expect(apartFromInputs(b)).toEqual(apartFromInputs(a));
  }, 180_000);
});

/** Every folder named Config under `dir`: the Config side of an export, without its CloudTrail. */
function configDirsOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => (d.name === 'Config' ? [join(dir, d.name)] : configDirsOf(join(dir, d.name))));
}

/**
 * The real CloudTrail records (AWS's documentation samples; elastic/integrations' from ../shared when
 * there) laid out as CloudTrail delivers them: one gzipped log file a record, under its account,
 * region and day. Records without a time, region or account (Insights summaries, fragments) are no
 * delivered record and are left out.
 */
function realTrail(root: string): number {
  const files = readdirSync(join(REAL_DATA, 'awsdocs-cloudtrail')).filter((n) => n.endsWith('.json')).map((n) => join(REAL_DATA, 'awsdocs-cloudtrail', n));
  if (!noElasticData) files.push(...readdirSync(ELASTIC_DATA).map((n) => join(ELASTIC_DATA, n)));
  let placed = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let records: unknown[];
    try {
      const doc = JSON.parse(text) as { Records?: unknown[] };
      records = Array.isArray(doc.Records) ? doc.Records : Array.isArray(doc) ? doc : [doc];
    } catch {
      records = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
    }
    records.forEach((raw, i) => {
      const r = raw as { eventTime?: string; awsRegion?: string; recipientAccountId?: string; userIdentity?: { accountId?: string } };
      const account = r.recipientAccountId ?? r.userIdentity?.accountId;
      if (typeof r.eventTime !== 'string' || typeof r.awsRegion !== 'string' || !/^\d{12}$/.test(account ?? '')) return;
      const [y, m, d] = r.eventTime.slice(0, 10).split('-');
      const dir = join(root, 'AWSLogs', account!, 'CloudTrail', r.awsRegion, y!, m!, d!);
      mkdirSync(dir, { recursive: true });
      const stamp = r.eventTime.slice(0, 16).replace(/[-:]/g, '');
      writeFileSync(join(dir, `${account}_CloudTrail_${r.awsRegion}_${stamp}Z_${file.split('/').pop()!.replace(/\W/g, '')}${i}.json.gz`), gzipSync(JSON.stringify({ Records: [raw] })));
      placed++;
    });
  }
  return placed;
}

describe('sql --engine duckdb over the real CloudTrail samples', () => {
  it("gives the direct run's report on AWS's sample records, at their own dates", async () => {
    const work = tempDir('scaleout-real');
    const trail = join(work, 'trail');
    expect(realTrail(trail)).toBeGreaterThan(15);
    const config = join(work, 'config');
    mkdirSync(config);
    const args = ['--from', '2014-01-01', '--to', '2024-12-31', '--quiet', '--no-workspace', '--format', 'json'];
    const { direct, engine } = await bothWays(work, trail, [config], args);
    expect(direct.counts.events.kept).toBeGreaterThan(10);
    expect(apartFromInputs(engine)).toEqual(apartFromInputs(direct));
  }, 240_000);
});

describe('sql --engine duckdb over the benchmark profiles', () => {
  it.each(['data-events', 'automation'] as const)("gives the direct run's report on the %s profile, data-event groups counted on the engine alike", async (profile) => {
    const work = tempDir(`scaleout-${profile}`);
    const gen = join(work, 'gen');
    await generateExport({ seed: 3, outDir: gen, from: '2026-07-01', to: '2026-09-30', targetEvents: 20_000, profile });
    const exportDir = join(gen, 'export');
    const args = ['--quarter', '2026-Q3', '--quiet', '--no-workspace', '--format', 'json'];
    const { direct, engine } = await bothWays(work, exportDir, configDirsOf(exportDir), args);
    if (profile === 'data-events') {
      expect(direct.dataEvents.events).toBeGreaterThan(15_000);
      expect(direct.dataEvents.failed).toBeGreaterThan(0);
    } else {
      expect(direct.counts.events.kept).toBeGreaterThan(3_000);
    }
    expect(engine.dataEvents).toEqual(direct.dataEvents);
    expect(apartFromInputs(engine)).toEqual(apartFromInputs(direct));
  }, 240_000);
});

describe('sql --engine duckdb over the benchmark export', () => {
  it("gives the direct run's report on the benchmark's shape (seed 1, a quarter, 20,000 events)", async () => {
    const work = tempDir('scaleout-bench');
    const gen = join(work, 'gen');
    // As scripts/bench.mjs generates its exports (`--seed 1 --from 2026-07-01 --to 2026-09-30`), smaller.
    await generateExport({ seed: 1, outDir: gen, from: '2026-07-01', to: '2026-09-30', targetEvents: 20_000 });
    const exportDir = join(gen, 'export');
    const args = ['--quarter', '2026-Q3', '--quiet', '--no-workspace', '--format', 'json'];
    const { direct, engine } = await bothWays(work, exportDir, configDirsOf(exportDir), args);
    expect(direct.counts.events.read).toBeGreaterThan(15_000);
    expect(direct.changes.length).toBeGreaterThan(50);
    expect(apartFromInputs(engine)).toEqual(apartFromInputs(direct));
  }, 240_000);
});


/** Every column of the results as text, for DuckDB's read_json. */
const JSON_TEXT_COLUMNS = ['rule_id', 'part', 'period', 'window_minutes', 'account', 'region', 'day', 'events', 'kept', 'eventversion', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'eventid', 'eventtype', 'eventcategory', 'readonly', 'errorcode', 'errormessage', 'sourceipaddress', 'useragent', 'sharedeventid', 'requestid', 'managementevent', 'useridentity', 'resources', 'requestparameters', 'responseelements', 'additionaleventdata', ...DATA_COLUMNS]
  .map((c) => `${c}: 'VARCHAR'`)
  .join(', ');

// ---- hostile rows -------------------------------------------------------------------------

describe('hostile engine rows', () => {
  it('go through as data: no prototype pollution, HTML escaped, values kept verbatim', async () => {
    const work = tempDir('scaleout-hostile');
    const period = resolvePeriod({ from: '2026-07-01', to: '2026-07-31' });
    const id = ruleId(period, 60 * 60_000);
    const results = join(work, 'results');
    mkdirSync(results);
    const hostile = {
      rule_id: id, part: '2026-07 1/1', eventversion: '1.08', eventtime: '2026-07-02T10:00:00Z', eventsource: 'ec2.amazonaws.com', eventname: '=HYPERLINK("http://evil")', awsregion: 'us-east-1',
      recipientaccountid: '111111111111', eventid: '<script>alert(1)</script>', readonly: 'false', errorcode: 'AccessDenied', errormessage: '<img src=x onerror=alert(1)>,"+cmd|\' /C calc\'!A0',
      useridentity: '{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/<b>mallory</b>","__proto__":{"polluted":true},"accountId":"111111111111"}',
      requestparameters: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    };
    writeFileSync(join(results, 'extract.json.gz'), gzipSync(`${JSON.stringify(hostile)}\n`));
    const counts = ['2026-06', '2026-07', '2026-08'].map((m) => ({ rule_id: id, part: `${m} 1/1`, period: '2026-07-01..2026-07-31', window_minutes: 60, account: null, region: null, day: null, events: 0, kept: m === '2026-07' ? 1 : 0 }));
    writeFileSync(join(results, 'counts.json'), counts.map((c) => JSON.stringify(c)).join('\n'));
    // Each part's data-event rows: its marker row alone (no data event).
    const data = ['2026-06', '2026-07', '2026-08'].map((m) => ({ rule_id: id, part: `${m} 1/1`, data_day: null, data_events: 0 }));
    writeFileSync(join(results, 'data.json'), data.map((d) => JSON.stringify(d)).join('\n'));
    // An engine's bookkeeping files beside the rows are listed as skipped, not read.
    writeFileSync(join(results, '_SUCCESS'), '');
    writeFileSync(join(results, '.part-00000.json.gz.crc'), Buffer.from([0x63, 0x72, 0x63, 0, 1, 2]));
    const got = await readEngineResults(results, period, 60 * 60_000);
    const event = got.parsed.flatMap((p) => p.events)[0]!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(event.eventName).toBe(hostile.eventname);
    expect(event.userIdentity.arn).toBe('arn:aws:iam::111111111111:user/<b>mallory</b>');
    expect(Object.getPrototypeOf(event.requestParameters)).toBe(Object.prototype);
    expect(Object.keys(event.requestParameters as object)).toEqual(['__proto__', 'constructor']);

    const config = join(work, 'config');
    mkdirSync(config);
    const r = runCli(['report', '--engine-results', results, '--from', '2026-07-01', '--to', '2026-07-31', '--format', 'html,json,csv', '--quiet', '--no-workspace', '--out', join(work, 'out'), config]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = readReport(join(work, 'out'));
    expect(report.failedCalls.map((f) => f.eventName)).toEqual([hostile.eventname]);
    expect(report.skipped.map((k) => k.path.split('/').pop())).toEqual(['.part-00000.json.gz.crc', '_SUCCESS']);
    expect(report.counts.files.read).toBe(report.counts.files.used + report.counts.files.rejected + report.counts.files.skipped);
    const html = readFileSync(join(work, 'out', 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
  });
});

// ---- the other engines' texts -------------------------------------------------------------

const GOLDEN = join(ROOT, 'test/fixtures/sql');
const GOLDEN_OPTIONS: Omit<SqlOptions, 'engine'> = {
  period: Q3,
  windowMs: 60 * 60_000,
  location: 's3://example-trail-bucket/trail',
  org: 'o-exampleorg1',
  results: 's3://example-results/configtrail',
  accounts: ['111111111111', '222222222222'],
  regions: ['eu-west-1', 'us-east-1'],
  format: 'json',
  ddl: true,
  table: 'configtrail_cloudtrail',
};

describe('sql for Athena, Trino and Spark', () => {
  for (const engine of ['athena', 'trino', 'spark'] as Engine[]) {
    it(`prints the ${engine} statements of the golden file (UPDATE_SQL_GOLDEN=1 rewrites it)`, () => {
      const text = formatSql(renderSql({ ...GOLDEN_OPTIONS, engine }));
      const file = join(GOLDEN, `${engine}.sql`);
      if (process.env.UPDATE_SQL_GOLDEN === '1' || !existsSync(file)) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('prints the same as the CLI, every statement opening with its rule id', () => {
    const r = runCli(['sql', '--engine', 'athena', '--quarter', '2026-Q3', '--location', GOLDEN_OPTIONS.location, '--org', 'o-exampleorg1', '--results', GOLDEN_OPTIONS.results, '--accounts', '111111111111,222222222222', '--regions', 'eu-west-1,us-east-1', '--ddl']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(GOLDEN, 'athena.sql'), 'utf8'));
    const statements = r.stdout.split(';\n\n');
    // The table, then each of five months' extract, counts and data-event queries.
    expect(statements.length).toBe(1 + 5 * 3);
    for (const s of statements) expect(s.startsWith(`-- configtrail `) && s.split('\n')[0]!.includes(`rule ${ruleId(Q3, 60 * 60_000)}`)).toBe(true);
  });

  it("splits many accounts into groups within Athena's partition and query-text limits", () => {
    const accounts = Array.from({ length: 2500 }, (_, i) => String(100000000000 + i));
    const parts = partsOf({ period: Q3, windowMs: 60 * 60_000, accounts });
    const july = parts.filter((p) => p.month.label === '2026-07');
    expect(july.length).toBeGreaterThan(1);
    expect(july.flatMap((p) => p.accounts)).toEqual(accounts);
    for (const p of july) expect(p.accounts!.length * 32 * 31).toBeLessThanOrEqual(MAX_PARTITIONS);
    for (const s of renderSql({ ...GOLDEN_OPTIONS, regions: undefined, accounts, engine: 'athena' })) expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(MAX_QUERY_BYTES);
  });

  it('refuses athena without --accounts, and a local location, as usage errors', () => {
    const noAccounts = runCli(['sql', '--engine', 'athena', '--quarter', '2026-Q3', '--location', 's3://b/p', '--results', 's3://r/p']);
    expect(noAccounts.status).toBe(2);
    expect(noAccounts.stderr).toContain('needs --accounts');
    const local = runCli(['sql', '--engine', 'spark', '--quarter', '2026-Q3', '--location', 'some/folder', '--results', 's3://r/p']);
    expect(local.status).toBe(2);
  });
});
