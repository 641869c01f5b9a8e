import { hash } from 'node:crypto';
import type { Period } from '../model/types.js';
import { UsageError } from '../util/errors.js';
import { DATA_EVENT, KEEP_TREE, keepRule, type KeepExpr, type KeepRule, type TimeBound } from '../store/keep.js';

/**
 * `configtrail sql`: the evidence extract written for an engine that reads the trail in place
 * (Athena, Trino, Spark; DuckDB for one machine and for the tests). The keep rule is rendered from
 * its tree (store/keep.ts); it may keep more than keepsEvent, never less: `report --engine-results`
 * applies the exact rule again. See docs/scale-out.md.
 */

export type Engine = 'athena' | 'trino' | 'spark' | 'duckdb';
export const ENGINES: readonly Engine[] = ['athena', 'trino', 'spark', 'duckdb'];
export type ResultFormat = 'json' | 'parquet';

/** Changes whenever the queries' text or their results' columns change: part of the rule id. */
export const TEMPLATE_VERSION = 2;
const DAY_MS = 86_400_000;
/** Athena's limits on one query: its text, and the partitions it may read. */
export const MAX_QUERY_BYTES = 262_144;
export const MAX_PARTITIONS = 1_000_000;
/** Accounts in one group at most, whatever the partitions allow (keeps each query's text small). */
const MAX_GROUP = 2000;

/** Regions the Athena and Trino tables project when --regions is not given (commercial regions). */
export const DEFAULT_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1',
  'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/** The record's top-level fields the report reads, as text columns (result column, JSON key). */
export const TEXT_COLUMNS: readonly (readonly [string, string])[] = [
  ['eventversion', 'eventVersion'], ['eventtime', 'eventTime'], ['eventsource', 'eventSource'], ['eventname', 'eventName'], ['awsregion', 'awsRegion'],
  ['recipientaccountid', 'recipientAccountId'], ['eventid', 'eventID'], ['eventtype', 'eventType'], ['eventcategory', 'eventCategory'], ['readonly', 'readOnly'],
  ['errorcode', 'errorCode'], ['errormessage', 'errorMessage'], ['sourceipaddress', 'sourceIPAddress'], ['useragent', 'userAgent'], ['sharedeventid', 'sharedEventID'],
  ['requestid', 'requestID'], ['managementevent', 'managementEvent'],
];
/** Nested fields, carried as their JSON text so that nothing in them is dropped. */
export const JSON_COLUMNS: readonly (readonly [string, string])[] = [
  ['useridentity', 'userIdentity'], ['resources', 'resources'], ['requestparameters', 'requestParameters'], ['responseelements', 'responseElements'],
  ['additionaleventdata', 'additionalEventData'],
];
const RECORD_COLUMNS = [...TEXT_COLUMNS, ...JSON_COLUMNS];
/** Columns of the data query's rows: the period's data events by day and group (store/data-events.ts). */
export const DATA_COLUMNS = ['data_day', 'data_account', 'data_region', 'data_source', 'data_name', 'data_actor_type', 'data_actor', 'data_error', 'data_events', 'data_last', 'data_sample1', 'data_sample2', 'data_sample3'] as const;
/** Columns of the counts query's rows. */
export const COUNT_COLUMNS = ['rule_id', 'part', 'period', 'window_minutes', 'account', 'region', 'day', 'events', 'kept'] as const;

export interface SqlOptions {
  engine: Engine;
  period: Period;
  windowMs: number;
  /** s3://bucket/prefix or a folder holding the trail's AWSLogs/. */
  location: string;
  /** The organisation id of an organisation trail (its keys are AWSLogs/o-…/account/…). */
  org?: string;
  /** Where the extract and counts results go (a folder or s3:// prefix). */
  results: string;
  accounts?: string[];
  regions?: string[];
  format: ResultFormat;
  ddl: boolean;
  /** The table (Athena, Trino) that stands for the trail. */
  table: string;
}

export interface Statement {
  /** A note is a comment only, printed without a `;`. */
  kind: 'ddl' | 'setup' | 'extract' | 'counts' | 'data' | 'note';
  text: string;
}

/** What makes two extracts interchangeable: the keep rule, the period, the window, the template. */
export function ruleId(period: Period, windowMs: number): string {
  const rule = keepRule(period, windowMs);
  const text = JSON.stringify({ template: TEMPLATE_VERSION, tree: KEEP_TREE, from: period.from, to: period.to, windowMs, sessionFromMs: rule.sessionFromMs });
  return hash('sha256', text, 'hex').slice(0, 16);
}

export function periodText(period: Period): string {
  return `${period.from}..${period.to}`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/**
 * The delivery days to read: from the earliest event the rule keeps (a record is delivered after
 * it happens) to the day after the period (late deliveries), as S3 reads are pruned (sources/s3.ts).
 */
export function deliveryDays(rule: KeepRule): { first: number; last: number } {
  return { first: floorDay(Math.min(rule.sessionFromMs, rule.writeFromMs)), last: floorDay(rule.endMs) + DAY_MS };
}

/** A month's share of the delivery days (its first and last day, inclusive) and its label. */
interface Month {
  label: string;
  first: number;
  last: number;
}

function monthsOf(first: number, last: number): Month[] {
  const out: Month[] = [];
  let at = first;
  while (at <= last) {
    const d = new Date(at);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    out.push({ label: day(at).slice(0, 7), first: at, last: Math.min(last, next - DAY_MS) });
    at = next;
  }
  return out;
}

/** One query's share: a month and a group of accounts (all accounts when none are named). */
export interface Part {
  label: string;
  month: Month;
  accounts: string[] | undefined;
}

export function partsOf(opts: Pick<SqlOptions, 'period' | 'windowMs' | 'accounts' | 'regions'>): Part[] {
  const { first, last } = deliveryDays(keepRule(opts.period, opts.windowMs));
  const regions = opts.regions?.length ?? DEFAULT_REGIONS.length;
  const parts: Part[] = [];
  for (const month of monthsOf(first, last)) {
    const days = (month.last - month.first) / DAY_MS + 1;
    const accounts = opts.accounts ? [...opts.accounts].sort() : undefined;
    const size = Math.max(1, Math.min(MAX_GROUP, Math.floor(MAX_PARTITIONS / (regions * days))));
    const groups = accounts ? Math.max(1, Math.ceil(accounts.length / size)) : 1;
    for (let g = 0; g < groups; g++) {
      parts.push({ label: `${month.label} ${g + 1}/${groups}`, month, accounts: accounts?.slice(g * size, (g + 1) * size) });
    }
  }
  return parts;
}

// ---- the keep rule in SQL -------------------------------------------------------------------

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A scalar of the caller's userIdentity (JSON text) as text, in each engine's words. */
function identityField(engine: Engine, path: string): string {
  if (engine === 'spark') return `get_json_object(useridentity, ${lit(path)})`;
  if (engine === 'duckdb') return `json_extract_string(useridentity, ${lit(path)})`;
  return `json_extract_scalar(useridentity, ${lit(path)})`;
}

/** How each engine names the type of the caller. */
function userType(engine: Engine): string {
  return identityField(engine, '$.type');
}

/**
 * Renders the keep tree. Times are compared as text against whole days, widened by a day (or
 * narrowed, under a `not`) so that any form of eventTime that keepsEvent keeps is kept, and a null
 * time is decided the generous way. A null field is an absent one, which keepsEvent takes as no
 * match: exact. `keep` says whether a true result keeps more (false under a `not`).
 */
export function renderKeep(x: KeepExpr, engine: Engine, rule: KeepRule, keep = true, depth = 0): string {
  const pad = '  '.repeat(depth + 1);
  if ('and' in x || 'or' in x) {
    const op = 'and' in x ? 'AND' : 'OR';
    const items = ('and' in x ? x.and : x.or).map((y) => renderKeep(y, engine, rule, keep, depth + 1));
    return `(\n${pad}  ${items.join(`\n${pad}  ${op} `)}\n${pad})`;
  }
  if ('not' in x) return `NOT ${renderKeep(x.not, engine, rule, !keep, depth)}`;
  const generous = (atom: string) => `coalesce(${atom}, ${keep ? 'TRUE' : 'FALSE'})`;
  const absentIsFalse = (atom: string) => `coalesce(${atom}, FALSE)`;
  if ('time' in x) return generous(`eventtime ${x.time} ${lit(day(timeBound(rule[x.bound as TimeBound], x.time, keep)))}`);
  const col = x.field === 'userIdentity.type' ? userType(engine) : x.field.toLowerCase();
  if ('in' in x) return absentIsFalse(x.in.length === 1 ? `${col} = ${lit(x.in[0]!)}` : `${col} IN (${x.in.map(lit).join(', ')})`);
  if ('present' in x) return absentIsFalse(`${col} <> ''`);
  if ('isFalse' in x) return absentIsFalse(`${col} = 'false'`);
  return absentIsFalse(`${col} = 'true'`);
}

/** The day a text comparison of eventTime uses for a bound: wider than the bound when `keep`, else narrower. */
function timeBound(ms: number, op: '>=' | '<', keep: boolean): number {
  if (op === '>=') return keep ? floorDay(ms - DAY_MS) : ceilDay(ms + DAY_MS);
  return keep ? ceilDay(ms + DAY_MS) : floorDay(ms - DAY_MS);
}

// ---- the engines' sources -------------------------------------------------------------------

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** Where the trail's account folders are: <location>/AWSLogs/[o-…/]. */
function awsLogs(opts: SqlOptions): string {
  return `${trimSlash(opts.location)}/AWSLogs/${opts.org ? `${opts.org}/` : ''}`;
}

function partitionFilter(opts: SqlOptions, part: Part, q: (n: string) => string, dayText: (ms: number) => string): string {
  const where = [`${q('day')} BETWEEN ${lit(dayText(part.month.first))} AND ${lit(dayText(part.month.last))}`];
  if (part.accounts) where.unshift(`${q('account')} IN (${part.accounts.map(lit).join(', ')})`);
  if (opts.regions) where.push(`${q('region')} IN (${opts.regions.map(lit).join(', ')})`);
  return where.join(' AND ');
}

const slashDay = (ms: number) => day(ms).replace(/-/g, '/');

/** A relation with the record columns as text and the account, region and day of each file. */
function source(opts: SqlOptions, part: Part, view: string): string {
  switch (opts.engine) {
    case 'athena': {
      const q = (n: string) => `"${n}"`;
      const cols = RECORD_COLUMNS.map(([c]) => c).join(', ');
      return `SELECT ${cols}, "account", "region", "day"\n  FROM ${opts.table}\n  WHERE ${partitionFilter(opts, part, q, slashDay)}`;
    }
    case 'trino': {
      const q = (n: string) => `"${n}"`;
      const cols = [
        ...TEXT_COLUMNS.map(([c, k]) => `json_extract_scalar(r, ${lit(`$.${k}`)}) AS ${c}`),
        ...JSON_COLUMNS.map(([c, k]) => `json_format(json_extract(r, ${lit(`$.${k}`)})) AS ${c}`),
      ];
      return `SELECT ${cols.join(',\n    ')},\n    "account", "region", "day"\n  FROM ${opts.table}\n  CROSS JOIN UNNEST(CAST(json_extract(line, '$.Records') AS array(json))) AS x(r)\n  WHERE ${partitionFilter(opts, part, q, slashDay)}`;
    }
    case 'spark': {
      const cols = RECORD_COLUMNS.map(([c, k]) => `r.${k} AS ${c}`).join(', ');
      const file = "'/AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/'";
      return `SELECT ${cols},\n    regexp_extract(f, ${file}, 1) AS account, regexp_extract(f, ${file}, 2) AS region, regexp_extract(f, ${file}, 3) AS day\n  FROM (SELECT explode(Records) AS r, input_file_name() AS f FROM ${view})`;
    }
    case 'duckdb': {
      const q = (n: string) => `"${n}"`;
      const cols = [...TEXT_COLUMNS.map(([c, k]) => `r->>${lit(k)} AS ${c}`), ...JSON_COLUMNS.map(([c, k]) => `CAST(r->${lit(k)} AS VARCHAR) AS ${c}`)];
      const files = lit(`${awsLogs(opts)}*/CloudTrail/*/*/*/*/*.json.gz`);
      const re = lit('/AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/');
      return (
        `SELECT * FROM (SELECT ${cols.join(',\n    ')},\n    p.account AS "account", p.region AS "region", p.day AS "day"\n` +
        `  FROM (SELECT unnest(Records) AS r, regexp_extract(filename, ${re}, ['account', 'region', 'day']) AS p\n` +
        `    FROM read_json(${files}, columns = {Records: 'JSON[]'}, filename = true, maximum_object_size = 1073741824)))\n` +
        `  WHERE ${partitionFilter(opts, part, q, slashDay)}`
      );
    }
  }
}

/** Spark reads a part's files through a temporary view over their path glob (no table, no crawler). */
function sparkView(opts: SqlOptions, part: Part, view: string): string {
  const days: string[] = [];
  for (let t = part.month.first; t <= part.month.last; t += DAY_MS) days.push(day(t).slice(8));
  const alt = (xs: string[]) => (xs.length === 1 ? xs[0]! : `{${xs.join(',')}}`);
  const path = `${awsLogs(opts)}${part.accounts ? alt(part.accounts) : '*'}/CloudTrail/${opts.regions ? alt(opts.regions) : '*'}/${part.month.label.replace('-', '/')}/${alt(days)}/*.json.gz`;
  const schema = RECORD_COLUMNS.map(([, k]) => `${k}: STRING`).join(', ');
  return `CREATE OR REPLACE TEMPORARY VIEW ${view} (Records ARRAY<STRUCT<${schema}>>)\nUSING json OPTIONS (path ${lit(path)})`;
}

// ---- statements -----------------------------------------------------------------------------

function header(opts: SqlOptions, id: string, what: string): string {
  return `-- configtrail ${what} · rule ${id} · period ${periodText(opts.period)} · window ${opts.windowMs / 60_000} min · template ${TEMPLATE_VERSION} · ${opts.engine}`;
}

const partDir = (part: Part) => `${part.month.label}-${part.label.split(' ')[1]!.replace('/', 'of')}`;

/**
 * Where a part's rows go: <results>/<rule id>/<extract|counts>/<month>-<k>of<n>/ (a folder the
 * engine fills); DuckDB writes one file, <results>/<rule id>-<extract|counts>-<month>-<k>of<n>.<ext>,
 * into a folder that must exist.
 */
function target(opts: SqlOptions, id: string, what: 'extract' | 'counts' | 'data', part: Part): string {
  return `${trimSlash(opts.results)}/${id}${opts.engine === 'duckdb' ? '-' : '/'}${what}${opts.engine === 'duckdb' ? '-' : '/'}${partDir(part)}`;
}

function writeTo(opts: SqlOptions, id: string, what: 'extract' | 'counts' | 'data', part: Part, query: string): string {
  const to = target(opts, id, what, part);
  const json = opts.format === 'json';
  switch (opts.engine) {
    case 'athena':
      return `UNLOAD (\n${query}\n) TO ${lit(`${to}/`)}\nWITH (format = ${json ? "'JSON', compression = 'GZIP'" : "'PARQUET'"})`;
    case 'trino': {
      const name = `configtrail_${what}_${id}_${partDir(part).replace(/-/g, '_')}`;
      return `CREATE TABLE ${name}\nWITH (format = ${json ? "'JSON'" : "'PARQUET'"}, external_location = ${lit(`${to}/`)}) AS\n${query}`;
    }
    case 'spark':
      return `INSERT OVERWRITE DIRECTORY ${lit(to)}\nUSING ${json ? "json OPTIONS (compression 'gzip')" : 'parquet'}\n${query}`;
    case 'duckdb':
      return `COPY (\n${query}\n) TO ${lit(`${to}.${json ? 'json.gz' : 'parquet'}`)} (FORMAT ${json ? "json, COMPRESSION 'gzip'" : 'parquet'})`;
  }
}

function extractQuery(opts: SqlOptions, id: string, part: Part, rule: KeepRule, view: string): string {
  const cols = RECORD_COLUMNS.map(([c]) => c).join(', ');
  return `SELECT ${lit(id)} AS rule_id, ${lit(part.label)} AS part, ${cols}\nFROM (\n  ${source(opts, part, view)}\n) ev\nWHERE ${renderKeep(KEEP_TREE, opts.engine, rule)}`;
}

function countsQuery(opts: SqlOptions, id: string, part: Part, rule: KeepRule, view: string): string {
  const fixed = `${lit(id)} AS rule_id, ${lit(part.label)} AS part, ${lit(periodText(opts.period))} AS period, ${opts.windowMs / 60_000} AS window_minutes`;
  // One row whatever the data: a part whose result is missing is told from a part with no events.
  const q = opts.engine === 'spark' ? (n: string) => `\`${n}\`` : (n: string) => `"${n}"`;
  return (
    `SELECT ${fixed}, ${q('account')} AS account, ${q('region')} AS region, ${q('day')} AS day, count(*) AS events, count_if(${renderKeep(KEEP_TREE, opts.engine, rule)}) AS kept\n` +
    `FROM (\n  ${source(opts, part, view)}\n) ev\nGROUP BY ${q('account')}, ${q('region')}, ${q('day')}\n` +
    `UNION ALL\nSELECT ${fixed}, NULL AS account, NULL AS region, NULL AS day, 0 AS events, 0 AS kept`
  );
}

/**
 * The period's data events counted by day and group, as store/data-events.ts counts them from the
 * files: account (recipient, else the caller's), region, API, the actor (an assumed role's session
 * issuer, else the caller's ARN, invoking service or principal id), the error, how many, the last
 * time and the three earliest `eventTime|eventID`. The extract keeps no data event (KEEP_TREE): this
 * is all the report learns of them. One marker row whatever the data, as for the counts.
 */
function dataQuery(opts: SqlOptions, id: string, part: Part, rule: KeepRule, view: string): string {
  const e = opts.engine;
  const J = (path: string) => identityField(e, path);
  const fixed = `${lit(id)} AS rule_id, ${lit(part.label)} AS part`;
  const actor =
    `CASE WHEN ${J('$.type')} = 'AssumedRole' AND coalesce(${J('$.sessionContext.sessionIssuer.arn')}, '') <> '' THEN ${J('$.sessionContext.sessionIssuer.arn')}\n` +
    `      ELSE coalesce(nullif(${J('$.arn')}, ''), nullif(${J('$.invokedBy')}, ''), nullif(${J('$.principalId')}, ''), '') END`;
  const sample = `concat(eventtime, '|', eventid)`;
  const earliest = e === 'spark' ? `slice(sort_array(collect_list(${sample})), 1, 3)` : `min_by(${sample}, ${sample}, 3)`;
  const at = (i: number) => (e === 'duckdb' ? `s[${i}]` : e === 'spark' ? `try_element_at(s, ${i})` : `element_at(s, ${i})`);
  const groups = ['data_day', 'data_account', 'data_region', 'data_source', 'data_name', 'data_actor_type', 'data_actor', 'data_error'];
  const inner =
    `SELECT substr(eventtime, 1, 10) AS data_day, coalesce(nullif(recipientaccountid, ''), ${J('$.accountId')}) AS data_account, awsregion AS data_region,\n` +
    `      eventsource AS data_source, eventname AS data_name, coalesce(${J('$.type')}, '') AS data_actor_type,\n      ${actor} AS data_actor,\n` +
    `      coalesce(errorcode, '') AS data_error, eventtime, eventid\n` +
    `    FROM (\n  ${source(opts, part, view)}\n) ev\n    WHERE ${renderKeep(DATA_EVENT, e, rule)}\n      AND substr(eventtime, 1, 10) BETWEEN ${lit(opts.period.from)} AND ${lit(opts.period.to)}`;
  const nulls = groups.map((g) => `NULL AS ${g}`).join(', ');
  return (
    `SELECT ${fixed}, ${groups.join(', ')}, data_events, data_last, ${at(1)} AS data_sample1, ${at(2)} AS data_sample2, ${at(3)} AS data_sample3\n` +
    `FROM (\n  SELECT ${groups.join(', ')}, count(*) AS data_events, max(eventtime) AS data_last, ${earliest} AS s\n  FROM (\n    ${inner}\n  ) d\n  GROUP BY ${groups.join(', ')}\n) g\n` +
    `UNION ALL\nSELECT ${fixed}, ${nulls}, 0 AS data_events, NULL AS data_last, NULL AS data_sample1, NULL AS data_sample2, NULL AS data_sample3`
  );
}

function ddl(opts: SqlOptions, id: string): Statement[] {
  const regions = (opts.regions ?? DEFAULT_REGIONS).join(',');
  const head = header(opts, id, 'table');
  const template = `${awsLogs(opts)}\${account}/CloudTrail/\${region}/\${day}`;
  switch (opts.engine) {
    case 'athena': {
      const cols = RECORD_COLUMNS.map(([c]) => `  ${c} STRING`).join(',\n');
      const text =
        `${head}\nCREATE EXTERNAL TABLE IF NOT EXISTS ${opts.table} (\n${cols}\n)\nPARTITIONED BY (\`account\` STRING, \`region\` STRING, \`day\` STRING)\n` +
        `ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n` +
        `OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\nLOCATION ${lit(awsLogs(opts))}\nTBLPROPERTIES (\n` +
        `  'projection.enabled' = 'true',\n  'projection.account.type' = 'injected',\n  'projection.region.type' = 'enum',\n  'projection.region.values' = ${lit(regions)},\n` +
        `  'projection.day.type' = 'date',\n  'projection.day.format' = 'yyyy/MM/dd',\n  'projection.day.range' = '2013/11/01,NOW',\n  'projection.day.interval' = '1',\n` +
        `  'projection.day.interval.unit' = 'DAYS',\n  'storage.location.template' = ${lit(template)}\n)`;
      return [{ kind: 'ddl', text }];
    }
    case 'trino': {
      const text =
        `${head}\nCREATE TABLE IF NOT EXISTS ${opts.table} (\n  line varchar,\n  "account" varchar WITH (partition_projection_type = 'INJECTED'),\n` +
        `  "region" varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY[${(opts.regions ?? DEFAULT_REGIONS).map(lit).join(', ')}]),\n` +
        `  "day" varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy/MM/dd', partition_projection_range = ARRAY['2013/11/01', 'NOW'], partition_projection_interval = 1, partition_projection_interval_unit = 'DAYS')\n` +
        `)\nWITH (\n  format = 'TEXTFILE',\n  external_location = ${lit(awsLogs(opts))},\n  partitioned_by = ARRAY['account', 'region', 'day'],\n` +
        `  partition_projection_enabled = true,\n  partition_projection_location_template = ${lit(template)}\n)`;
      return [{ kind: 'ddl', text }];
    }
    case 'spark':
      return [{ kind: 'note', text: `${head}\n-- Spark needs no table: each month's statements below read the delivered files through a temporary view over their path glob.` }];
    case 'duckdb':
      return [{ kind: 'note', text: `${head}\n-- DuckDB needs no table: the queries below read the delivered files with read_json.` }];
  }
}

/** Every statement `configtrail sql` prints, in order; each starts with its header comment. */
export function renderSql(opts: SqlOptions): Statement[] {
  const id = ruleId(opts.period, opts.windowMs);
  const rule = keepRule(opts.period, opts.windowMs);
  const out: Statement[] = opts.ddl ? ddl(opts, id) : [];
  if (opts.engine === 'trino' && opts.format === 'json') {
    out.push({ kind: 'setup', text: `${header(opts, id, 'session')}\nSET SESSION hive.compression_codec = 'GZIP'` });
  }
  for (const part of partsOf(opts)) {
    const view = `configtrail_${partDir(part).replace(/-/g, '_')}`;
    const what = `${part.month.label} accounts ${part.label.split(' ')[1]}`;
    if (opts.engine === 'spark') out.push({ kind: 'setup', text: `${header(opts, id, `files ${what}`)}\n${sparkView(opts, part, view)}` });
    out.push({ kind: 'extract', text: `${header(opts, id, `extract ${what}`)}\n${writeTo(opts, id, 'extract', part, extractQuery(opts, id, part, rule, view))}` });
    out.push({ kind: 'counts', text: `${header(opts, id, `counts ${what}`)}\n${writeTo(opts, id, 'counts', part, countsQuery(opts, id, part, rule, view))}` });
    out.push({ kind: 'data', text: `${header(opts, id, `data events ${what}`)}\n${writeTo(opts, id, 'data', part, dataQuery(opts, id, part, rule, view))}` });
  }
  for (const s of out) {
    const bytes = Buffer.byteLength(s.text);
    if (bytes > MAX_QUERY_BYTES) throw new UsageError(`a query of ${bytes} bytes exceeds Athena's ${MAX_QUERY_BYTES}-byte limit: name fewer --accounts or --regions`);
  }
  return out;
}

/** The statements as printed: each ends with `;` and a blank line. */
export function formatSql(statements: Statement[]): string {
  return statements.map((s) => `${s.text}${s.kind === 'note' ? '' : ';'}\n`).join('\n');
}
