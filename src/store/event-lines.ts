import type { CloudTrailEvent, EventLines, ParsedFile } from '../model/types.js';
import { isObj } from '../parse/values.js';
import { dataEventGroup } from './data-events.js';
import { lineOf } from './events.js';
import { isDataEvent, keepsEvent, SESSION_ISSUING_EVENTS, tally, type KeepRule } from './keep.js';

/**
 * A parsed file's CloudTrail events as the store takes them: each as the line the store's spill
 * holds (store/events.ts), the ones the period's rule keeps marked, data events among them turned
 * into groups. A parse worker does this before it hands a file over, so that text crosses threads
 * rather than objects, and the main thread neither copies nor serialises events; the store does it
 * for a file parsed on its own thread. Returns the file, changed in place.
 */
export function withEventLines(file: ParsedFile, rule: KeepRule): ParsedFile {
  if (file.eventLines !== undefined) return file;
  const out: EventLines = { lines: [], kept: [], failed: 0, readOnly: 0 };
  for (const e of file.events) {
    if (isDataEvent(e)) {
      // One the readers did not count themselves (a SIEM export, a record without eventID…): counted
      // as a record not built, and by group with the file's other data events.
      const dropped = (file.dropped ??= { read: 0, readOnly: 0, failed: 0 });
      dropped.read++;
      tally(dropped, e);
      (file.dataEvents ??= []).push(dataEventGroup({ ...e, region: e.awsRegion, identity: e.userIdentity }));
      continue;
    }
    tally(out, e);
    if (keeps(e, rule)) out.kept.push(out.lines.length);
    out.lines.push(lineOf(isServiceSession(e) ? sessionRecord(e) : e));
  }
  file.events = [];
  file.eventLines = out;
  return file;
}

/** Whether the period's rule keeps an event (store/keep.ts). */
function keeps(e: CloudTrailEvent, rule: KeepRule): boolean {
  return keepsEvent({ eventTimeMs: e.eventTimeMs, eventName: e.eventName, eventSource: e.eventSource, errorCode: e.errorCode, readOnly: e.readOnly, userType: e.userIdentity.type, managementEvent: e.managementEvent, eventCategory: e.eventCategory }, rule);
}

/** A session an AWS service issued (an instance profile's, a Lambda function's, a service role's: one at every credential refresh). */
function isServiceSession(e: CloudTrailEvent): boolean {
  return e.userIdentity.type === 'AWSService' && e.eventSource === 'sts.amazonaws.com' && SESSION_ISSUING_EVENTS.has(e.eventName) && !e.errorCode;
}

/** The fields of an STS response or request the correlate stage reads (correlate/sessions.ts, actor.ts). */
const SESSION_REQUEST = ['roleArn', 'roleSessionName', 'sourceIdentity'];
const SESSION_RESPONSE = ['assumedRoleUser', 'federatedUser', 'subject', 'subjectFromWebIdentityToken'];

/**
 * A credential-issuing call as a session record: who issued which key to which role and session,
 * until when; its other request and response fields, resources and payloads are let go. What the
 * store keeps of a session an AWS service issued, and what a pass's window of sessions holds of
 * every issuing call (correlate/sessions.ts).
 */
export function sessionRecord(e: CloudTrailEvent): CloudTrailEvent {
  const pick = (v: unknown, keys: string[]): Record<string, unknown> | undefined => {
    if (!isObj(v)) return undefined;
    const out: Record<string, unknown> = {};
    for (const k of keys) if (v[k] !== undefined) out[k] = v[k];
    return out;
  };
  const request = pick(e.requestParameters, SESSION_REQUEST);
  const response = pick(e.responseElements, SESSION_RESPONSE);
  const credentials = pick(isObj(e.responseElements) ? e.responseElements.credentials : undefined, ['accessKeyId', 'expiration']);
  const { requestParameters: _request, responseElements: _response, additionalEventData: _data, resources: _resources, userAgent: _agent, ...rest } = e;
  return { ...rest, ...(request ? { requestParameters: request } : {}), ...(response ? { responseElements: credentials ? { ...response, credentials } : response } : {}) };
}
