import type { Actor, DataEventGroup, Finding } from '../../../model/types.js';
import { apiName } from '../../../store/keep.js';
import type { ActivityEvent, ActivityQuery, Check, CheckMeta, CheckResult, ControlEvidence } from '../../model.js';
import { dataEventFinding, describeActor, insufficient } from '../util.js';

/**
 * Whether an actor is among the authorised principals: any of its origin, ARN, or any link of its
 * chain (name or ARN) equals an entry, or starts with an entry that ends in `*`.
 */
export function isAuthorised(actor: Actor | null | undefined, principals: string[]): boolean {
  if (!actor) return false;
  const names = [actor.origin, actor.arn, ...actor.chain.flatMap((s) => [s.name, s.arn])].filter((n): n is string => !!n);
  return principals.some((p) => (p.endsWith('*') ? names.some((n) => n.startsWith(p.slice(0, -1))) : names.includes(p)));
}

type Matcher = (a: ActivityEvent) => boolean;

/** Calls of `source` to any of the APIs `names`, however the event name carries the API version. */
export function calls(source: string, names: string[]): Matcher {
  const set = new Set(names);
  return (a) => a.event.eventSource === source && set.has(apiName(a.event.eventName));
}

function noTrail(ev: ControlEvidence): CheckResult | undefined {
  return ev.trailAccounts.size === 0 ? insufficient('no CloudTrail events in the period') : undefined;
}

/**
 * Activity that should not happen (root use, trail tampering…): FAIL listing every matching event,
 * and every matching group of data events (`dataMatch`: they are counted, not kept), PASS when
 * CloudTrail covers the period and none occurred.
 */
export function dangerousActivity(meta: Omit<CheckMeta, 'needs' | 'resourceTypes'>, match: Matcher, what: string, dataMatch?: (g: DataEventGroup) => boolean): Check {
  const verdict = { status: 'FAIL', what } as const;
  const query: ActivityQuery = { match, judge: () => verdict };
  return {
    meta: { ...meta, resourceTypes: [], needs: ['cloudtrail'] },
    activity: () => query,
    evaluate: (ev, hits) => {
      const missing = noTrail(ev);
      if (missing) return missing;
      const groups = dataMatch ? ev.dataEvents.filter(dataMatch) : [];
      if (hits.count === 0 && groups.length === 0) return { status: 'PASS', findings: [], reason: `no ${what} in the period across ${ev.trailAccounts.size} account(s) with CloudTrail events` };
      const dataCount = groups.reduce((n, g) => n + g.count, 0);
      const data = groups.length > 0 ? `${hits.count > 0 ? ' and' : ''} ${dataCount} data event(s) in ${groups.length} group(s)` : '';
      return {
        status: 'FAIL',
        findings: [...hits.findings, ...groups.map((g) => dataEventFinding(g, 'FAIL', what))],
        reason: `${hits.count > 0 ? `${hits.count} ${what} event(s)` : ''}${data} in the period`,
      };
    },
  };
}

/**
 * Changes that must be tracked (CIS "changes are monitored"): configtrail is the monitor. Every
 * successful matching call is listed as evidence; with --authorized-principals, calls by anyone
 * else fail the check.
 */
export function trackedChanges(meta: Omit<CheckMeta, 'needs' | 'resourceTypes'>, match: Matcher, what: string): Check {
  const authorised = { status: 'PASS', what } as const;
  const unauthorised = { status: 'FAIL', what: `${what} by a principal not authorised to make changes` } as const;
  return {
    meta: { ...meta, resourceTypes: [], needs: ['cloudtrail'] },
    activity: (ev) => {
      const principals = ev.authorizedPrincipals;
      return {
        match: (a) => !a.event.errorCode && match(a),
        judge: (a) => (principals.length === 0 || isAuthorised(a.actor, principals) ? authorised : unauthorised),
      };
    },
    evaluate: (ev, hits) => {
      const missing = noTrail(ev);
      if (missing) return missing;
      const findings: Finding[] = hits.findings;
      const bad = findings.reduce((n, f) => n + (f.status === 'FAIL' ? (f.count ?? 1) : 0), 0);
      if (bad > 0) return { status: 'FAIL', findings, reason: `${bad} of ${hits.count} ${what} event(s) made by principals outside --authorized-principals` };
      const who = ev.authorizedPrincipals.length > 0 ? ', all by authorised principals' : '';
      return { status: 'PASS', findings, reason: `${hits.count} ${what} event(s) recorded and attributed${who}` };
    },
  };
}

export { describeActor };
