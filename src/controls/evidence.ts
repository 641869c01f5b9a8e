import type { Change, ConfigItem, Correlation, Coverage, Evidence } from '../model/types.js';
import { configRuleResults } from '../report/build.js';
import { cmp, resourceKey } from '../store/index.js';
import { GONE } from './checks/util.js';
import type { ActivityContext, ActivityEvent, ControlEvidence } from './model.js';


export interface ControlEvidenceOptions {
  activity: Iterable<ActivityEvent>;
  authorizedPrincipals?: string[];
  /** Where the evidence has holes; none when not given. */
  coverage?: Coverage;
  /** Why the CloudTrail events' integrity is unknown (engine rows without `--verified`); none when it is not. */
  trailUnverified?: string;
}

/** Prepares, once, the read-only view of the evidence that every check evaluates against. */
export function buildControlEvidence(evidence: Evidence, correlation: Correlation, opts: ControlEvidenceOptions): ControlEvidence {
  return withCorrelation(controlContext(evidence, opts), correlation, opts.activity);
}

/** The view of the evidence but the changes: what the activity queries are built from, before the correlate stage's pass. */
export function controlContext(evidence: Evidence, opts: Omit<ControlEvidenceOptions, 'activity'>): ActivityContext {
  const timelines = new Map<string, ConfigItem[]>();
  const configRegions = new Set<string>();
  for (const item of evidence.items) {
    configRegions.add(`${item.accountId}|${item.region}`);
    const key = resourceKey(item);
    const list = timelines.get(key);
    if (list) list.push(item);
    else timelines.set(key, [item]);
  }
  const byType = new Map<string, ConfigItem[]>();
  const timelinesByType = new Map<string, ConfigItem[][]>();
  for (const [, list] of [...timelines].sort((a, b) => cmp(a[0], b[0]))) {
    const last = list[list.length - 1]!;
    const t = timelinesByType.get(last.resourceType);
    if (t) t.push(list);
    else timelinesByType.set(last.resourceType, [list]);
    if (GONE.has(last.status)) continue;
    const l = byType.get(last.resourceType);
    if (l) l.push(last);
    else byType.set(last.resourceType, [last]);
  }
  const trailRegions = new Set<string>();
  const trailAccounts = new Set<string>();
  for (const [key, place] of evidence.events.places) {
    trailRegions.add(key);
    if (place.latestMs >= evidence.period.startMs) trailAccounts.add(place.accountId);
  }
  // Data events are the period's: counted, not kept.
  const dataEvents = evidence.dataEvents.groups;
  for (const g of dataEvents) {
    trailRegions.add(`${g.accountId}|${g.region}`);
    trailAccounts.add(g.accountId);
  }
  const accounts = [...new Set([...evidence.items.map((i) => i.accountId), ...[...evidence.events.places.values()].map((p) => p.accountId), ...dataEvents.map((g) => g.accountId)])].sort(cmp);

  return {
    period: evidence.period,
    accounts,
    configRegions,
    trailRegions,
    trailAccounts,
    endState: (type) => byType.get(type) ?? [],
    timelines: (type) => timelinesByType.get(type) ?? [],
    timeline: (item) => timelines.get(resourceKey(item)) ?? [],
    dataEvents,
    credentialReports: evidence.credentialReports ?? [],
    configRuleResults: configRuleResults(evidence),
    authorizedPrincipals: opts.authorizedPrincipals ?? [],
    coverage: opts.coverage ?? { expected: { accounts, regions: [] }, declared: { accounts: false, regions: false }, cells: [], gaps: [] },
    ...(opts.trailUnverified !== undefined ? { trailUnverified: opts.trailUnverified } : {}),
  };
}

/** The view of the evidence with the changes the correlate stage found, and the activity (a pass per iteration). */
export function withCorrelation(context: ActivityContext, correlation: Correlation, activity: Iterable<ActivityEvent>): ControlEvidence {
  const changeByState = new Map<string, Change>();
  for (const c of correlation.changes) changeByState.set(`${resourceKey(c)}|${c.captureTime}`, c);
  return {
    ...context,
    changeFor: (item) => changeByState.get(`${resourceKey(item)}|${item.captureTime}`),
    changes: correlation.changes,
    activity,
  };
}
