import type { ActivityEvent } from '../controls/model.js';
import type { Actor, Change, CloudTrailEvent, Correlation, CorrelationOptions, EventRef, Evidence } from '../model/types.js';
import { withActors } from './activity.js';
import { EventIndex, attribute } from './attribute.js';
import { changeId, findChanges } from './changes.js';

export { resolveActor } from './actor.js';
export { buildSessionIndex } from './sessions.js';

/**
 * Failed calls report.json lists, the earliest: an automation role denied in a loop fails thousands
 * of times; the unauthorised-call check groups them, and activity.csv lists every one.
 */
export const FAILED_CALLS_LISTED = 1_000;

/**
 * The correlate stage: the configuration changes of the period, each attributed to the API call
 * that caused it and to the identity behind that call; and the failed calls, which are never a
 * cause but always evidence. Pure and deterministic. One pass over the kept events in time order:
 * the candidates for the changes (few) are indexed with their actors, the rest pass by. With
 * `activity`, the pass also hands it every call of the period with its actor, in time order (the
 * controls' queries: controls/evaluate.ts ActivityGathering), so the kept events are read once.
 */
export function correlate(evidence: Pick<Evidence, 'items' | 'events' | 'period'>, opts: CorrelationOptions, activity?: (a: ActivityEvent) => void): Correlation {
  const itemChanges = findChanges(evidence.items, evidence.period);
  const index = new EventIndex(itemChanges, opts.windowMs);
  const actors = new Map<CloudTrailEvent, Actor>();
  const { startMs, endMs } = evidence.period;
  const failedCalls: EventRef[] = [];
  let failedCallsTotal = 0;
  const inPeriod = (e: CloudTrailEvent) => e.eventTimeMs >= startMs && e.eventTimeMs < endMs;
  const isListedFailure = (e: CloudTrailEvent) => inPeriod(e) && isFailedCall(e);
  // An event is a candidate when the index takes it: resolve it then (the pass's sessions are those of its time).
  // The index holds its candidates; only theirs of the actors the pass resolves are kept.
  const candidates = new Set<CloudTrailEvent>();
  const wanted = (e: CloudTrailEvent) => {
    const candidate = index.add(e);
    if (candidate) candidates.add(e);
    const listed = isListedFailure(e) && ++failedCallsTotal <= FAILED_CALLS_LISTED;
    return candidate || listed || (activity !== undefined && inPeriod(e));
  };
  for (const { event, actor } of withActors(evidence.events, wanted)) {
    if (!actor) continue;
    if (candidates.has(event)) actors.set(event, actor);
    if (isListedFailure(event) && failedCalls.length < FAILED_CALLS_LISTED) failedCalls.push(eventRef(event, actor));
    if (activity && inPeriod(event)) activity({ event, actor });
  }
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
      actor: event ? (actors.get(event) ?? null) : null,
    };
    if (item.resourceName) change.resourceName = item.resourceName;
    if (item.arn) change.arn = item.arn;
    if (c.previous) change.previousCaptureTime = c.previous.captureTime;
    return change;
  });
  return { changes, failedCalls, failedCallsTotal };
}

/** A call that failed: an error code, or a console sign-in that reports Failure (it has no error code). */
export function isFailedCall(e: CloudTrailEvent): boolean {
  if (e.errorCode) return true;
  const r = e.responseElements;
  return e.eventName === 'ConsoleLogin' && typeof r === 'object' && r !== null && (r as Record<string, unknown>).ConsoleLogin === 'Failure';
}

export function eventRef(e: CloudTrailEvent, actor: Actor): EventRef {
  const ref: EventRef = {
    eventId: e.eventId,
    eventTime: e.eventTime,
    eventSource: e.eventSource,
    eventName: e.eventName,
    accountId: e.accountId,
    awsRegion: e.awsRegion,
    actor,
  };
  if (e.errorCode) ref.errorCode = e.errorCode;
  if (e.errorMessage) ref.errorMessage = e.errorMessage;
  if (e.sourceIPAddress) ref.sourceIPAddress = e.sourceIPAddress;
  return ref;
}
