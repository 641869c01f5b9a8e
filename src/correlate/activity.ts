import type { ActivityEvent } from '../controls/model.js';
import type { Evidence } from '../model/types.js';
import { resolveActor } from './actor.js';
import { buildSessionIndex } from './sessions.js';

/** The CloudTrail events inside the period, each with the identity behind it: what activity checks read. */
export function activityOf(evidence: Evidence): ActivityEvent[] {
  const sessions = buildSessionIndex(evidence.events);
  const { startMs, endMs } = evidence.period;
  return evidence.events.filter((e) => e.eventTimeMs >= startMs && e.eventTimeMs < endMs).map((event) => ({ event, actor: resolveActor(event, sessions) }));
}
