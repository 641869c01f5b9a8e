import type { Change, CloudTrailEvent, Correlation, CorrelationOptions, EventRef, Evidence } from '../model/types.js';
import { cmp } from '../store/index.js';
import { resolveActor } from './actor.js';
import { EventIndex, attribute, tokensOf } from './attribute.js';
import { changeId, findChanges } from './changes.js';
import { buildSessionIndex, type SessionIndex } from './sessions.js';

export { resolveActor } from './actor.js';
export { buildSessionIndex } from './sessions.js';

/**
 * The correlate stage: the configuration changes of the period, each attributed to the API call
 * that caused it and to the identity behind that call; and the failed calls, which are never a
 * cause but always evidence. Pure and deterministic.
 */
export function correlate(evidence: Evidence, opts: CorrelationOptions): Correlation {
  const sessions = buildSessionIndex(evidence.events);
  const itemChanges = findChanges(evidence.items, evidence.period);
  const index = new EventIndex(evidence.events, tokensOf(itemChanges));
  const changes: Change[] = itemChanges.map((c) => {
    const { attribution, event } = attribute(c, index, opts.windowMs);
    const { item } = c;
    const change: Change = {
      id: changeId(item),
      accountId: item.accountId,
      region: item.region,
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      captureTime: item.captureTime,
      changeType: c.changeType,
      summary: c.summary,
      diff: c.diff,
      attribution,
      actor: event ? resolveActor(event, sessions) : null,
    };
    if (item.resourceName) change.resourceName = item.resourceName;
    if (item.arn) change.arn = item.arn;
    if (c.previous) change.previousCaptureTime = c.previous.captureTime;
    return change;
  });
  return { changes, failedCalls: failedCalls(evidence, sessions) };
}

/** A call that failed: an error code, or a console sign-in that reports Failure (it has no error code). */
export function isFailedCall(e: CloudTrailEvent): boolean {
  if (e.errorCode) return true;
  const r = e.responseElements;
  return e.eventName === 'ConsoleLogin' && typeof r === 'object' && r !== null && (r as Record<string, unknown>).ConsoleLogin === 'Failure';
}

export function eventRef(e: CloudTrailEvent, sessions: SessionIndex): EventRef {
  const ref: EventRef = {
    eventId: e.eventId,
    eventTime: e.eventTime,
    eventSource: e.eventSource,
    eventName: e.eventName,
    accountId: e.accountId,
    awsRegion: e.awsRegion,
    actor: resolveActor(e, sessions),
  };
  if (e.errorCode) ref.errorCode = e.errorCode;
  if (e.errorMessage) ref.errorMessage = e.errorMessage;
  if (e.sourceIPAddress) ref.sourceIPAddress = e.sourceIPAddress;
  return ref;
}

function failedCalls(evidence: Evidence, sessions: SessionIndex): EventRef[] {
  const { startMs, endMs } = evidence.period;
  return evidence.events
    .filter((e) => e.eventTimeMs >= startMs && e.eventTimeMs < endMs && isFailedCall(e))
    // Ties (the same time and id in two accounts: AWS's samples reuse ids) by what the event says, not by where it was read.
    .sort((a, b) => a.eventTimeMs - b.eventTimeMs || cmp(a.eventId, b.eventId) || cmp(a.accountId, b.accountId) || cmp(a.awsRegion, b.awsRegion) || cmp(a.eventName, b.eventName))
    .map((e) => eventRef(e, sessions));
}
