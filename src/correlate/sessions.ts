import type { CloudTrailEvent } from '../model/types.js';
import { cmp, sessionRecord } from '../store/index.js';

/** STS calls whose responses hand out temporary credentials. */
export const ISSUING_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);

/**
 * Where each temporary credential came from: the successful STS call whose response carried the
 * access key, and, as a fallback for sessions whose key is not seen, the calls that created a given
 * `AROA…:session` (matched by the session's creation time).
 */
export interface SessionIndex {
  /** Every call that handed out a key, oldest first: masked keys (`ASIA…XXXX`) repeat across sessions. */
  byAccessKey: Map<string, CloudTrailEvent[]>;
  byAssumedRoleId: Map<string, CloudTrailEvent[]>;
}

/** A JSON object as a record, or undefined for anything else (arrays and null included). */
export function obj(v: unknown): Record<string, unknown> | undefined {
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

export function buildSessionIndex(events: Iterable<CloudTrailEvent>): SessionIndex {
  const issuing = [...events].filter(isIssuing).sort((a, b) => a.eventTimeMs - b.eventTimeMs || cmp(a.eventId, b.eventId));
  const window = new SessionWindow();
  for (const e of issuing) window.add(e);
  return window;
}

/** A successful STS call that handed out temporary credentials. */
export function isIssuing(e: CloudTrailEvent): boolean {
  return ISSUING_EVENTS.has(e.eventName) && e.eventSource === 'sts.amazonaws.com' && !e.errorCode;
}

/** The longest temporary credentials STS issues (GetFederationToken, GetSessionToken): 36 hours. */
const LONGEST_SESSION_MS = 36 * 3_600_000;
/**
 * How long after its credentials expired a session is still held: a call of a role chain explains
 * a later session's call (the store keeps issuing calls from 48 h before the period for the same reason).
 */
const HELD_AFTER_EXPIRY_MS = 48 * 3_600_000;
/** How often (in event time) a window lets go of the sessions it no longer needs. */
const SWEEP_MS = 3_600_000;
const HOUR_MS = 3_600_000;

/**
 * The sessions of a pass over events in time order: the issuing calls are added as they pass, and
 * let go of 48 h after their credentials expired (36 h after they were issued when the response
 * gives no expiration), so memory follows the sessions alive at a time, not all of the period's.
 * A use after expiry cannot match its issuer anyway (canIssue).
 */
export class SessionWindow implements SessionIndex {
  readonly byAccessKey = new Map<string, CloudTrailEvent[]>();
  readonly byAssumedRoleId = new Map<string, CloudTrailEvent[]>();
  /** The issuing calls by the hour they may be let go of. */
  private readonly retiring = new Map<number, CloudTrailEvent[]>();
  private sweptMs = -Infinity;

  /** Takes an issuing call of the pass, as a session record (the rest of the call is not read). */
  add(call: CloudTrailEvent): void {
    const e = sessionRecord(call);
    const key = issuedAccessKey(e);
    if (key) push(this.byAccessKey, key, e);
    const roleId = issuedAssumedRoleId(e);
    if (roleId) push(this.byAssumedRoleId, roleId, e);
    const until = (issuedSession(e).expiresMs ?? e.eventTimeMs + LONGEST_SESSION_MS) + HELD_AFTER_EXPIRY_MS;
    push(this.retiring, Math.floor(until / HOUR_MS), e);
  }

  /** Lets go of the sessions no call at `nowMs` or later can need. */
  release(nowMs: number): void {
    if (nowMs < this.sweptMs + SWEEP_MS) return;
    this.sweptMs = nowMs;
    const gone = new Set<CloudTrailEvent>();
    for (const [hour, list] of this.retiring) {
      if ((hour + 1) * HOUR_MS > nowMs) continue;
      for (const e of list) gone.add(e);
      this.retiring.delete(hour);
    }
    if (gone.size === 0) return;
    const keys = new Set<string>();
    const roleIds = new Set<string>();
    for (const e of gone) {
      const key = issuedAccessKey(e);
      if (key) keys.add(key);
      const roleId = issuedAssumedRoleId(e);
      if (roleId) roleIds.add(roleId);
    }
    for (const [map, ks] of [[this.byAccessKey, keys], [this.byAssumedRoleId, roleIds]] as const) {
      for (const k of ks) {
        const kept = map.get(k)!.filter((e) => !gone.has(e));
        if (kept.length === 0) map.delete(k);
        else map.set(k, kept);
      }
    }
  }
}

function push<K>(map: Map<K, CloudTrailEvent[]>, k: K, e: CloudTrailEvent): void {
  const list = map.get(k);
  if (list) list.push(e);
  else map.set(k, [e]);
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

/** The session a credential-issuing call created: its assumed-role ARN and when its keys expire. */
function issuedSession(e: CloudTrailEvent): { arn?: string; expiresMs?: number } {
  const resp = obj(e.responseElements);
  const arn = obj(resp?.assumedRoleUser)?.arn ?? obj(resp?.federatedUser)?.arn;
  const expiration = obj(resp?.credentials)?.expiration;
  const expiresMs = typeof expiration === 'string' ? parseCreationDate(expiration) : typeof expiration === 'number' ? (expiration < 1e11 ? expiration * 1000 : expiration) : undefined;
  return { ...(typeof arn === 'string' && arn ? { arn } : {}), ...(expiresMs !== undefined ? { expiresMs } : {}) };
}

/** The call using the session: when, and as which session ARN. */
export interface SessionUse {
  accessKeyId?: string;
  principalId?: string;
  creationDate?: string;
  /** The caller's `userIdentity.arn`. */
  arn?: string;
  timeMs: number;
}

/**
 * Whether an issuing call can be the one behind a use of its key: issued no later than the use
 * (a minute of clock skew), the use before the credentials expired, and the session ARN the same
 * where both are known. Keys alone are not enough: exports shared for audits and SIEM copies mask
 * them, and one masked key then stands for many sessions.
 */
function canIssue(issuer: CloudTrailEvent, use: SessionUse): boolean {
  if (issuer.eventTimeMs > use.timeMs + ISSUE_SKEW_MS) return false;
  const session = issuedSession(issuer);
  if (session.expiresMs !== undefined && use.timeMs > session.expiresMs + ISSUE_SKEW_MS) return false;
  return !(session.arn && use.arn && session.arn !== use.arn);
}

/** Clock skew allowed between an STS call and the first use of what it issued. */
export const ISSUE_SKEW_MS = 60_000;

/**
 * The issuing call of a session: by access key (the latest issuing call that can have issued it),
 * else by assumed-role id closest to its creation. Undefined when no call fits: the chain then
 * stops, unresolved, rather than name an origin the data does not support.
 */
export function findIssuer(sessions: SessionIndex, use: SessionUse): CloudTrailEvent | undefined {
  if (use.accessKeyId) {
    const fitting = (sessions.byAccessKey.get(use.accessKeyId) ?? []).filter((e) => canIssue(e, use));
    const latest = fitting[fitting.length - 1];
    // A cross-account call is delivered to both accounts under one sharedEventID; the role owner's
    // copy names only the caller's account (an AWSAccount identity): take the caller's copy.
    if (latest) return fitting.find((e) => e.eventTimeMs === latest.eventTimeMs && e.userIdentity.type !== 'AWSAccount') ?? latest;
  }
  if (!use.principalId) return undefined;
  const candidates = sessions.byAssumedRoleId.get(use.principalId);
  const created = parseCreationDate(use.creationDate);
  if (!candidates || created === undefined) return undefined;
  // The STS call happens when the session is created: pick the call nearest to creationDate.
  let best: CloudTrailEvent | undefined;
  for (const c of candidates) {
    if (!canIssue(c, use)) continue;
    const d = Math.abs(c.eventTimeMs - created);
    if (d <= CREATION_SKEW_MS && (!best || d < Math.abs(best.eventTimeMs - created))) best = c;
  }
  return best;
}
