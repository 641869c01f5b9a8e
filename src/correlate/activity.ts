import type { ActivityEvent } from '../controls/model.js';
import type { Actor, CloudTrailEvent, Evidence } from '../model/types.js';
import { resolveActor } from './actor.js';
import { isIssuing, ISSUE_SKEW_MS, SessionWindow } from './sessions.js';

/** An event of a pass, with the identity behind it when the pass asked for it. */
export interface Resolved {
  event: CloudTrailEvent;
  actor?: Actor;
}

/**
 * One pass over events in time order (the store's kept events), each handed on in that order, with
 * its actor when `want` says so. The sessions are those of the pass so far (a SessionWindow), and an
 * event is resolved only once the pass is a minute past it: an issuing call can be logged up to a
 * minute after the first use of its key (the skew canIssue allows).
 */
export function* withActors(events: Iterable<CloudTrailEvent>, want: (e: CloudTrailEvent) => boolean): Generator<Resolved> {
  const sessions = new SessionWindow();
  const pending: CloudTrailEvent[] = [];
  let head = 0;
  const settle = (e: CloudTrailEvent): Resolved => {
    sessions.release(e.eventTimeMs);
    return want(e) ? { event: e, actor: resolveActor(e, sessions) } : { event: e };
  };
  for (const e of events) {
    if (isIssuing(e)) sessions.add(e);
    pending.push(e);
    while (pending[head]!.eventTimeMs + ISSUE_SKEW_MS < e.eventTimeMs) yield settle(pending[head++]!);
    if (head >= 4096) {
      pending.splice(0, head);
      head = 0;
    }
  }
  while (head < pending.length) yield settle(pending[head++]!);
}

/**
 * The CloudTrail events inside the period, each with the identity behind it: what activity checks
 * read. Each iteration is a pass over the kept events (from disk when they were spilled).
 */
export function activityOf(evidence: Pick<Evidence, 'events' | 'period'>): Iterable<ActivityEvent> {
  const { startMs, endMs } = evidence.period;
  const inPeriod = (e: CloudTrailEvent) => e.eventTimeMs >= startMs && e.eventTimeMs < endMs;
  return {
    *[Symbol.iterator]() {
      for (const { event, actor } of withActors(evidence.events, inPeriod)) if (actor) yield { event, actor };
    },
  };
}
