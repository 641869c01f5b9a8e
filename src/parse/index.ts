import { isAscii } from 'node:buffer';
import { hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ConfigItem, DigestFile, InputKind, ParsedFile, SourceFile } from '../model/types.js';
import { looksLikeEvent, looksLikeInsight, normaliseEvent } from './cloudtrail.js';
import { normaliseDigestEntry, normaliseItem } from './config.js';
import { looksLikeCredentialReport, readCredentialReport } from './credential-report.js';
import { isDataEvent, keepsEvent, tally, type KeepRule } from '../store/keep.js';
import { DataEventCounter } from '../store/data-events.js';
import { readFileNative, scanTrail, type TrailScan } from './native.js';
import { readOpen } from '../util/read-open.js';
import { MAX_DEPTH, bool, deeperThan, isObj, parseTime, shortReason, str, text, tooDeep, type Obj } from './values.js';
import {
  configNotice,
  detailKind,
  isEnvelope,
  isLookupRequest,
  isRuleInvocation,
  isSelectOutput,
  knownReply,
  itemOfEnvelope,
  noticeOf,
  type Notice,
  quoted,
  recordOfEnvelope,
  rowIsItem,
  selectFields,
} from './wrappers.js';

export interface ParseOptions {
  /** Largest decompressed size accepted (gzip-bomb guard). */
  maxFileBytes: number;
  /**
   * The store's rule for which events are evidence. When given, valid records it would drop are
   * only counted (ParsedFile.dropped), not built: most of a trail is read-only noise.
   */
  keep?: KeepRule;
  /**
   * Levels of nesting a record or configuration item may have (default MAX_DEPTH, which the CLI
   * always uses; a test raises it to reach what lies past it: the parse pool's failure handling).
   */
  maxDepth?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The parse stage for one file: decompress, recognise the format by content, normalise every record.
 * Synchronous and pure (it can run in a worker), and it never throws: a file or record that cannot
 * be used comes back as a rejection with its reason; a file of another kind comes back as skipped.
 */
export function parseFile(source: SourceFile, opts: ParseOptions, sha256?: string): ParsedFile {
  let file = source;
  if (source.fsPath !== undefined) {
    // A deferred local file: read here (on a worker), with the same checks the sources stage makes.
    const problem = readDeferred(source, opts.maxFileBytes);
    if (typeof problem === 'string') return unreadable(source, problem);
    file = problem;
  }
  const out: ParsedFile = {
    input: {
      path: file.path,
      // Given when the caller already hashed these bytes (the workspace keys batches by them).
      sha256: sha256 ?? hash('sha256', file.bytes, 'hex'),
      size: file.bytes.length,
      kind: 'unknown',
      records: 0,
      rejected: 0,
    },
    events: [],
    items: [],
    rejected: [],
  };
  if (file.container) out.input.container = file.container;
  if (opts.keep) keepRule = opts.keep;
  else keepRule = undefined;
  depthLimit = opts.maxDepth ?? MAX_DEPTH;
  beyond.clear();
  unused.clear();
  dataEvents.clear();
  try {
    parseInto(out, file, opts);
    skipIfNothingUsed(out);
    listSummaries(out);
    if (dataEvents.size > 0) out.dataEvents = dataEvents.list();
  } catch (err) {
    // Defensive: a parser bug must not lose the file silently.
    reject(out, `internal parse error: ${shortReason(err instanceof Error ? err.message : String(err))}`);
  }
  return out;
}

/** The result for a file that could not be read at all. */
export function unreadable(file: SourceFile, reason: string): ParsedFile {
  return { input: { path: file.path, sha256: '', size: 0, kind: 'unknown', records: 0, rejected: 0 }, events: [], items: [], rejected: [{ path: file.path, reason }] };
}

/** Reads a deferred local file (SourceFile.fsPath), or says why it cannot be read. */
export function readDeferred(file: SourceFile, maxFileBytes: number): SourceFile | string {
  const { fsPath, ...rest } = file;
  const fast = readFileNative(fsPath!, maxFileBytes);
  if (fast) return { ...rest, bytes: fast };
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a link swapped in after the walk is refused by the open itself (ELOOP).
    // O_NONBLOCK: so is a FIFO (its open would wait for a writer), by the check that follows.
    fd = openSync(fsPath!, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a regular file';
    if (st.size > maxFileBytes) return `file of ${st.size} bytes exceeds the ${maxFileBytes}-byte limit`;
    return { ...rest, bytes: readOpen(fd, st.size) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ELOOP') return 'symbolic link not followed';
    return shortReason(e.message);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The output chunk for gunzip: the size the gzip trailer announces (ISIZE, the input's size mod
 * 2^32), so a file inflates into one buffer without copies. Only a hint: a wrong trailer costs
 * speed, never correctness, and the output limit still applies.
 */
function outputChunk(gz: Buffer, max: number): number {
  const isize = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.min(Math.max(isize + 1, 64 * 1024), max + 1, 64 * 1024 * 1024);
}

function reject(out: ParsedFile, reason: string): void {
  beyond.clear();
  unused.clear();
  dataEvents.clear();
  out.events = [];
  out.items = [];
  delete out.digest;
  delete out.contentSha256;
  delete out.dropped;
  out.input.records = 0;
  out.input.rejected = 0;
  out.rejected = [{ path: out.input.path, reason }];
}

function skip(out: ParsedFile, reason: string): void {
  out.skipped = { path: out.input.path, reason };
}

/** Names under which a file is expected to be JSON: then unreadable content is a rejection, not a skip. */
function expectsJson(key: string): boolean {
  return /\.json(\.gz)?$/i.test(key) || /(^|\/)AWSLogs\//.test(key);
}

function parseInto(out: ParsedFile, file: SourceFile, opts: ParseOptions): void {
  let bytes = file.bytes;
  if (bytes.length === 0) return skip(out, 'empty file');
  let textContent: string | undefined;
  // The content a digest hashes: the file uncompressed (the native reader's text is its exact UTF-8).
  const contentHash = () => out.contentSha256 ?? (textContent !== undefined && bytes === file.bytes && bytes[0] === 0x1f ? hash('sha256', textContent, 'hex') : hash('sha256', bytes, 'hex'));
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // A delivered log file the native reader settles: only its evidence is built here. Another
    // gzip file it may hand back inflated and decoded.
    const scan = keepRule ? scanTrail(bytes, opts.maxFileBytes, keepRule, depthLimit) : undefined;
    if (typeof scan === 'string') textContent = scan;
    else if (scan) return readScan(out, scan);
    else {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: opts.maxFileBytes, chunkSize: outputChunk(bytes, opts.maxFileBytes) });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/i.test(e.message)) {
          return reject(out, `decompressed size exceeds the ${opts.maxFileBytes}-byte limit (possible gzip bomb)`);
        }
        return reject(out, `corrupt gzip: ${shortReason(e.message)}`);
      }
    }
  } else if (bytes.length > opts.maxFileBytes) {
    return reject(out, `file of ${bytes.length} bytes exceeds the ${opts.maxFileBytes}-byte limit`);
  }

  if (textContent === undefined) {
    try {
      // Delivered logs are almost always ASCII: then a one-byte copy is the same text, and much cheaper.
      textContent = isAscii(bytes) ? bytes.toString('latin1') : utf8.decode(bytes);
    } catch {
      return expectsJson(file.key) ? reject(out, 'not UTF-8 text: binary or corrupt content') : skip(out, 'binary file: not a CloudTrail or AWS Config file');
    }
  }
  if (textContent.charCodeAt(0) === 0xfeff) textContent = textContent.slice(1);
  const trimmed = textContent.trimStart();
  if (trimmed.length === 0) return skip(out, 'empty file');
  if (looksLikeCredentialReport(trimmed)) {
    const bad = readCredentialReport(out, trimmed);
    if (bad) reject(out, bad);
    return;
  }
  if (trimmed[0] !== '{' && trimmed[0] !== '[') {
    return expectsJson(file.key) ? reject(out, 'invalid JSON: content does not start with { or [') : skip(out, 'not a CloudTrail or AWS Config file: not JSON');
  }

  let doc: unknown;
  try {
    doc = JSON.parse(textContent);
  } catch (err) {
    // One JSON record per line (CloudTrail records as streamed by log shippers) fails as a whole,
    // and so do records written one after another (EventBridge events as Firehose delivers them).
    if (parseNdjson(out, textContent) || parseConcatenated(out, textContent)) return;
    return reject(out, `invalid JSON: ${shortReason((err as Error).message)}`);
  }
  readDocument(out, doc, 0);
  if (out.input.kind === 'cloudtrail-log') out.contentSha256 = contentHash();
  else if (out.digest) out.digest.contentSha256 = contentHash();
}

/** A CloudTrail log file as the native reader left it: its counts, and the records it did not settle. */
function readScan(out: ParsedFile, scan: TrailScan): void {
  setKind(out, 'cloudtrail-log', scan.records);
  if (scan.dropped.read > 0) out.dropped = scan.dropped;
  for (const g of scan.dataEvents) dataEvents.addGroup(g);
  for (const { index, json } of scan.rest) addEvent(out, JSON.parse(json), index);
  // Last, as the TypeScript reader sets it: both readers give the same ParsedFile, key order too.
  out.contentSha256 = scan.sha256;
}

/** Returns false when the text is not NDJSON (its first line is not a JSON object). */
function parseNdjson(out: ParsedFile, content: string): boolean {
  const lines = content.split(/\r?\n/);
  let first: unknown;
  try {
    first = JSON.parse(lines[0] ?? '');
  } catch {
    return false;
  }
  if (!isObj(first) || lines.filter((l) => l.trim()).length < 2) return false;
  if (!isRecord(first)) {
    skip(out, `not a CloudTrail or AWS Config file: JSON lines with keys ${shortReason(Object.keys(first).slice(0, 5).join(', '), 80)}`);
    return true;
  }
  out.input.kind = isEnvelope(first) ? 'eventbridge' : 'cloudtrail-ndjson';
  let index = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const i = index++;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      recordRejected(out, i, `invalid JSON on line ${i + 1}: ${shortReason((err as Error).message)}`);
      continue;
    }
    addRecord(out, rec, i);
  }
  out.input.records = index;
  return true;
}

/** What a stream of records may hold: CloudTrail records (Insights ones too), EventBridge events. */
function isRecord(v: unknown): boolean {
  return looksLikeEvent(v) || looksLikeInsight(v) || isEnvelope(v);
}

/**
 * The bounds of JSON values written one after another with nothing or only white space between
 * them (what Firehose writes to S3: `{…}{…}`); undefined when the text is not that.
 */
function concatenatedValues(content: string): [number, number][] | undefined {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      if (depth === 0) return undefined;
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth++ === 0) start = i;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return undefined;
      if (--depth === 0) spans.push([start, i + 1]);
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return undefined;
  }
  return depth === 0 && spans.length >= 2 ? spans : undefined;
}

/** Returns false when the text is not concatenated JSON whose first value is a record (see isRecord). */
function parseConcatenated(out: ParsedFile, content: string): boolean {
  const spans = concatenatedValues(content);
  if (!spans) return false;
  let first: unknown;
  try {
    first = JSON.parse(content.slice(...spans[0]!));
  } catch {
    return false;
  }
  if (!isRecord(first)) return false;
  out.input.kind = isEnvelope(first) ? 'eventbridge' : 'cloudtrail-ndjson';
  out.input.records = spans.length;
  spans.forEach((span, i) => {
    let rec: unknown;
    try {
      rec = JSON.parse(content.slice(...span));
    } catch (err) {
      return recordRejected(out, i, `invalid JSON in value ${i + 1}: ${shortReason((err as Error).message)}`);
    }
    addRecord(out, rec, i);
  });
  return true;
}

/**
 * Bad records of one file listed one by one; past these, the rest are listed by reason, a line each
 * with how many there were (listSummaries): a file can hold millions of bad records, and every one
 * would cross threads and stay in memory, in report.json and in the summary. The counts hold them all.
 */
export const LISTED_PER_FILE = 10_000;

/**
 * A file's bad records past LISTED_PER_FILE, by reason: the first one's index and reason, the last
 * one's index, and how many. At most SUMMARISED_REASONS reasons are kept apart (many name the
 * record's own line or value); the records of any other reason are counted together (OTHER).
 */
const beyond = new Map<string, { first: number; reason: string; last: number; count: number }>();
const SUMMARISED_REASONS = 100;
const OTHER = '';

function recordRejected(out: ParsedFile, record: number, reason: string): void {
  out.input.rejected++;
  if (out.rejected.length < LISTED_PER_FILE) {
    out.rejected.push({ path: out.input.path, record, reason });
    return;
  }
  const key = beyond.has(reason) || beyond.size < SUMMARISED_REASONS ? reason : OTHER;
  const b = beyond.get(key);
  if (b) {
    b.last = record;
    b.count++;
  } else beyond.set(key, { first: record, reason, last: record, count: 1 });
}

/** A line per reason for the bad records recordRejected did not list, at the first of them. */
function listSummaries(out: ParsedFile): void {
  for (const [key, b] of beyond) {
    const what = key === OTHER ? 'for other reasons' : 'for this reason';
    const more = b.count === 1 ? '' : ` (and ${(b.count - 1).toLocaleString('en-US')} more records ${what}, up to #${b.last}, not listed one by one)`;
    out.rejected.push({ path: out.input.path, record: b.first, reason: `${b.reason}${more}` });
  }
  beyond.clear();
}

/** Set for the duration of one parseFile call (parsing is synchronous). */
let keepRule: KeepRule | undefined;
let depthLimit = MAX_DEPTH;

/**
 * A file's records that are read and valid but evidence of nothing configtrail reports: CloudTrail
 * Insights records, EventBridge events of other detail-types. They count among the file's records
 * and are not rejected; a file of nothing else is skipped, named for what it holds.
 */
class Unused {
  insights = 0;
  others = 0;
  /** The first few detail-types of the others (a file may hold any number), for the reason. */
  types: string[] = [];
  moreTypes = false;

  other(detailType: string): void {
    this.others++;
    if (this.types.includes(detailType)) return;
    if (this.types.length < 3) this.types.push(detailType);
    else this.moreTypes = true;
  }

  clear(): void {
    this.insights = this.others = 0;
    this.types = [];
    this.moreTypes = false;
  }
}

const unused = new Unused();
/** The file's data events, counted by day and group (store/data-events.ts), never built. */
const dataEvents = new DataEventCounter();

function skipIfNothingUsed(out: ParsedFile): void {
  const n = unused.insights + unused.others;
  if (n === 0 || n !== out.input.records || out.skipped || out.rejected.length > 0) return;
  const what: string[] = [];
  const plural = (k: number, one: string, many: string) => (k === 1 ? one : many);
  if (unused.insights > 0) what.push(`CloudTrail Insights ${plural(unused.insights, 'event', 'events')} (summaries of unusual API activity, not API calls)`);
  if (unused.others > 0) {
    const types = `${unused.types.map(quoted).join(', ')}${unused.moreTypes ? ' and others' : ''}`;
    what.push(`EventBridge ${plural(unused.others, 'event', 'events')} of detail-type ${types} (not ${plural(unused.others, 'a CloudTrail or AWS Config record', 'CloudTrail or AWS Config records')})`);
  }
  skip(out, what.join('; '));
}

/**
 * A valid record that is not evidence, counted without building it. Returns false when the record
 * must go through full normalisation (kept, or invalid: then it is rejected with its reason).
 */
function dropIfNotEvidence(out: ParsedFile, raw: unknown, rule: KeepRule): boolean {
  if (!isObj(raw)) return false;
  const { eventName, eventSource, eventID, eventTime, userIdentity: ui } = raw;
  if (typeof eventName !== 'string' || !eventName || typeof eventSource !== 'string' || !eventSource || typeof eventID !== 'string' || !eventID) return false;
  if (ui !== undefined && !isObj(ui)) return false;
  const eventTimeMs = parseTime(eventTime);
  const region = text(raw.awsRegion);
  const accountId = text(raw.recipientAccountId) ?? (ui ? text(ui.accountId) : undefined);
  if (eventTimeMs === undefined || !region || !accountId) return false;
  const errorCode = text(raw.errorCode);
  const readOnly = bool(raw.readOnly);
  // Never evidence, in or out of the period: counted by group.
  if (isDataEvent(raw)) dataEvents.add({ eventTimeMs, eventId: eventID, accountId, region, eventSource, eventName, errorCode, identity: ui });
  else if (keepsEvent({ eventTimeMs, eventName, eventSource, errorCode, readOnly, userType: ui ? str(ui.type) : undefined }, rule)) return false;
  const d = (out.dropped ??= { read: 0, readOnly: 0, failed: 0 });
  d.read++;
  tally(d, { errorCode, eventName, readOnly });
  return true;
}

function addEvent(out: ParsedFile, raw: unknown, index: number): void {
  // Before anything else, so that a record is rejected for it whether or not it would be evidence
  // (the native reader hands back any file holding one: both readers give the same result).
  if (deeperThan(raw, depthLimit)) return recordRejected(out, index, tooDeep('CloudTrail record', depthLimit));
  if (keepRule && dropIfNotEvidence(out, raw, keepRule)) return;
  if (looksLikeInsight(raw)) {
    unused.insights++;
    return;
  }
  const ev = normaliseEvent(raw, out.input.path, index);
  if (typeof ev === 'string') recordRejected(out, index, ev);
  else out.events.push(ev);
}

/** One record of a stream: an EventBridge event, or a CloudTrail record as it is. */
function addRecord(out: ParsedFile, raw: unknown, index: number): void {
  if (isEnvelope(raw)) addEnvelope(out, raw as Obj, index);
  else addEvent(out, raw, index);
}

/** An EventBridge event: its detail read as the CloudTrail record or Config item it is, by its detail-type. */
function addEnvelope(out: ParsedFile, env: Obj, index: number): void {
  const type = env['detail-type'] as string;
  switch (detailKind(type)) {
    case 'cloudtrail': {
      const rec = recordOfEnvelope(env);
      return rec ? addEvent(out, rec, index) : recordRejected(out, index, `EventBridge ${quoted(type)} event has no detail object`);
    }
    case 'insight':
      unused.insights++;
      return;
    case 'config-item': {
      const found = itemOfEnvelope(env);
      if (!found) return recordRejected(out, index, `EventBridge ${quoted(type)} event has no configurationItem in its detail`);
      return addItem(out, found.item, 'notification', index, found.notice);
    }
    default:
      unused.other(type);
  }
}

function addItem(out: ParsedFile, raw: unknown, origin: ConfigItem['origin'], index: number, notice?: Notice): void {
  const item = normaliseItem(raw, origin, out.input.path, index, notice, depthLimit);
  if (typeof item === 'string') recordRejected(out, index, item);
  else out.items.push(item);
}

function setKind(out: ParsedFile, kind: InputKind, records: number): void {
  out.input.kind = kind;
  out.input.records = records;
}

/** Recognises a parsed JSON document by its shape and reads its records. */
function readDocument(out: ParsedFile, doc: unknown, depth: number): void {
  if (!isObj(doc)) {
    if (Array.isArray(doc) && doc.length > 0 && doc.every(isRecord)) {
      // A bare array of CloudTrail records (what some tools export), or of EventBridge events.
      setKind(out, doc.some(isEnvelope) ? 'eventbridge' : 'cloudtrail-ndjson', doc.length);
      doc.forEach((r, i) => addRecord(out, r, i));
      return;
    }
    return skip(out, `not a CloudTrail or AWS Config file: top-level JSON ${Array.isArray(doc) ? 'array' : typeof doc}`);
  }

  if ('Records' in doc) {
    if (!Array.isArray(doc.Records)) return reject(out, 'CloudTrail log file: "Records" is not an array');
    setKind(out, 'cloudtrail-log', doc.Records.length);
    doc.Records.forEach((r, i) => addEvent(out, r, i));
    return;
  }
  if (Array.isArray(doc.Events) && (doc.Events.length === 0 || doc.Events.some((e) => (isObj(e) && 'CloudTrailEvent' in e) || isRecord(e)))) {
    setKind(out, 'cloudtrail-lookup', doc.Events.length);
    doc.Events.forEach((e, i) => {
      const body = isObj(e) ? e.CloudTrailEvent : undefined;
      // The record itself in place of its JSON string (as AWS's documentation shows Insights events).
      if (body === undefined && isRecord(e)) return addRecord(out, e, i);
      if (typeof body !== 'string') return recordRejected(out, i, 'lookup-events entry has no CloudTrailEvent string');
      let rec: unknown;
      try {
        rec = JSON.parse(body);
      } catch (err) {
        return recordRejected(out, i, `CloudTrailEvent is not valid JSON: ${shortReason((err as Error).message)}`);
      }
      addEvent(out, rec, i);
    });
    return;
  }
  if (Array.isArray(doc.logFiles) && ('digestStartTime' in doc || 'digestEndTime' in doc)) return readDigest(out, doc);
  if (doc.Type === 'Notification' && (typeof doc.Message === 'string' || isObj(doc.Message)) && depth === 0) {
    // An SNS envelope around a Config message: as SNS delivers it (a string), or as a page shows it.
    if (isObj(doc.Message)) return readDocument(out, doc.Message, depth + 1);
    let inner: unknown;
    try {
      inner = JSON.parse(doc.Message as string);
    } catch (err) {
      return reject(out, `SNS notification Message is not valid JSON: ${shortReason((err as Error).message)}`);
    }
    return readDocument(out, inner, depth + 1);
  }
  if (isEnvelope(doc)) {
    setKind(out, 'eventbridge', 1);
    return addEnvelope(out, doc, 0);
  }
  if (typeof doc.messageType === 'string') return readConfigMessage(out, doc);
  if (isRuleInvocation(doc)) return readRuleInvocation(out, doc.invokingEvent as string);
  if (isSelectOutput(doc)) return readSelect(out, doc);
  if (typeof doc.Content === 'string' && doc.ReportFormat === 'text/csv') {
    // `aws iam get-credential-report` JSON: the CSV is base64 in Content.
    const csv = Buffer.from(doc.Content, 'base64').toString('utf8');
    if (!looksLikeCredentialReport(csv)) return skip(out, 'text/csv report that is not an IAM credential report');
    const bad = readCredentialReport(out, csv, str(doc.GeneratedTime));
    if (bad) reject(out, bad);
    return;
  }
  if (Array.isArray(doc.configurationItems)) {
    const items = doc.configurationItems;
    // Delivered files carry fileVersion; the API's output does not, and names the account `accountId`.
    const api = !('fileVersion' in doc) && items.some((i) => isObj(i) && 'accountId' in i && !('awsAccountId' in i));
    const kind: InputKind = api ? 'config-api-history' : 'configSnapshotId' in doc ? 'config-snapshot' : 'config-history';
    const origin: ConfigItem['origin'] = api ? 'api' : kind === 'config-snapshot' ? 'snapshot' : 'history';
    setKind(out, kind, items.length);
    items.forEach((r, i) => addItem(out, r, origin, i));
    return;
  }
  if (Array.isArray(doc.baseConfigurationItems)) {
    setKind(out, 'config-api-batch', doc.baseConfigurationItems.length);
    doc.baseConfigurationItems.forEach((r, i) => addItem(out, r, 'api', i));
    return;
  }
  if (looksLikeEvent(doc) || looksLikeInsight(doc) || (typeof doc.eventVersion === 'string' && isObj(doc.userIdentity))) {
    // One CloudTrail record on its own (a one-line NDJSON file); one too incomplete to use is
    // rejected for what it lacks, as it would be among others.
    setKind(out, 'cloudtrail-ndjson', 1);
    addEvent(out, doc, 0);
    return;
  }
  if (isLookupRequest(doc)) return skip(out, '`aws cloudtrail lookup-events` request parameters (a --cli-input-json file), not its output: no events');
  const reply = knownReply(doc);
  if (reply) return skip(out, reply);
  const keys = Object.keys(doc).slice(0, 5).join(', ');
  skip(out, `not a CloudTrail or AWS Config file: JSON object with keys ${shortReason(keys, 80) || '(none)'}`);
}

/** An AWS Config message (bare, from SNS, or a rule invocation's invokingEvent: then `within` names that). */
function readConfigMessage(out: ParsedFile, doc: Obj, within = ''): void {
  const type = String(doc.messageType);
  if (type === 'ConfigurationItemChangeNotification') {
    // AWS's 2014 examples hold the item in a one-element array.
    const items = Array.isArray(doc.configurationItem) ? doc.configurationItem : [doc.configurationItem];
    setKind(out, 'config-notification', items.length);
    const notice = noticeOf(doc, false, items.length);
    return items.forEach((item, i) => addItem(out, item, 'notification', i, notice));
  }
  if (type === 'OversizedConfigurationItemChangeNotification') {
    // Only a summary is delivered; the body must be fetched from the Config API.
    setKind(out, 'config-notification', 1);
    return addItem(out, doc.configurationItemSummary, 'notification', 0, noticeOf(doc, true));
  }
  skip(out, `${within}${configNotice(type) ?? `AWS Config message of type ${shortReason(type, 80)} carries no configuration item`}`);
}

/** An AWS Config rule invocation event: its invokingEvent (a JSON string) is a Config message. */
function readRuleInvocation(out: ParsedFile, invokingEvent: string): void {
  const within = 'AWS Config rule invocation event: ';
  let inner: unknown;
  try {
    inner = JSON.parse(invokingEvent);
  } catch (err) {
    return reject(out, `${within}invokingEvent is not valid JSON: ${shortReason((err as Error).message)}`);
  }
  if (isObj(inner) && typeof inner.messageType === 'string') return readConfigMessage(out, inner, within);
  skip(out, `${within}its invokingEvent holds no AWS Config message`);
}

/**
 * `aws configservice select-resource-config` output: rows (JSON strings) that hold whole items are
 * read as items; a reply of narrower rows (a query for a few fields) is named and skipped.
 */
function readSelect(out: ParsedFile, doc: Obj & { Results: unknown[] }): void {
  const rows = doc.Results.map((r) => {
    if (typeof r !== 'string') return r;
    try {
      return JSON.parse(r) as unknown;
    } catch {
      return undefined;
    }
  });
  if (rows.length === 0) return skip(out, '`aws configservice select-resource-config` output with no rows');
  if (!rows.some(rowIsItem)) {
    const fields = shortReason(selectFields(doc, rows).join(', '), 120) || '(none)';
    return skip(
      out,
      `\`aws configservice select-resource-config\` output of the fields ${fields}: not configuration items (an item needs resourceType, resourceId, accountId, configurationItemCaptureTime and awsRegion or an ARN)`,
    );
  }
  setKind(out, 'config-api-select', rows.length);
  rows.forEach((row, i) => (row === undefined ? recordRejected(out, i, 'select-resource-config row is not valid JSON') : addItem(out, row, 'api', i)));
}

function readDigest(out: ParsedFile, doc: Obj): void {
  const logFiles = doc.logFiles as unknown[];
  setKind(out, 'cloudtrail-digest', logFiles.length);
  const start = str(doc.digestStartTime);
  const end = str(doc.digestEndTime);
  const accountId = text(doc.awsAccountId);
  if (!start || parseTime(start) === undefined || !end || parseTime(end) === undefined || !accountId) {
    out.input.records = 0;
    return reject(out, 'CloudTrail digest lacks a valid digestStartTime, digestEndTime or awsAccountId');
  }
  const digest: DigestFile = { accountId, digestStartTime: start, digestEndTime: end, logFiles: [], source: { path: out.input.path } };
  const bucket = str(doc.digestS3Bucket);
  const object = str(doc.digestS3Object);
  if (bucket !== undefined) digest.digestS3Bucket = bucket;
  if (object !== undefined) digest.digestS3Object = object;
  const fingerprint = str(doc.digestPublicKeyFingerprint);
  if (fingerprint !== undefined) digest.fingerprint = fingerprint;
  // The chain: null in a starting digest, kept as null (a signature then covers the word "null").
  for (const [field, name] of [
    ['previousS3Object', 'previousDigestS3Object'],
    ['previousHashValue', 'previousDigestHashValue'],
    ['previousSignature', 'previousDigestSignature'],
  ] as const) {
    const v = doc[name];
    if (v === null) digest[field] = null;
    else if (typeof v === 'string') digest[field] = v;
  }
  logFiles.forEach((raw, i) => {
    const entry = normaliseDigestEntry(raw);
    if (typeof entry === 'string') recordRejected(out, i, entry);
    else digest.logFiles.push(entry);
  });
  out.digest = digest;
}
