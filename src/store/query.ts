import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { ownFolder, writeFresh } from '../util/fresh-file.js';
import { join } from 'node:path';
import type { ActivityEvent } from '../controls/model.js';
import type { Report } from '../model/types.js';
import { UsageError } from '../util/errors.js';
import { UNPRINTABLE } from '../util/printable.js';
import { InputList } from './inputs.js';
import { LineWriter } from './ndjson.js';
import { DamagedFile, isSealed, seal, sha256Of, unseal, verifyFile } from './checksum.js';

/**
 * SQL over the evidence of the last report run with a workspace: `configtrail query` opens these
 * tables in DuckDB. One JSON object per line, one file per table:
 *   events    — the CloudTrail events kept as evidence in the period (writes, STS, failures,
 *               sign-ins, root use), each with its resolved actor
 *   changes   — the configuration changes with their cause and actor
 *   findings  — every control finding (one row per requirement without findings)
 *   inputs    — every file read, with its SHA-256
 */
export const TABLES = ['events', 'changes', 'findings', 'inputs'] as const;

/** Writes a table a line at a time (the tables follow the evidence and the input list, which can be large); returns its SHA-256. */
function writeTable(path: string, lines: Iterable<string>): string | undefined {
  const out = new LineWriter(path, 4096);
  try {
    for (const line of lines) out.addLine(line);
  } finally {
    out.close();
  }
  return out.sha256;
}

function* json(rows: Iterable<unknown>): Generator<string> {
  for (const r of rows) yield JSON.stringify(r);
}

function eventRow({ event: e, actor }: ActivityEvent): unknown {
  return {
    eventTime: e.eventTime, eventId: e.eventId, eventSource: e.eventSource, eventName: e.eventName, accountId: e.accountId, region: e.awsRegion,
    errorCode: e.errorCode ?? null, readOnly: e.readOnly ?? null, sourceIPAddress: e.sourceIPAddress ?? null, principalType: e.userIdentity.type ?? null, principalArn: e.userIdentity.arn ?? null,
    origin: actor.origin, originType: actor.originType, chain: actor.chain.map((s) => s.name).join(' → '), requestParameters: e.requestParameters === undefined ? null : JSON.stringify(e.requestParameters),
  };
}

function* changeRows(report: Report): Generator<unknown> {
  for (const c of report.changes) {
    yield {
      captureTime: c.captureTime, accountId: c.accountId, region: c.region, resourceType: c.resourceType, resourceId: c.resourceId, resourceName: c.resourceName ?? null, changeType: c.changeType,
      method: c.attribution.method, confidence: c.attribution.confidence, eventName: c.attribution.eventName ?? null, eventTime: c.attribution.eventTime ?? null, eventId: c.attribution.eventId ?? null,
      origin: c.actor?.origin ?? null, originType: c.actor?.originType ?? null, chain: c.actor ? c.actor.chain.map((s) => s.name).join(' → ') : null, diff: JSON.stringify(c.diff),
    };
  }
}

function* findingRows(report: Report): Generator<unknown> {
  for (const c of report.controls) {
    for (const f of c.findings.length > 0 ? c.findings : [undefined]) {
      yield {
        framework: c.framework, controlId: c.id, title: c.title, controlStatus: c.status, check: f?.check ?? null, resourceType: f?.resourceType ?? null, resourceId: f?.resourceId ?? null,
        findingStatus: f?.status ?? null, detail: f?.detail ?? c.reason ?? null, time: f?.time ?? null, origin: f?.actor?.origin ?? null, waived: f?.waiver ? !f.waiver.expired : null,
      };
    }
  }
}

/**
 * The tables' checksums and what the events, changes and inputs tables were written from (see
 * writeQueryTables), sealed (store/checksum.ts). Written last, once the tables are whole.
 */
const SUMS_FILE = 'tables.sums';
/** Changes whenever what the tables hold changes, so that tables written before are written again. */
const TABLES_VERSION = 'tables 2';
/** The tables that follow from the evidence alone. */
const EVIDENCE_TABLES = ['events', 'changes', 'inputs'] as const;

interface TableSums {
  version: string;
  evidenceKey: string | null;
  /** SHA-256 by file name: every table and period.json. */
  sums: Record<string, string>;
}

/** The tables' sums as written last, or undefined (none, of an older version, or damaged: said). */
function readTableSums(dir: string, remedy: string): TableSums | undefined {
  const path = join(dir, SUMS_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const body = isSealed(bytes) || bytes.toString('utf8').startsWith(`{"version":"${TABLES_VERSION}"`) ? unseal(path, bytes, remedy) : undefined;
  try {
    const sums = body === undefined ? undefined : (JSON.parse(body.toString('utf8')) as TableSums);
    return sums?.version === TABLES_VERSION ? sums : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a table matches its sum; a damaged one is said and removed (store/checksum.ts). */
function intact(path: string, sha256: string | undefined, remedy: string): boolean {
  try {
    verifyFile(path, { sha256, remedy });
    return true;
  } catch (err) {
    if (err instanceof DamagedFile) return false;
    throw err;
  }
}

const WRITE_AGAIN = 'it is written again';

/**
 * The tables for `configtrail query`, as a run writes them. `evidenceKey` names what the events,
 * changes and inputs tables follow from (the saved ingest, the period, the window, the generator):
 * when the tables in the workspace were written from the same and match their checksums, they stand
 * and only findings (which follow from the frameworks, waivers and principals too) are written
 * again. Otherwise the events table takes the period's calls as the correlate stage's pass hands
 * them over (`take`, while `reads`), and `finish` writes the rest once the report is built.
 */
export class QueryTables {
  private readonly dir: string;
  private readonly before: TableSums | undefined;
  private events: LineWriter | undefined;

  constructor(
    workspace: string,
    private readonly evidenceKey?: string,
  ) {
    this.dir = join(workspace, 'tables');
    ownFolder(workspace);
    ownFolder(this.dir);
    const before = evidenceKey === undefined ? undefined : readTableSums(this.dir, WRITE_AGAIN);
    const stands = before !== undefined && before.evidenceKey === evidenceKey && EVIDENCE_TABLES.every((t) => intact(join(this.dir, `${t}.ndjson`), before.sums[`${t}.ndjson`], WRITE_AGAIN));
    this.before = stands ? before : undefined;
    // Written beside the table until it is whole (FreshFile): the tables in place stand meanwhile.
    if (!stands) this.events = new LineWriter(join(this.dir, 'events.ndjson'), 4096);
  }

  /** Whether the events table is being written (it does not stand). */
  get reads(): boolean {
    return this.events !== undefined;
  }

  take(a: ActivityEvent): void {
    this.events!.addLine(JSON.stringify(eventRow(a)));
  }

  /** Writes the other tables and the sums; the events table must have taken the whole pass. */
  finish(report: Report): void {
    const dir = this.dir;
    // Gone before the tables change, written once they are whole (evidence.key: the file before checksums).
    for (const f of [SUMS_FILE, 'evidence.key']) rmSync(join(dir, f), { force: true });
    const sums: Record<string, string | undefined> = {};
    if (this.before) for (const t of EVIDENCE_TABLES) sums[`${t}.ndjson`] = this.before.sums[`${t}.ndjson`];
    else {
      this.events!.close();
      sums['events.ndjson'] = this.events!.sha256;
      sums['changes.ndjson'] = writeTable(join(dir, 'changes.ndjson'), json(changeRows(report)));
      // The input list can be millions of files: copied when it is a saved ingest's file (checked as it was replayed), else its lines as they stand.
      const inputsTable = join(dir, 'inputs.ndjson');
      if (report.inputs instanceof InputList && report.inputs.file !== undefined && report.inputs.fileSum !== undefined) {
        copyFileSync(report.inputs.file, inputsTable);
        sums['inputs.ndjson'] = report.inputs.fileSum;
      } else sums['inputs.ndjson'] = writeTable(inputsTable, report.inputs instanceof InputList ? report.inputs.lines() : json(report.inputs));
    }
    sums['findings.ndjson'] = writeTable(join(dir, 'findings.ndjson'), json(findingRows(report)));
    const period = `${JSON.stringify(report.period)}\n`;
    writeFresh(join(dir, 'period.json'), period);
    sums['period.json'] = sha256Of(period);
    const written: TableSums = { version: TABLES_VERSION, evidenceKey: this.evidenceKey ?? null, sums: sums as Record<string, string> };
    writeFresh(join(dir, SUMS_FILE), seal(JSON.stringify(written)));
  }

  /** A run that fails leaves no half-written table: the tables of the run before stand, with their sums. */
  abandon(): void {
    this.events?.abandon();
  }
}

export type QueryFormat = 'table' | 'csv' | 'json';

/** Runs SQL over the workspace's tables with DuckDB and returns the rows as text. */
export async function runQuery(workspace: string, sql: string, format: QueryFormat): Promise<string> {
  const dir = join(workspace, 'tables');
  let present: string[];
  const again = `run \`configtrail report … --workspace ${workspace}\` again to write it`;
  const sums = readTableSums(dir, again);
  try {
    if (sums === undefined) throw new Error('no sums');
    // A table that does not match its checksum is left out, in one line (store/checksum.ts).
    present = readdirSync(dir).filter((f) => TABLES.some((t) => f === `${t}.ndjson`) && intact(join(dir, f), sums.sums[f], again));
  } catch {
    throw new UsageError(`no query tables in ${workspace}: run \`configtrail report … --workspace ${workspace}\` first`);
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    for (const t of TABLES) {
      if (!present.includes(`${t}.ndjson`)) continue;
      const file = join(dir, `${t}.ndjson`).replace(/'/g, "''");
      // An empty table still needs its columns: read with the file's own (possibly empty) schema.
      await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_json_auto('${file}', format = 'newline_delimited')`);
    }
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (err) {
      throw new UsageError(`query failed: ${(err as Error).message.split('\n')[0]}`);
    }
    const columns = reader.columnNames();
    const rows = reader.getRowsJson() as unknown[][];
    return formatRows(columns, rows, format);
  } finally {
    conn.closeSync?.();
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function formatRows(columns: string[], rows: unknown[][], format: QueryFormat): string {
  if (format === 'json') return `${JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))), null, 2)}\n`;
  if (format === 'csv') {
    const esc = (s: string) => {
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    return `${[columns.map(esc).join(','), ...rows.map((r) => r.map((v) => esc(cell(v))).join(','))].join('\n')}\n`;
  }
  // Values are data: control characters would drive the terminal, and invisible ones reorder or hide text.
  const text = rows.map((r) => r.map((v) => cell(v).replace(UNPRINTABLE, ' ')));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...text.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n')}\n`;
}
