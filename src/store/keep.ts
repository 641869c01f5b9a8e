import type { Period } from '../model/types.js';

/** STS calls whose responses hand out credentials: the links of an actor chain. */
export const SESSION_ISSUING_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);

/** Event sources whose successful read-only calls the activity checks need (sign-ins). */
const ACTIVITY_SOURCES = new Set(['signin.amazonaws.com']);

const HOUR_MS = 3_600_000;

/** The bounds that decide which CloudTrail events are evidence. Plain data: it crosses to workers. */
export interface KeepRule {
  startMs: number;
  endMs: number;
  /** Writes from this time on can cause an in-period change (the attribution window). */
  writeFromMs: number;
  /** STS calls from this time on can have issued a session used in the period. */
  sessionFromMs: number;
}

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
}

/**
 * Whether an event is evidence: writes (from the attribution window before the period), session-
 * issuing STS calls (from the session margin), and, inside the period, failed calls, sign-ins and
 * any use of the root user. Read-only successes are only counted.
 */
export function keepsEvent(e: KeepFields, r: KeepRule): boolean {
  const t = e.eventTimeMs;
  if (t >= r.endMs) return false;
  if (SESSION_ISSUING_EVENTS.has(e.eventName) && e.eventSource === 'sts.amazonaws.com') return t >= r.sessionFromMs;
  if (t < r.writeFromMs) return false;
  if (e.errorCode) return t >= r.startMs;
  if (ACTIVITY_SOURCES.has(e.eventSource)) return t >= r.startMs;
  if (e.userType === 'Root') return t >= r.startMs;
  return e.readOnly !== true;
}
