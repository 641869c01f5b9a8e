import { hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DataEventGroup, ParsedFile, Period } from '../model/types.js';
import { looksLikeInsight, normaliseEvent } from '../parse/cloudtrail.js';
import { cmp } from '../util/compare.js';
import { UsageError } from '../util/errors.js';
import { readVerification, type Verification } from './verified.js';
import { COUNT_COLUMNS, DATA_COLUMNS, JSON_COLUMNS, TEXT_COLUMNS, partsOf, periodText, ruleId } from './render.js';
import { DataEventCounter } from '../store/data-events.js';

/**
 * `configtrail report --engine-results DIR`: the rows an engine wrote for `configtrail sql`, read
 * through DuckDB (JSON lines, gzipped or not, Parquet, CSV with a header), checked against this
 * run's rule id and for missing parts, and turned back into CloudTrail records as parsed files the
 * store takes like any other: it applies the keep rule again and drops duplicate events.
 */

export interface EngineInput {
  /** One per file found: used (extract or counts rows), rejected, or skipped with its reason. */
  parsed: ParsedFile[];
  /** Days with delivered events per `account|region` (from the counts), for the coverage. */
  trailDays: Map<string, Set<string>>;
  /** Extract rows read. */
  rows: number;
  /** `--verified`: what `configtrail verify` found over the delivered files (src/sql/verified.ts). */
  verification?: Verification;
}

const ALL_COLUMNS = [...new Set([...COUNT_COLUMNS, ...DATA_COLUMNS, ...TEXT_COLUMNS.map(([c]) => c), ...JSON_COLUMNS.map(([c]) => c)])];
type Row = Record<string, string | null>;
type Format = 'json' | 'parquet' | 'csv';

/** Every regular file under `dir`, in sorted order (symbolic links are not followed). */
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort(cmp)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** What a file holds, by its first bytes (engines name their files as they like): undefined for none of ours, 'empty' for gzip of nothing. */
function formatOf(path: string): { format: Format; gzip: boolean } | 'empty' | undefined {
  const b = head(path, 4);
  if (b.toString('latin1') === 'PAR1') return { format: 'parquet', gzip: false };
  const gzip = b[0] === 0x1f && b[1] === 0x8b;
  let start = b;
  if (gzip) {
    try {
      start = gunzipSync(readFileSync(path)).subarray(0, 1);
    } catch {
      return undefined;
    }
  }
  if (start.length === 0) return gzip ? 'empty' : undefined;
  return { format: start[0] === 0x7b ? 'json' : 'csv', gzip };
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The file's rows, every known column as text (null when absent). */
async function readRows(conn: Conn, path: string, f: { format: Format; gzip: boolean }): Promise<Row[]> {
  const compression = f.gzip ? 'gzip' : f.format === 'json' ? 'uncompressed' : 'none';
  let from: string;
  if (f.format === 'json') {
    const columns = ALL_COLUMNS.map((c) => `${c}: 'VARCHAR'`).join(', ');
    from = `read_json(${lit(path)}, format = 'newline_delimited', compression = '${compression}', columns = {${columns}}, maximum_object_size = 1073741824)`;
  } else {
    from = f.format === 'parquet' ? `read_parquet(${lit(path)})` : `read_csv(${lit(path)}, header = true, all_varchar = true, compression = '${compression}')`;
  }
  const present = new Set((await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowsJson().map((r) => String(r[0]).toLowerCase()));
  const select = ALL_COLUMNS.map((c) => (present.has(c) ? `CAST("${c}" AS VARCHAR) AS ${c}` : `NULL AS ${c}`)).join(', ');
  const reader = await conn.runAndReadAll(`SELECT ${select} FROM ${from}`);
  return reader.getRowsJson().map((r) => {
    const row: Row = {};
    ALL_COLUMNS.forEach((c, i) => (row[c] = r[i] === null || r[i] === undefined ? null : String(r[i])));
    return row;
  });
}

/** A CloudTrail record from an extract row: text columns as they are, nested ones parsed back from their JSON text. */
export function recordOf(row: Row): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const [c, key] of TEXT_COLUMNS) {
    const v = row[c];
    if (v !== null && v !== undefined) rec[key] = v;
  }
  for (const [c, key] of JSON_COLUMNS) {
    const v = row[c];
    if (v === null || v === undefined || v === '') continue;
    try {
      rec[key] = JSON.parse(v) as unknown;
    } catch {
      // An engine that wrote a nested string value as its text (Athena's SerDe): the text itself.
      rec[key] = v;
    }
  }
  return rec;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A data-event row as a group of store/data-events.ts; 'marker' for a part's marker row; undefined for a row that cannot be one. */
function dataGroupOf(r: Row): DataEventGroup | 'marker' | undefined {
  if (r.data_day === null && Number(r.data_events) === 0) return 'marker';
  const count = Number(r.data_events);
  const dayMs = r.data_day !== null && DAY.test(r.data_day) ? Date.parse(`${r.data_day}T00:00:00Z`) : NaN;
  const lastMs = r.data_last === null ? NaN : Date.parse(r.data_last);
  if (!Number.isFinite(dayMs) || !Number.isFinite(lastMs) || !(count > 0) || !r.data_account || !r.data_region || !r.data_source || !r.data_name) return undefined;
  const samples: [number, string][] = [];
  for (const s of [r.data_sample1, r.data_sample2, r.data_sample3]) {
    const cut = s?.indexOf('|') ?? -1;
    const t = cut > 0 ? Date.parse(s!.slice(0, cut)) : NaN;
    if (Number.isFinite(t)) samples.push([t, s!.slice(cut + 1)]);
  }
  return {
    dayMs,
    accountId: r.data_account,
    region: r.data_region,
    eventSource: r.data_source,
    eventName: r.data_name,
    actorType: r.data_actor_type ?? '',
    actor: r.data_actor ?? '',
    errorCode: r.data_error ?? '',
    count,
    lastMs,
    samples,
  };
}

interface Conn {
  runAndReadAll(sql: string): Promise<{ getRowsJson(): unknown[][] }>;
}

/**
 * Reads the results folder; refuses (UsageError) rows of another rule, period or window, and missing
 * parts. `verified`: the `configtrail verify --json` output over the delivered files (`--verified`).
 */
export async function readEngineResults(dir: string, period: Period, windowMs: number, verified?: string): Promise<EngineInput> {
  // Its mistakes are usage errors, told before any row is read.
  const verification = verified === undefined ? undefined : readVerification(verified, period);
  let files: string[];
  try {
    files = walk(dir);
  } catch (err) {
    throw new UsageError(`--engine-results ${dir}: ${(err as Error).message}`);
  }
  const id = ruleId(period, windowMs);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const parsed: ParsedFile[] = [];
  const trailDays = new Map<string, Set<string>>();
  /** Per part: extract rows, and the kept events its counts announce. */
  const extracted = new Map<string, number>();
  const announced = new Map<string, number>();
  /** Parts whose data-event rows were read (each writes a marker row at least). */
  const withData = new Set<string>();
  let rows = 0;
  try {
    for (const file of files) {
      const path = file;
      const st = lstatSync(file);
      const bytes = st.isFile() ? readFileSync(file) : Buffer.alloc(0);
      const out: ParsedFile = { input: { path, sha256: hash('sha256', bytes, 'hex'), size: bytes.length, kind: 'unknown', records: 0, rejected: 0 }, events: [], items: [], rejected: [] };
      parsed.push(out);
      if (!st.isFile()) {
        out.skipped = { path, reason: st.isSymbolicLink() ? 'symbolic link not followed' : 'not a regular file' };
        continue;
      }
      if (/^[._]/.test(basename(file))) {
        out.skipped = { path, reason: "an engine's bookkeeping file (Spark's _SUCCESS, .crc checksums), not result rows" };
        continue;
      }
      const format = bytes.length === 0 ? undefined : formatOf(file);
      if (format === 'empty') {
        out.skipped = { path, reason: 'no rows: a gzip file of nothing (DuckDB writes one for a part where the keep rule kept no event)' };
        continue;
      }
      if (!format) {
        out.skipped = { path, reason: bytes.length === 0 ? 'empty file (an engine marker such as _SUCCESS)' : 'not engine results: neither JSON lines, Parquet nor CSV' };
        continue;
      }
      let got: Row[];
      try {
        got = await readRows(conn, file, format);
      } catch (err) {
        out.rejected.push({ path, reason: `unreadable ${format.format} results: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}` });
        continue;
      }
      if (got.length > 0 && got.every((r) => r.rule_id === null)) {
        out.skipped = { path, reason: `not configtrail engine results: ${format.format} rows without a rule_id column` };
        continue;
      }
      const other = got.find((r) => r.rule_id !== null && r.rule_id !== id);
      if (other) {
        const was = other.period ? ` (period ${other.period}, window ${other.window_minutes} min)` : '';
        throw new UsageError(`${path} holds results of rule ${other.rule_id}${was}, not of this run's rule ${id} (period ${periodText(period)}, window ${windowMs / 60_000} min): run \`configtrail sql\` with the same --from/--to/--window`);
      }
      const isCounts = got.length > 0 && got.every((r) => r.events !== null);
      const isData = got.length > 0 && got.every((r) => r.data_events !== null);
      out.input.kind = isCounts ? 'engine-counts' : isData ? 'engine-data' : 'engine-extract';
      const data = new DataEventCounter();
      out.input.records = got.length;
      got.forEach((r, index) => {
        if (r.rule_id === null || r.part === null) {
          out.input.rejected++;
          out.rejected.push({ path, record: index, reason: 'engine row without rule_id or part' });
          return;
        }
        if (isData) {
          withData.add(r.part);
          const group = dataGroupOf(r);
          if (group === 'marker') return;
          if (group) data.addGroup(group);
          else {
            out.input.rejected++;
            out.rejected.push({ path, record: index, reason: 'data-event row without its day, account, region, API or count' });
          }
          return;
        }
        if (isCounts) {
          announced.set(r.part, (announced.get(r.part) ?? 0) + Number(r.kept ?? 0));
          const day = r.day?.replace(/\//g, '-');
          if (r.account && r.region && day && Number(r.events) > 0 && day >= period.from && day <= period.to) {
            const k = `${r.account}|${r.region}`;
            if (!trailDays.has(k)) trailDays.set(k, new Set());
            trailDays.get(k)!.add(day);
          }
          return;
        }
        rows++;
        extracted.set(r.part, (extracted.get(r.part) ?? 0) + 1);
        const rec = recordOf(r);
        // An Insights record (a summary of unusual activity, not an API call) is no evidence, as in a direct read.
        if (looksLikeInsight(rec)) return;
        const ev = normaliseEvent(rec, path, index);
        if (typeof ev === 'string') {
          out.input.rejected++;
          out.rejected.push({ path, record: index, reason: ev });
        } else out.events.push(ev);
      });
      if (data.size > 0) out.dataEvents = data.list();
    }
  } finally {
    conn.closeSync?.();
  }
  checkParts(period, windowMs, announced, extracted);
  for (const part of announced.keys()) if (!withData.has(part)) throw new UsageError(`--engine-results: no data-event rows for part ${part.slice(0, 40)}: a result of \`configtrail sql\` is missing`);
  if (verification) parsed.push(verification.parsed);
  return { parsed, trailDays, rows, ...(verification ? { verification } : {}) };
}

/**
 * Every month of the delivery days must be there, in all its account groups, and each part's rows
 * must be as many as its counts say the rule kept: else a result file is missing (or extra).
 */
function checkParts(period: Period, windowMs: number, announced: Map<string, number>, extracted: Map<string, number>): void {
  const months = new Set(partsOf({ period, windowMs }).map((p) => p.month.label));
  const groups = new Map<string, Set<number>>();
  for (const part of announced.keys()) {
    const m = /^(\d{4}-\d{2}) (\d+)\/(\d+)$/.exec(part);
    if (!m || !months.has(m[1]!)) throw new UsageError(`--engine-results: counts of an unexpected part "${part.slice(0, 40)}"`);
    const seen = groups.get(`${m[1]} ${m[3]}`) ?? new Set<number>();
    seen.add(Number(m[2]));
    groups.set(`${m[1]} ${m[3]}`, seen);
  }
  for (const month of [...months].sort()) {
    const sets = [...groups.entries()].filter(([k]) => k.startsWith(`${month} `));
    if (sets.length === 0) throw new UsageError(`--engine-results: no counts for ${month}: a result of \`configtrail sql\` is missing`);
    for (const [k, seen] of sets) {
      const n = Number(k.split(' ')[1]);
      for (let g = 1; g <= n; g++) if (!seen.has(g)) throw new UsageError(`--engine-results: no counts for ${month} accounts ${g}/${n}: a result of \`configtrail sql\` is missing`);
    }
  }
  for (const [part, kept] of announced) {
    const got = extracted.get(part) ?? 0;
    if (got !== kept) throw new UsageError(`--engine-results: part ${part} holds ${got} extract rows where its counts say ${kept}: a result file is missing or doubled`);
  }
  for (const part of extracted.keys()) if (!announced.has(part)) throw new UsageError(`--engine-results: extract rows of part ${part.slice(0, 40)} without its counts`);
}
