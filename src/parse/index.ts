import { isAscii } from 'node:buffer';
import { hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ConfigItem, DigestFile, InputKind, ParsedFile, SourceFile } from '../model/types.js';
import { looksLikeEvent, normaliseEvent } from './cloudtrail.js';
import { normaliseDigestEntry, normaliseItem } from './config.js';
import { looksLikeCredentialReport, readCredentialReport } from './credential-report.js';
import { keepsEvent, type KeepRule } from '../store/keep.js';
import { readFileNative, scanTrail, type TrailScan } from './native.js';
import { readOpen } from '../util/read-open.js';
import { MAX_DEPTH, bool, deeperThan, isObj, parseTime, shortReason, str, text, tooDeep, type Obj } from './values.js';

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
  try {
    parseInto(out, file, opts);
    listSummaries(out);
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
  out.events = [];
  out.items = [];
  delete out.digest;
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
    // One JSON record per line (CloudTrail records as streamed by log shippers) fails as a whole.
    if (parseNdjson(out, textContent)) return;
    return reject(out, `invalid JSON: ${shortReason((err as Error).message)}`);
  }
  readDocument(out, doc, 0);
}

/** A CloudTrail log file as the native reader left it: its counts, and the records it did not settle. */
function readScan(out: ParsedFile, scan: TrailScan): void {
  setKind(out, 'cloudtrail-log', scan.records);
  if (scan.dropped.read > 0) out.dropped = scan.dropped;
  for (const { index, json } of scan.rest) addEvent(out, JSON.parse(json), index);
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
  if (!looksLikeEvent(first)) {
    skip(out, `not a CloudTrail or AWS Config file: JSON lines with keys ${shortReason(Object.keys(first).slice(0, 5).join(', '), 80)}`);
    return true;
  }
  out.input.kind = 'cloudtrail-ndjson';
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
    addEvent(out, rec, i);
  }
  out.input.records = index;
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
 * A valid record that is not evidence, counted without building it. Returns false when the record
 * must go through full normalisation (kept, or invalid: then it is rejected with its reason).
 */
function dropIfNotEvidence(out: ParsedFile, raw: unknown, rule: KeepRule): boolean {
  if (!isObj(raw)) return false;
  const { eventName, eventSource, eventID, eventTime, userIdentity: ui } = raw;
  if (typeof eventName !== 'string' || !eventName || typeof eventSource !== 'string' || !eventSource || typeof eventID !== 'string' || !eventID) return false;
  if (ui !== undefined && !isObj(ui)) return false;
  const eventTimeMs = parseTime(eventTime);
  if (eventTimeMs === undefined || !text(raw.awsRegion) || !(text(raw.recipientAccountId) ?? (ui ? text(ui.accountId) : undefined))) return false;
  const errorCode = text(raw.errorCode);
  const readOnly = bool(raw.readOnly);
  if (keepsEvent({ eventTimeMs, eventName, eventSource, errorCode, readOnly, userType: ui ? str(ui.type) : undefined }, rule)) return false;
  const d = (out.dropped ??= { read: 0, readOnly: 0, failed: 0 });
  d.read++;
  if (errorCode) d.failed++;
  else if (readOnly === true) d.readOnly++;
  return true;
}

function addEvent(out: ParsedFile, raw: unknown, index: number): void {
  // Before anything else, so that a record is rejected for it whether or not it would be evidence
  // (the native reader hands back any file holding one: both readers give the same result).
  if (deeperThan(raw, depthLimit)) return recordRejected(out, index, tooDeep('CloudTrail record', depthLimit));
  if (keepRule && dropIfNotEvidence(out, raw, keepRule)) return;
  const ev = normaliseEvent(raw, out.input.path, index);
  if (typeof ev === 'string') recordRejected(out, index, ev);
  else out.events.push(ev);
}

function addItem(out: ParsedFile, raw: unknown, origin: ConfigItem['origin'], index: number, oversized = false): void {
  const item = normaliseItem(raw, origin, out.input.path, index, oversized, depthLimit);
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
    if (Array.isArray(doc) && doc.length > 0 && doc.every(looksLikeEvent)) {
      // A bare array of CloudTrail records (what some tools export).
      setKind(out, 'cloudtrail-ndjson', doc.length);
      doc.forEach((r, i) => addEvent(out, r, i));
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
  if (Array.isArray(doc.Events) && (doc.Events.length === 0 || doc.Events.some((e) => isObj(e) && 'CloudTrailEvent' in e))) {
    setKind(out, 'cloudtrail-lookup', doc.Events.length);
    doc.Events.forEach((e, i) => {
      const body = isObj(e) ? e.CloudTrailEvent : undefined;
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
  if (doc.Type === 'Notification' && typeof doc.Message === 'string' && depth === 0) {
    // An SNS envelope around a Config message.
    let inner: unknown;
    try {
      inner = JSON.parse(doc.Message);
    } catch (err) {
      return reject(out, `SNS notification Message is not valid JSON: ${shortReason((err as Error).message)}`);
    }
    return readDocument(out, inner, depth + 1);
  }
  if (typeof doc.messageType === 'string') return readConfigMessage(out, doc);
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
  if (looksLikeEvent(doc)) {
    // One CloudTrail record on its own (a one-line NDJSON file).
    setKind(out, 'cloudtrail-ndjson', 1);
    addEvent(out, doc, 0);
    return;
  }
  const keys = Object.keys(doc).slice(0, 5).join(', ');
  skip(out, `not a CloudTrail or AWS Config file: JSON object with keys ${shortReason(keys, 80) || '(none)'}`);
}

function readConfigMessage(out: ParsedFile, doc: Obj): void {
  const type = String(doc.messageType);
  if (type === 'ConfigurationItemChangeNotification') {
    setKind(out, 'config-notification', 1);
    return addItem(out, doc.configurationItem, 'notification', 0);
  }
  if (type === 'OversizedConfigurationItemChangeNotification') {
    // Only a summary is delivered; the body must be fetched from the Config API.
    setKind(out, 'config-notification', 1);
    return addItem(out, doc.configurationItemSummary, 'notification', 0, true);
  }
  skip(out, `AWS Config message of type ${shortReason(type, 80)} carries no configuration item`);
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
  logFiles.forEach((raw, i) => {
    const entry = normaliseDigestEntry(raw);
    if (typeof entry === 'string') recordRejected(out, i, entry);
    else digest.logFiles.push(entry);
  });
  out.digest = digest;
}
