import { readFileSync, statSync } from 'node:fs';
import type { Coverage, CoverageCell, CoverageGap, Evidence, InputRecords, Period } from '../model/types.js';
import { UsageError } from '../util/errors.js';
import { cmp } from './index.js';

/**
 * Completeness of the evidence: which accounts and regions were expected (`--accounts`,
 * `--regions`, else what the data shows) and where the data has holes. A hole is an expected
 * account and region without any CloudTrail or AWS Config data, or a run of days inside the period
 * without a single delivered CloudTrail log file in an account and region that has log files in the
 * period. Controls treat evidence with holes as incomplete: never a PASS (controls/evaluate.ts).
 */

export interface ExpectedScope {
  accounts?: string[];
  regions?: string[];
}

const DAY_MS = 86_400_000;
/** A delivered CloudTrail log file's key: account, region and day (organisation trails included). */
const LOG_FILE = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]*$/;

/** `engineDays`: days with delivered events per `account|region` that an engine counted (src/sql/results.ts). */
export function coverageOf(evidence: Pick<Evidence, 'period' | 'inputs' | 'items' | 'events'> & Partial<Pick<Evidence, 'integrity' | 'dataEvents'>>, expected: ExpectedScope, engineDays?: Map<string, Set<string>>): Coverage {
  const { period } = evidence;
  const trailDays = deliveredLogDays(evidence.inputs, period);
  for (const [k, days] of engineDays ?? []) {
    const had = trailDays.get(k);
    if (had) for (const d of days) had.add(d);
    else trailDays.set(k, new Set(days));
  }
  const trail = new Set<string>(trailDays.keys());
  for (const place of evidence.events.places.keys()) trail.add(place);
  for (const g of evidence.dataEvents?.groups ?? []) trail.add(`${g.accountId}|${g.region}`);
  const config = new Map<string, number>();
  for (const i of evidence.items) if (i.region !== 'global') config.set(`${i.accountId}|${i.region}`, (config.get(`${i.accountId}|${i.region}`) ?? 0) + 1);

  const observed = [...trail, ...config.keys()].map((k) => k.split('|') as [string, string]);
  const accounts = expected.accounts ?? distinct(observed.map(([a]) => a));
  const regions = expected.regions ?? distinct(observed.map(([, r]) => r));
  const anyTrail = trail.size > 0;
  const anyConfig = config.size > 0;

  const gaps: CoverageGap[] = [];
  const cells: CoverageCell[] = [];
  for (const accountId of accounts) {
    for (const region of regions) {
      const k = `${accountId}|${region}`;
      const days = trailDays.get(k);
      cells.push({ accountId, region, cloudtrailDays: days?.size ?? 0, configItems: config.get(k) ?? 0 });
      if (anyTrail && !trail.has(k)) gaps.push({ source: 'cloudtrail', accountId, region, from: period.from, to: period.to, reason: 'no CloudTrail data for this account and region' });
      if (anyConfig && !config.has(k)) gaps.push({ source: 'config', accountId, region, from: period.from, to: period.to, reason: 'no AWS Config data for this account and region' });
      if (days && days.size > 0) gaps.push(...dayGaps(accountId, region, days, period));
    }
  }
  // A day a digest shows files missing on is named once: not again where a gap already holds it.
  const within = (g: CoverageGap) => gaps.some((o) => o.source === g.source && o.accountId === g.accountId && o.region === g.region && o.from <= g.from && g.to <= o.to);
  if (evidence.integrity) gaps.push(...integrityGaps(evidence.integrity).filter((g) => !within(g)));
  return {
    expected: { accounts, regions },
    declared: { accounts: expected.accounts !== undefined, regions: expected.regions !== undefined },
    cells,
    gaps,
  };
}

/** A digest object's end time, as its key names it (`…_20260701T012500Z.json.gz`), as a day. */
function digestDay(key: string): string | undefined {
  const m = /_(\d{4})(\d{2})(\d{2})T\d{6}Z\.json(?:\.gz)?$/.exec(key);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * What the integrity check found missing is missing evidence too: a break in a digest chain
 * (between the days of the digests on either side), and log files a digest lists that are not among
 * the inputs (grouped by account, region and day; only the listed ones are named).
 */
function integrityGaps(integrity: NonNullable<Evidence['integrity']>): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const b of integrity.chainBreaks) {
    const from = digestDay(b.after);
    const to = digestDay(b.before) ?? from;
    if (from && to) gaps.push({ source: 'digest', accountId: b.accountId, region: b.region, from, to, reason: `digest chain broken: ${b.reason}` });
  }
  const perDay = (paths: string[], source: CoverageGap['source'], what: string) => {
    const days = new Map<string, number>();
    for (const path of paths) {
      const m = LOG_FILE.exec(path);
      if (m) days.set(`${m[1]}|${m[2]}|${m[3]}-${m[4]}-${m[5]}`, (days.get(`${m[1]}|${m[2]}|${m[3]}-${m[4]}-${m[5]}`) ?? 0) + 1);
    }
    for (const [k, n] of [...days].sort((a, b) => cmp(a[0], b[0]))) {
      const [accountId = '', region = '', day = ''] = k.split('|');
      gaps.push({ source, accountId, region, from: day, to: day, reason: `${n} log file${n === 1 ? '' : 's'} ${what}` });
    }
  };
  perDay(integrity.missingFiles.map((f) => f.path), 'cloudtrail', 'listed in a digest but not among the inputs');
  perDay(integrity.mismatched.map((f) => f.path), 'digest', 'altered after delivery (SHA-256 differs from the digest)');
  return gaps;
}

/** Days of the period with at least one delivered log file, per `account|region`, from the files' keys. */
function deliveredLogDays(inputs: InputRecords, period: Period): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const input of inputs) {
    if (input.kind !== 'cloudtrail-log') continue;
    const m = LOG_FILE.exec(input.path);
    if (!m) continue;
    const day = `${m[3]}-${m[4]}-${m[5]}`;
    if (day < period.from || day > period.to) continue;
    const k = `${m[1]}|${m[2]}`;
    let days = out.get(k);
    if (!days) out.set(k, (days = new Set()));
    days.add(day);
  }
  return out;
}

/** Runs of period days without a log file, in an account and region that has log files in the period. */
function dayGaps(accountId: string, region: string, days: Set<string>, period: Period): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  let runStart: string | undefined;
  let prev: string | undefined;
  const close = (last: string) => {
    if (runStart === undefined) return;
    const n = (Date.parse(last) - Date.parse(runStart)) / DAY_MS + 1;
    gaps.push({ source: 'cloudtrail', accountId, region, from: runStart, to: last, reason: `no CloudTrail log file delivered on ${n} day${n === 1 ? '' : 's'}` });
    runStart = undefined;
  };
  for (let ms = period.startMs; ms < period.endMs; ms += DAY_MS) {
    const day = new Date(ms).toISOString().slice(0, 10);
    if (days.has(day)) close(prev!);
    else runStart ??= day;
    prev = day;
  }
  if (prev !== undefined) close(prev);
  return gaps;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].sort(cmp);
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const MAX_SCOPE_FILE = 16 * 1024 * 1024;

/**
 * `--accounts`: account ids, or a file: one id a line, or the JSON of `aws organizations
 * list-accounts` (`Accounts[].Id`; suspended and closed accounts left out). `--regions`: region
 * names, or a file: one a line, or the JSON of `aws ec2 describe-regions` (`Regions[].RegionName`).
 * Values may be comma-separated. Mistakes are usage errors, before anything is read.
 */
export function loadExpectedScope(args: { accounts?: string[]; regions?: string[] }): ExpectedScope {
  const out: ExpectedScope = {};
  if (args.accounts && args.accounts.length > 0) out.accounts = expand(args.accounts, '--accounts', ACCOUNT_ID, (doc) => listOf(doc, 'Accounts', 'Id', (a) => a.Status === undefined || a.Status === 'ACTIVE'));
  if (args.regions && args.regions.length > 0) out.regions = expand(args.regions, '--regions', REGION, (doc) => listOf(doc, 'Regions', 'RegionName', (r) => r.OptInStatus !== 'not-opted-in'));
  return out;
}

function expand(values: string[], flag: string, valid: RegExp, fromJson: (doc: unknown) => string[] | undefined): string[] {
  const out: string[] = [];
  for (const value of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    if (valid.test(value)) {
      out.push(value);
      continue;
    }
    const text = readScopeFile(value, flag);
    const trimmed = text.trim();
    const listed = trimmed.startsWith('{') ? fromJson(parseJson(trimmed, value)) : trimmed.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
    if (!listed) throw new UsageError(`${flag} ${value}: not a list of ids nor the JSON output of the AWS CLI command ${flag === '--accounts' ? '`aws organizations list-accounts`' : '`aws ec2 describe-regions`'}`);
    listed.forEach((v, i) => {
      if (!valid.test(v)) throw new UsageError(`${flag} ${value}: entry ${i + 1} "${v}" is not ${flag === '--accounts' ? 'a 12-digit account id' : 'a region name'}`);
    });
    out.push(...listed);
  }
  if (out.length === 0) throw new UsageError(`${flag} names no ${flag === '--accounts' ? 'account' : 'region'}`);
  return distinct(out);
}

function readScopeFile(path: string, flag: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`${flag} ${path}: neither ${flag === '--accounts' ? 'a 12-digit account id' : 'a region name'} nor a readable file`);
  }
  if (!st.isFile()) throw new UsageError(`${flag} ${path}: not a regular file`);
  if (st.size > MAX_SCOPE_FILE) throw new UsageError(`${flag} ${path}: larger than ${MAX_SCOPE_FILE / 1024 / 1024} MiB`);
  return readFileSync(path, 'utf8');
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${path}: invalid JSON (${(err as Error).message})`);
  }
}

function listOf(doc: unknown, list: string, field: string, keep: (row: Record<string, unknown>) => boolean): string[] | undefined {
  const rows = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)[list] : undefined;
  if (!Array.isArray(rows)) return undefined;
  return rows.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && keep(r as Record<string, unknown>)).map((r) => String(r[field] ?? ''));
}
