import { hash } from 'node:crypto';
import type { CloudTrailEvent, SessionIssuer, UserIdentity } from '../model/types.js';
import { bool, isObj, isoTime, str, text, type Obj } from './values.js';

/** A record is a CloudTrail event when it carries these (used to recognise NDJSON and single records). */
export function looksLikeEvent(v: unknown): boolean {
  return isObj(v) && typeof (v.eventName ?? moved(v, 'eventName')) === 'string' && (typeof v.eventSource === 'string' || typeof v.eventVersion === 'string');
}

/**
 * Where SIEM exports put CloudTrail fields they move: Logstash/Elastic keeps the event time in
 * `@timestamp` (its date filter's target), Datadog's CloudTrail pipeline remaps `sourceIPAddress`
 * to `network.client.ip`, `userAgent` to `http.useragent` and `eventName` to `evt.name` (nested
 * objects in its JSON export, a dotted key in some CSV-to-JSON conversions).
 */
export const MOVED_FIELDS = {
  eventTime: ['@timestamp'],
  sourceIPAddress: ['network', 'client', 'ip'],
  userAgent: ['http', 'useragent'],
  eventName: ['evt', 'name'],
} as const;

type Moved = keyof typeof MOVED_FIELDS;

/** The value a SIEM export moved a CloudTrail field to (MOVED_FIELDS); read only where the field itself is absent. */
export function moved(raw: Obj, field: Moved): unknown {
  const path = MOVED_FIELDS[field];
  const dotted = raw[path.join('.')];
  if (dotted !== undefined) return dotted;
  let v: unknown = raw;
  for (const k of path) v = isObj(v) ? v[k] : undefined;
  return v;
}

/** The record's field, else (where it is absent or null) where a SIEM export moved it. */
function field(raw: Obj, name: Moved): unknown {
  const own = raw[name];
  return own == null ? (moved(raw, name) ?? own) : own;
}

/**
 * A CloudTrail Insights record (`eventType: AwsCloudTrailInsight`, `eventCategory: Insight`): a
 * summary of unusual API activity, not an API call, and so no evidence of a change. It has no
 * eventName of its own (the call it is about is in insightDetails); a record that names one is read
 * as an event, whatever its category says.
 */
export function looksLikeInsight(v: unknown): boolean {
  return isObj(v) && v.eventName === undefined && (v.eventType === 'AwsCloudTrailInsight' || v.eventCategory === 'Insight');
}

/** Where a synthetic event id starts: never the form of an id CloudTrail writes (a UUID). */
export const SYNTHETIC_ID_PREFIX = 'sha256:';

/** A JSON value written with every object's keys sorted: the same record gives the same text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) {
    // Written as text, never built as an object: a "__proto__" key stays a key.
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The id of a record that has none (eventVersion 1.0 and 1.01, 2014's records, carried no eventID):
 * `sha256:` and the SHA-256 of the record written canonically, so it depends on the record's content
 * alone (its values as JSON reads them, not how the file spaced or ordered them), and its prefix
 * tells it from an id AWS wrote. Undefined for a record nested too deep to write.
 */
export function syntheticEventId(raw: Obj): string | undefined {
  try {
    return SYNTHETIC_ID_PREFIX + hash('sha256', canonical(raw), 'hex');
  } catch {
    return undefined;
  }
}

function sessionIssuer(v: unknown): SessionIssuer | undefined {
  if (!isObj(v)) return undefined;
  return clean({ type: str(v.type), principalId: str(v.principalId), arn: str(v.arn), accountId: str(v.accountId), userName: str(v.userName) });
}

/** Copies only the documented fields, each with its documented type. */
export function userIdentity(v: Obj): UserIdentity {
  const out: UserIdentity = clean({
    type: str(v.type),
    principalId: str(v.principalId),
    arn: str(v.arn),
    accountId: str(v.accountId),
    accessKeyId: str(v.accessKeyId),
    userName: str(v.userName),
    invokedBy: str(v.invokedBy),
    identityProvider: str(v.identityProvider),
    credentialId: str(v.credentialId),
  });
  if (isObj(v.onBehalfOf)) out.onBehalfOf = clean({ userId: str(v.onBehalfOf.userId), identityStoreArn: str(v.onBehalfOf.identityStoreArn) });
  const sc = v.sessionContext;
  if (isObj(sc)) {
    const ctx: NonNullable<UserIdentity['sessionContext']> = {};
    if (isObj(sc.attributes)) {
      ctx.attributes = clean({ mfaAuthenticated: str(sc.attributes.mfaAuthenticated), creationDate: str(sc.attributes.creationDate) });
    }
    const issuer = sessionIssuer(sc.sessionIssuer);
    if (issuer) ctx.sessionIssuer = issuer;
    if (isObj(sc.webIdFederationData)) {
      const w = sc.webIdFederationData;
      ctx.webIdFederationData = clean({ federatedProvider: str(w.federatedProvider), attributes: isObj(w.attributes) ? w.attributes : undefined });
    }
    const si = str(sc.sourceIdentity);
    if (si !== undefined) ctx.sourceIdentity = si;
    const ec2 = str(sc.ec2RoleDelivery);
    if (ec2 !== undefined) ctx.ec2RoleDelivery = ec2;
    out.sessionContext = ctx;
  }
  return out;
}

/**
 * Normalises one CloudTrail record, or returns why it cannot be used. The record's own values are
 * kept (names as recorded; eventTime in the one form of every time, see isoTime); only types are
 * enforced. A record without eventID gets a synthetic one (syntheticEventId). Fields a SIEM export
 * moved (MOVED_FIELDS) are read where the record lacks its own.
 */
export function normaliseEvent(raw: unknown, path: string, index: number): CloudTrailEvent | string {
  if (!isObj(raw)) return `record is ${Array.isArray(raw) ? 'an array' : typeof raw}, not a CloudTrail event object`;
  const eventName = text(field(raw, 'eventName'));
  if (!eventName) return 'CloudTrail record has no eventName';
  const eventSource = text(raw.eventSource);
  if (!eventSource) return 'CloudTrail record has no eventSource';
  const when = field(raw, 'eventTime');
  if (when == null) return 'CloudTrail record has no eventTime and no @timestamp (where a SIEM export keeps the event time)';
  const time = isoTime(when);
  if (time === undefined) {
    const name = raw.eventTime == null ? '@timestamp' : 'eventTime';
    return `CloudTrail record has no valid ${name} (${JSON.stringify(when).slice(0, 40)})`;
  }
  const { iso: eventTime, ms: eventTimeMs } = time;
  if (raw.userIdentity !== undefined && !isObj(raw.userIdentity)) return 'CloudTrail record has a userIdentity that is not an object';
  const ui = userIdentity(isObj(raw.userIdentity) ? raw.userIdentity : {});
  const accountId = text(raw.recipientAccountId) ?? ui.accountId;
  if (!accountId) return 'CloudTrail record has no account id (recipientAccountId or userIdentity.accountId)';
  const awsRegion = text(raw.awsRegion);
  if (!awsRegion) return 'CloudTrail record has no awsRegion';
  // Hashed only for a record that is otherwise whole.
  const eventId = text(raw.eventID) ?? syntheticEventId(raw);
  if (!eventId) return 'CloudTrail record has no eventID, and is nested too deep to identify';

  const ev: CloudTrailEvent = {
    eventId,
    eventTime,
    eventTimeMs,
    eventSource,
    eventName,
    awsRegion,
    accountId,
    userIdentity: ui,
    source: { path, index },
  };
  const opt: Partial<CloudTrailEvent> = {
    eventType: str(raw.eventType),
    eventCategory: str(raw.eventCategory),
    readOnly: bool(raw.readOnly),
    managementEvent: bool(raw.managementEvent),
    errorCode: text(raw.errorCode),
    errorMessage: str(raw.errorMessage),
    sourceIPAddress: str(field(raw, 'sourceIPAddress')),
    userAgent: str(field(raw, 'userAgent')),
    sharedEventID: str(raw.sharedEventID),
  };
  Object.assign(ev, clean(opt));
  if (raw.requestParameters != null) ev.requestParameters = raw.requestParameters;
  if (raw.responseElements != null) ev.responseElements = raw.responseElements;
  if (raw.additionalEventData != null) ev.additionalEventData = raw.additionalEventData;
  if (Array.isArray(raw.resources)) {
    ev.resources = raw.resources.filter(isObj).map((r) => clean({ ARN: str(r.ARN), accountId: str(r.accountId), type: str(r.type) }));
  }
  return ev;
}

/** Drops undefined fields so JSON output and deep comparisons stay tidy. */
export function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
