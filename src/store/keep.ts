import type { Period } from '../model/types.js';

/** STS calls whose responses hand out credentials: the links of an actor chain. */
export const SESSION_ISSUING_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);

/** Event sources whose successful read-only calls the activity checks need (sign-ins). */
const ACTIVITY_SOURCES = new Set(['signin.amazonaws.com']);

const HOUR_MS = 3_600_000;

/** Read-only API verbs: never the cause of a change, whatever `readOnly` says (or omits). */
const READ_VERB = /^(Get|List|Describe|Head|Lookup|BatchGet|Search|Scan|Query|Select|Check|Preview|Validate|Simulate|Estimate|Test)[A-Z]/;
/** Calls that change no resource, whatever readOnly says. */
const NOT_WRITES = new Set(['ConsoleLogin', 'CheckMfa', 'SwitchRole', 'ExitRole', 'RenewRole', 'GetSigninToken']);

/**
 * The API an event name stands for: Lambda and CloudFront log some calls under the API version
 * they were made with (`UpdateFunctionConfiguration20150331v2`, `UpdateDistribution2020_05_31`).
 */
export function apiName(eventName: string): string {
  return eventName.replace(/(?<=[a-z])(?:\d{8}|\d{4}_\d{2}_\d{2})(?:v\d+)?$/, '');
}

/**
 * Whether a call can change a resource: the rule attribution uses, and the one every count of
 * read-only events uses (`counts.events.readOnly`, in both CloudTrail readers: native/trail.cc
 * mirrors it). A call is read-only when it says so (`readOnly: true`), or is one of NOT_WRITES, or,
 * where it does not say (the field absent), its name is a read verb (Get*, List*, Describe*, …).
 */
export function isWrite(e: { eventName: string; readOnly?: boolean | undefined }): boolean {
  if (e.readOnly === true) return false;
  if (NOT_WRITES.has(e.eventName)) return false;
  if (e.readOnly === false) return true;
  return !READ_VERB.test(e.eventName);
}

/**
 * Counts a call among the failed ones or the successful read-only ones (what `counts.events` and
 * `ParsedFile.dropped` hold; native/trail.cc mirrors it).
 */
export function tally(c: { failed: number; readOnly: number }, e: { errorCode?: string | undefined; eventName: string; readOnly?: boolean | undefined }): void {
  if (e.errorCode) c.failed++;
  else if (!isWrite(e)) c.readOnly++;
}

/**
 * A data event (S3 object calls, Lambda invocations, DynamoDB items…): `managementEvent: false` or
 * `eventCategory: "Data"`. It cannot cause a change AWS Config records, so it is never kept: it is
 * counted by group (store/data-events.ts). Both readers apply this first (native/trail.cc mirrors it).
 */
export function isDataEvent(e: { managementEvent?: unknown; eventCategory?: unknown }): boolean {
  return e.managementEvent === false || e.managementEvent === 'false' || e.eventCategory === 'Data';
}

/** The bounds that decide which CloudTrail events are evidence. Plain data: it crosses to workers. */
export interface KeepRule {
  startMs: number;
  endMs: number;
  /** Writes from this time on can cause an in-period change (the attribution window). */
  writeFromMs: number;
  /** STS calls from this time on can have issued a session used in the period. */
  sessionFromMs: number;
}

/** Evidence for any period (what packs and saved ingests hold): the store narrows it to the period it reports on. */
export const ANY_PERIOD: KeepRule = { startMs: -Infinity, endMs: Infinity, writeFromMs: -Infinity, sessionFromMs: -Infinity };

export function keepRule(period: Period, windowMs: number, sessionMarginMs = 48 * HOUR_MS): KeepRule {
  return { startMs: period.startMs, endMs: period.endMs, writeFromMs: period.startMs - windowMs, sessionFromMs: period.startMs - sessionMarginMs };
}

export interface KeepFields {
  eventTimeMs: number;
  eventName: string;
  eventSource: string;
  errorCode?: string | undefined;
  readOnly?: boolean | undefined;
  userType?: string | undefined;
  /** As recorded (a data event says false). */
  managementEvent?: boolean | undefined;
  eventCategory?: string | undefined;
}

/**
 * Whether an event is evidence: never a data event (isDataEvent: counted by group instead); writes (from the attribution window before the period), session-
 * issuing STS calls (from the session margin), and, inside the period, failed calls, sign-ins and
 * any use of the root user. Read-only successes are only counted.
 */
export function keepsEvent(e: KeepFields, r: KeepRule): boolean {
  const t = e.eventTimeMs;
  if (t >= r.endMs || isDataEvent(e)) return false;
  if (SESSION_ISSUING_EVENTS.has(e.eventName) && e.eventSource === 'sts.amazonaws.com') return t >= r.sessionFromMs;
  if (t < r.writeFromMs) return false;
  if (e.errorCode) return t >= r.startMs;
  if (ACTIVITY_SOURCES.has(e.eventSource)) return t >= r.startMs;
  if (e.userType === 'Root') return t >= r.startMs;
  return e.readOnly !== true;
}

/**
 * The same rule as data, for the engines that run the extract in place (`configtrail sql`,
 * src/sql/): an expression tree over the record's fields, rendered to each SQL dialect. Times are
 * named bounds of a KeepRule. keepsEvent stays the hot path; tests require both to agree on every
 * generated and real record (test/scaleout.test.ts).
 */
export type KeepField = 'eventTime' | 'eventName' | 'eventSource' | 'errorCode' | 'readOnly' | 'userIdentity.type' | 'managementEvent' | 'eventCategory';
export type TimeBound = 'startMs' | 'endMs' | 'writeFromMs' | 'sessionFromMs';
export type KeepExpr =
  | { and: KeepExpr[] }
  | { or: KeepExpr[] }
  | { not: KeepExpr }
  /** eventTime compared with a bound of the rule. */
  | { time: '>=' | '<'; bound: TimeBound }
  /** The field is one of these strings. */
  | { field: Exclude<KeepField, 'eventTime'>; in: string[] }
  /** The field is a non-empty string. */
  | { field: 'errorCode'; present: true }
  /** readOnly is true (JSON true or the text "true"). */
  | { field: 'readOnly'; isTrue: true }
  /** managementEvent is false (JSON false or the text "false"). */
  | { field: 'managementEvent'; isFalse: true };

const sessionCall: KeepExpr = { and: [{ field: 'eventName', in: [...SESSION_ISSUING_EVENTS].sort() }, { field: 'eventSource', in: ['sts.amazonaws.com'] }] };
/** Failed calls, sign-ins and root use: evidence inside the period only. */
const inPeriodOnly: KeepExpr = { or: [{ field: 'errorCode', present: true }, { field: 'eventSource', in: [...ACTIVITY_SOURCES].sort() }, { field: 'userIdentity.type', in: ['Root'] }] };

/** A data event (isDataEvent): never evidence; counted by group (the engines' data query, src/sql/render.ts). */
export const DATA_EVENT: KeepExpr = { or: [{ field: 'managementEvent', isFalse: true }, { field: 'eventCategory', in: ['Data'] }] };

export const KEEP_TREE: KeepExpr = {
  and: [
    { time: '<', bound: 'endMs' },
    { not: DATA_EVENT },
    {
      or: [
        { and: [sessionCall, { time: '>=', bound: 'sessionFromMs' }] },
        {
          and: [
            { not: sessionCall },
            { time: '>=', bound: 'writeFromMs' },
            { or: [{ and: [inPeriodOnly, { time: '>=', bound: 'startMs' }] }, { and: [{ not: inPeriodOnly }, { not: { field: 'readOnly', isTrue: true } }] }] },
          ],
        },
      ],
    },
  ],
};

function fieldOf(e: KeepFields, f: Exclude<KeepField, 'eventTime'>): string | boolean | undefined {
  return f === 'userIdentity.type' ? e.userType : e[f];
}


/** Evaluates a keep tree over an event (what the SQL renderings compute, exactly). */
export function evaluateKeep(x: KeepExpr, e: KeepFields, r: KeepRule): boolean {
  if ('and' in x) return x.and.every((y) => evaluateKeep(y, e, r));
  if ('or' in x) return x.or.some((y) => evaluateKeep(y, e, r));
  if ('not' in x) return !evaluateKeep(x.not, e, r);
  if ('time' in x) return x.time === '<' ? e.eventTimeMs < r[x.bound] : e.eventTimeMs >= r[x.bound];
  const v = fieldOf(e, x.field);
  if ('in' in x) return typeof v === 'string' && x.in.includes(v);
  if ('present' in x) return typeof v === 'string' && v.length > 0;
  if ('isFalse' in x) return v === false;
  return v === true;
}
