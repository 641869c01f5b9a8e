import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { writeFreshWith } from '../util/fresh-file.js';
import { cellJson } from '../util/pretty-json.js';
import { csvStringify } from '../util/lazy.js';
import type { Actor, CloudTrailEvent, DataEventRow, Report } from '../model/types.js';
import { InputList } from '../store/inputs.js';

/**
 * A cell a spreadsheet could read as a formula (`= + - @`, or TAB/CR that some apps strip first) is
 * prefixed with a single quote (OWASP CSV injection guidance). Every cell goes through here.
 */
export function neutraliseCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : cellJson(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csv(header: string[], rows: unknown[][]): string {
  return csvStringify().stringify([header, ...rows.map((r) => r.map(neutraliseCell))], { record_delimiter: '\n' });
}

const DIFF_SUMMARY_CHARS = 2000;

function diffSummary(d: Report['changes'][number]['diff']): string {
  const s = d.map((e) => `${e.path}: ${e.before === undefined ? '∅' : cellJson(e.before)} → ${e.after === undefined ? '∅' : cellJson(e.after)}`).join('; ');
  return s.length > DIFF_SUMMARY_CHARS ? `${s.slice(0, DIFF_SUMMARY_CHARS - 1)}…` : s;
}

export function changesCsv(report: Report): string {
  return csv(
    ['id', 'captureTime', 'accountId', 'region', 'resourceType', 'resourceId', 'resourceName', 'changeType', 'summary', 'method', 'confidence', 'eventName', 'eventTime', 'eventId', 'actorType', 'actorArn', 'origin', 'originType', 'chain', 'diff'],
    report.changes.map((c) => [
      c.id, c.captureTime, c.accountId, c.region, c.resourceType, c.resourceId, c.resourceName ?? '', c.changeType, c.summary.join('; '),
      c.attribution.method, c.attribution.confidence, c.attribution.eventName ?? '', c.attribution.eventTime ?? '', c.attribution.eventId ?? '',
      c.actor?.type ?? '', c.actor?.arn ?? '', c.actor?.origin ?? '', c.actor?.originType ?? '',
      (c.actor?.chain ?? []).map((s) => s.name).join(' → '), diffSummary(c.diff),
    ]),
  );
}

/** findings.csv: one row per finding (or per requirement without any), joinable to changes.csv by `changeId`. */
export function findingsCsv(report: Report): string {
  const rows: unknown[][] = [];
  const row = (c: Report['controls'][number], f: Report['controls'][number]['findings'][number], role: string) => [
    c.framework, c.id, c.title, c.status, f.check ?? '', f.severity ?? '', f.resourceType, f.resourceId, f.status, f.detail,
    f.time ?? '', f.sinceBeforePeriod ? 'yes' : '', f.changeId ?? '', f.eventId ?? '', f.count ?? '', (f.sampleEventIds ?? []).join(' '), f.actor?.origin ?? '',
    f.waiver ? `${f.waiver.expired ? 'expired: ' : ''}${f.waiver.reason}` : '', role,
  ];
  for (const c of report.controls) {
    if (c.findings.length === 0 && !c.supportingFindings?.length) rows.push([c.framework, c.id, c.title, c.status, '', '', '', '', '', c.reason ?? '', '', '', '', '', '', '', '', '', '']);
    for (const f of c.findings) rows.push(row(c, f, 'finding'));
    // Supporting evidence: observed, shown for the reviewer, deciding nothing.
    for (const f of c.supportingFindings ?? []) rows.push(row(c, f, 'supporting'));
  }
  return csv(['framework', 'controlId', 'title', 'controlStatus', 'check', 'severity', 'resourceType', 'resourceId', 'findingStatus', 'detail', 'since', 'sinceBeforePeriod', 'changeId', 'eventId', 'events', 'sampleEventIds', 'actorOrigin', 'waiver', 'role'], rows);
}

/** deviations.csv: failing facts opened and closed inside the period, per requirement. */
export function deviationsCsv(report: Report): string {
  const rows: unknown[][] = [];
  for (const c of report.controls) {
    for (const d of c.deviations ?? []) {
      rows.push([
        c.framework, c.id, d.check ?? '', d.severity ?? '', d.accountId, d.region, d.resourceType, d.resourceId, d.fact,
        d.opened, d.openedBeforePeriod ? 'yes' : '', d.openedChangeId ?? '', d.openedEventId ?? '', d.openedActor ?? '',
        d.closed, d.closedBy, d.closedChangeId ?? '', d.closedEventId ?? '', d.closedActor ?? '', Math.round(d.durationMs / 1000),
      ]);
    }
  }
  return csv(
    ['framework', 'controlId', 'check', 'severity', 'accountId', 'region', 'resourceType', 'resourceId', 'fact', 'opened', 'openedBeforePeriod', 'openedChangeId', 'openedEventId', 'openedBy', 'closed', 'closedBy', 'closedChangeId', 'closedEventId', 'closedByActor', 'durationSeconds'],
    rows,
  );
}

/** data-events.csv: every group of the period's data events (report.json lists the largest). */
export function dataEventsCsv(rows: DataEventRow[]): string {
  return csv(
    ['accountId', 'region', 'eventSource', 'eventName', 'actorType', 'actor', 'errorCode', 'count', 'firstSeen', 'lastSeen', 'sampleEventIds'],
    rows.map((r) => [r.accountId, r.region, r.eventSource, r.eventName, r.actorType, r.actor, r.errorCode ?? '', r.count, r.firstSeen, r.lastSeen, r.sampleEventIds.join(' ')]),
  );
}

export function rejectedCsv(report: Report): string {
  return csv(
    ['kind', 'path', 'record', 'reason'],
    [...report.rejected.map((r) => ['rejected', r.path, r.record ?? '', r.reason]), ...report.skipped.map((s) => ['skipped', s.path, '', s.reason])],
  );
}

const INPUT_HEADER = ['path', 'container', 'kind', 'size', 'records', 'rejected', 'sha256'];

/** A CSV's text, a block of 10,000 rows at a time (lists of millions are never one string). */
function* csvBlocks(header: string[], rows: Iterable<unknown[]>): Generator<string> {
  yield csv(header, []);
  let block: unknown[][] = [];
  const text = () => csvStringify().stringify(block.map((r) => r.map(neutraliseCell)), { record_delimiter: '\n' });
  for (const r of rows) {
    block.push(r);
    if (block.length >= 10_000) {
      yield text();
      block = [];
    }
  }
  if (block.length > 0) yield text();
}

function writeBlocks(path: string, blocks: Iterable<string>): void {
  writeFreshWith(path, (fd) => {
    for (const text of blocks) writeSync(fd, text);
  });
}

function* inputRows(report: Pick<Report, 'inputs'>): Generator<unknown[]> {
  for (const i of report.inputs) yield [i.path, i.container ?? '', i.kind, i.size, i.records, i.rejected, i.sha256];
}

/** inputs.csv's text (there can be millions of inputs). */
function inputsCsvBlocks(report: Pick<Report, 'inputs'>): Generator<string> {
  return csvBlocks(INPUT_HEADER, inputRows(report));
}

/** inputs.csv: every input file with its SHA-256, written a block at a time. */
export function writeInputsCsv(report: Report, path: string): void {
  writeBlocks(path, inputsCsvBlocks(report));
}

const ACTIVITY_HEADER = ['eventTime', 'eventId', 'eventSource', 'eventName', 'accountId', 'region', 'errorCode', 'readOnly', 'sourceIPAddress', 'principalType', 'principalArn', 'origin', 'originType', 'chain'];

function* activityRows(activity: Iterable<{ event: CloudTrailEvent; actor: Actor }>): Generator<unknown[]> {
  for (const { event: e, actor } of activity) {
    yield [e.eventTime, e.eventId, e.eventSource, e.eventName, e.accountId, e.awsRegion, e.errorCode ?? '', e.readOnly ?? '', e.sourceIPAddress ?? '', e.userIdentity.type ?? '', e.userIdentity.arn ?? '', actor.origin, actor.originType, actor.chain.map((s) => s.name).join(' → ')];
  }
}

/**
 * activity.csv: every CloudTrail event of the period kept as evidence, with its actor: the events
 * behind the activity findings, which report.json groups (controls/checks/util.ts activityFindings).
 */
export function writeActivityCsv(activity: Iterable<{ event: CloudTrailEvent; actor: Actor }>, path: string): void {
  writeBlocks(path, csvBlocks(ACTIVITY_HEADER, activityRows(activity)));
}

const csvSha256 = new WeakMap<Report['inputs'], string>();

/**
 * The SHA-256 of inputs.csv as writeInputsCsv writes it: the document cites the list by this hash.
 * Computed once per input list (the HTML, each PDF pass and the manifest all cite it), and not at
 * all for a list a saved ingest recorded it for (store/ingest.ts).
 */
export function inputsCsvSha256(report: Pick<Report, 'inputs'>): string {
  const inputs = report.inputs;
  let sha = inputs instanceof InputList ? inputs.csvSha256 : csvSha256.get(inputs);
  if (sha === undefined) {
    const h = createHash('sha256');
    for (const text of inputsCsvBlocks(report)) h.update(text);
    sha = h.digest('hex');
    if (inputs instanceof InputList) inputs.csvSha256 = sha;
    else csvSha256.set(inputs, sha);
  }
  return sha;
}
