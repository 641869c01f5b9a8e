import type { CloudTrailEvent } from '../model/types.js';
import { cmp } from '../store/index.js';

/** STS calls whose responses hand out temporary credentials. */
export const ISSUING_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);

/**
 * Where each temporary credential came from: the successful STS call whose response carried the
 * access key, and, as a fallback for sessions whose key is not seen, the calls that created a given
 * `AROA…:session` (matched by the session's creation time).
 */
export interface SessionIndex {
  byAccessKey: Map<string, CloudTrailEvent>;
  byAssumedRoleId: Map<string, CloudTrailEvent[]>;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function issuedAccessKey(e: CloudTrailEvent): string | undefined {
  const key = obj(obj(e.responseElements)?.credentials)?.accessKeyId;
  return typeof key === 'string' && key ? key : undefined;
}

export function issuedAssumedRoleId(e: CloudTrailEvent): string | undefined {
  const id = obj(obj(e.responseElements)?.assumedRoleUser)?.assumedRoleId;
  return typeof id === 'string' && id ? id : undefined;
}

export function buildSessionIndex(events: CloudTrailEvent[]): SessionIndex {
  const byAccessKey = new Map<string, CloudTrailEvent>();
  const byAssumedRoleId = new Map<string, CloudTrailEvent[]>();
  const issuing = events
    .filter((e) => ISSUING_EVENTS.has(e.eventName) && e.eventSource === 'sts.amazonaws.com' && !e.errorCode)
    .sort((a, b) => a.eventTimeMs - b.eventTimeMs || cmp(a.eventId, b.eventId));
  for (const e of issuing) {
    const key = issuedAccessKey(e);
    // A key is issued once; the earliest record wins if a copy appears in another account's trail.
    if (key && !byAccessKey.has(key)) byAccessKey.set(key, e);
    const roleId = issuedAssumedRoleId(e);
    if (roleId) {
      const list = byAssumedRoleId.get(roleId);
      if (list) list.push(e);
      else byAssumedRoleId.set(roleId, [e]);
    }
  }
  return { byAccessKey, byAssumedRoleId };
}

/**
 * Parses a session's `creationDate`: ISO 8601, or the compact `20131102T010628Z` some records carry.
 */
export function parseCreationDate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  }
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Allowed skew between an STS call's eventTime and the session's creationDate. */
const CREATION_SKEW_MS = 5 * 60_000;

/** The issuing call of a session: by access key, else by assumed-role id closest before its creation. */
export function findIssuer(sessions: SessionIndex, accessKeyId: string | undefined, principalId: string | undefined, creationDate: string | undefined): CloudTrailEvent | undefined {
  if (accessKeyId) {
    const hit = sessions.byAccessKey.get(accessKeyId);
    if (hit) return hit;
  }
  if (!principalId) return undefined;
  const candidates = sessions.byAssumedRoleId.get(principalId);
  const created = parseCreationDate(creationDate);
  if (!candidates || created === undefined) return undefined;
  // The STS call happens when the session is created: pick the call nearest to creationDate.
  let best: CloudTrailEvent | undefined;
  for (const c of candidates) {
    const d = Math.abs(c.eventTimeMs - created);
    if (d <= CREATION_SKEW_MS && (!best || d < Math.abs(best.eventTimeMs - created))) best = c;
  }
  return best;
}
