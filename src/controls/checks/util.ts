import type { Actor, ConfigItem, ControlStatus, DataEventGroup, Deviation, Finding } from '../../model/types.js';
import type { ActivityEvent, CheckResult, ControlEvidence } from '../model.js';

/**
 * Building blocks shared by checks: turning per-resource verdicts into a result, and reading the
 * common shapes of AWS Config items. Keep checks themselves short and declarative.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Reads a nested field by path, e.g. `get(cfg, 'metadataOptions', 'httpTokens')`. */
export function get(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Config's booleans arrive as booleans or as "true"/"false" strings depending on the resource type. */
export function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'TRUE' || v === 'True';
}

/** IAM policy documents in Config items are URL-encoded JSON strings; accept objects too. */
export function policyDocument(v: unknown): Obj | undefined {
  if (isObj(v)) return v;
  if (typeof v !== 'string') return undefined;
  for (const text of [v, safeDecode(v)]) {
    try {
      const doc = JSON.parse(text) as unknown;
      if (isObj(doc)) return doc;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function statements(doc: Obj | undefined): Obj[] {
  if (!doc) return [];
  const s = doc.Statement;
  return (Array.isArray(s) ? s : [s]).filter(isObj);
}

export function listOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

/** Display label of a resource: `name (id)` when they differ. */
export function label(item: Pick<ConfigItem, 'resourceId' | 'resourceName'>): string {
  return item.resourceName && item.resourceName !== item.resourceId ? `${item.resourceName} (${item.resourceId})` : item.resourceId;
}

/** A short description of who made a change: origin and, when different, the acting role. */
export function describeActor(actor: Actor | null | undefined): string | undefined {
  if (!actor) return undefined;
  const acting = actor.chain.length > 1 ? actor.chain[actor.chain.length - 1] : undefined;
  // The acting role's account where the origin's name does not carry it (an SSO user, a subject).
  const account = acting?.accountId && !acting.name.includes(acting.accountId) ? ` in ${acting.accountId}` : '';
  const via = acting && acting.name !== actor.origin ? ` via ${acting.name}${account}` : '';
  // A service that called with the principal's credentials (CloudFormation for a stack's caller).
  const through = actor.invokedBy ? ` through ${actor.invokedBy}` : '';
  return `${actor.origin}${via}${through}`;
}

/** A verdict over one recorded state of a resource: the failing fact, or undefined when it complies. */
export type Verdict = (item: ConfigItem) => string | undefined;

/** Statuses of an item that records no state: the resource is gone, or no longer recorded. */
export const GONE = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded']);

/** What a verdict says of one resource's timeline (see walkTimeline). */
export interface TimelineVerdict {
  /** The failing fact at the end of the period, with the state that introduced it. */
  open?: { fact: string; since: ConfigItem };
  /** Failing stretches that ended inside the period: fixed, or the resource deleted. */
  closed: { fact: string; opened: ConfigItem; closed: ConfigItem }[];
}

/**
 * Walks one resource's recorded states, oldest first, with a verdict. The cause of the failing fact
 * at the end is the earliest state after which that same fact held without interruption: a later
 * change that leaves it as it was (a tag, another rule) is not its cause. A failing stretch that
 * ends inside the period is a closed deviation. A deleted resource holds no fact; an oversized item
 * (no configuration body) cannot clear one, since its state is unknown.
 */
export function walkTimeline(ev: ControlEvidence, timeline: ConfigItem[], verdict: Verdict): TimelineVerdict {
  const closed: TimelineVerdict['closed'] = [];
  let failing: { fact: string; opened: ConfigItem } | undefined;
  let open: TimelineVerdict['open'];
  for (const item of timeline) {
    const fact = GONE.has(item.status) ? undefined : verdict(item);
    if (fact === undefined) {
      if (item.oversized && !GONE.has(item.status)) continue;
      if (failing && item.captureTimeMs >= ev.period.startMs) closed.push({ ...failing, closed: item });
      failing = undefined;
      open = undefined;
      continue;
    }
    if (!failing) failing = { fact, opened: item };
    if (open?.fact !== fact) open = { fact, since: item };
  }
  return { open, closed };
}

/** The in-period change that produced a state, and who made it; undefined for a state from before the period. */
function causeOf(ev: ControlEvidence, item: ConfigItem): Pick<Finding, 'changeId' | 'eventId' | 'actor'> & { text: string } {
  if (item.captureTimeMs < ev.period.startMs) return { text: `since before the period; first seen ${item.captureTime}` };
  const change = ev.changeFor(item);
  if (!change) return { text: `since ${item.captureTime}; no recorded change` };
  const who = describeActor(change.actor);
  const out: Pick<Finding, 'changeId' | 'eventId' | 'actor'> & { text: string } = {
    changeId: change.id,
    text: ['since ', change.captureTime, ', ', ...(who ? [change.attribution.eventName ?? change.changeType, ' by ', who] : [change.changeType, ', actor not attributed'])].join(''),
  };
  if (change.attribution.eventId) out.eventId = change.attribution.eventId;
  if (change.actor) out.actor = change.actor;
  return out;
}

/**
 * A finding about a resource's end-of-period state. Given `since`, the state that introduced the
 * fact (walkTimeline), it names that change, its time and its actor, or says the fact held before
 * the period; without it, the finding speaks only of the state as recorded.
 */
export function resourceFinding(ev: ControlEvidence, item: ConfigItem, status: ControlStatus, fact: string, since?: ConfigItem): Finding {
  const f: Finding = { resourceId: item.resourceId, resourceType: item.resourceType, status, detail: '' };
  const where = [label(item), ' in ', item.accountId, '/', item.region, ': ', fact];
  if (since) {
    const cause = causeOf(ev, since);
    f.time = since.captureTime;
    if (since.captureTimeMs < ev.period.startMs) f.sinceBeforePeriod = true;
    if (cause.changeId) f.changeId = cause.changeId;
    if (cause.eventId) f.eventId = cause.eventId;
    if (cause.actor) f.actor = cause.actor;
    f.detail = [...where, ' (', cause.text, ')'].join('');
  } else {
    f.time = item.captureTime;
    f.detail = [...where, ' (as recorded at ', item.captureTime, ')'].join('');
  }
  return f;
}

/** A closed deviation: a failing fact that held for a while inside the period and then ended. */
export function deviationOf(ev: ControlEvidence, item: ConfigItem, d: TimelineVerdict['closed'][number]): Deviation {
  const opened = causeOf(ev, d.opened);
  const closedChange = ev.changeFor(d.closed);
  const out: Deviation = {
    accountId: item.accountId,
    region: item.region,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    fact: d.fact,
    opened: d.opened.captureTime,
    closed: d.closed.captureTime,
    durationMs: d.closed.captureTimeMs - d.opened.captureTimeMs,
    closedBy: GONE.has(d.closed.status) ? 'deleted' : 'fixed',
  };
  if (d.opened.captureTimeMs < ev.period.startMs) out.openedBeforePeriod = true;
  if (opened.changeId) out.openedChangeId = opened.changeId;
  if (opened.eventId) out.openedEventId = opened.eventId;
  if (opened.actor) out.openedActor = opened.actor.origin;
  if (closedChange) {
    out.closedChangeId = closedChange.id;
    if (closedChange.attribution.eventId) out.closedEventId = closedChange.attribution.eventId;
    if (closedChange.actor) out.closedActor = closedChange.actor.origin;
  }
  return out;
}

/**
 * A finding about one CloudTrail event. Its detail is joined, not written as a template literal: a
 * template leaves a chain of pieces (three times the memory), and activity findings come by the
 * tens of thousands.
 */
export function activityFinding(a: ActivityEvent, status: ControlStatus, what: string): Finding {
  const e = a.event;
  return {
    resourceId: e.eventId,
    resourceType: 'AWS::CloudTrail::Event',
    status,
    detail: [what, ': ', e.eventSource.replace('.amazonaws.com', ''), ':', e.eventName, ' at ', e.eventTime, ' in ', e.accountId, '/', e.awsRegion, ' by ', describeActor(a.actor) ?? 'unknown', e.errorCode ? ` (${e.errorCode})` : ''].join(''),
    time: e.eventTime,
    actor: a.actor,
  };
}

/** Sample event ids a grouped activity finding names (the rest: activity.csv and `configtrail query`). */
export const ACTIVITY_SAMPLES = 3;

interface ActivityGroup {
  first: ActivityEvent;
  status: ControlStatus;
  what: string;
  count: number;
  last: ActivityEvent;
  samples: string[];
}

/**
 * Findings about CloudTrail events, grouped as the events pass: one per group of events with the
 * same status, verdict, actor, API, account and region. An automation role's hundred thousand calls
 * are one finding with its count, first and last time and earliest event ids, not a hundred
 * thousand; memory follows the groups, not the calls. A group of one is the event's own finding.
 * Events are added in time order (as the activity is read), so the first are the earliest; findings
 * come in the order of each group's first event.
 */
export class ActivityGrouper {
  private readonly groups = new Map<string, ActivityGroup>();

  add(a: ActivityEvent, status: ControlStatus, what: string): void {
    const e = a.event;
    const key = [status, what, a.actor.origin, e.eventSource, e.eventName, e.accountId, e.awsRegion, e.errorCode ?? ''].join('\u0000');
    const g = this.groups.get(key);
    if (!g) this.groups.set(key, { first: a, status, what, count: 1, last: a, samples: [e.eventId] });
    else {
      g.count++;
      g.last = a;
      if (g.samples.length < ACTIVITY_SAMPLES) g.samples.push(e.eventId);
    }
  }

  findings(): Finding[] {
    return [...this.groups.values()].map(groupFinding);
  }
}

function groupFinding(g: ActivityGroup): Finding {
  const one = activityFinding(g.first, g.status, g.what);
  if (g.count === 1) return one;
  const e = g.first.event;
  return {
    ...one,
    detail: [g.what, ': ', String(g.count), ' calls ', e.eventSource.replace('.amazonaws.com', ''), ':', e.eventName, ' from ', e.eventTime, ' to ', g.last.event.eventTime, ' in ', e.accountId, '/', e.awsRegion, ' by ', describeActor(g.first.actor) ?? 'unknown', e.errorCode ? ` (${e.errorCode})` : '', '; e.g. ', g.samples.join(', ')].join(''),
    count: g.count,
    lastTime: g.last.event.eventTime,
    sampleEventIds: g.samples,
  };
}

/**
 * A finding about a group of data events (counted, not kept: store/data-events.ts): the group's
 * API, place, actor and count, with its earliest event as the one to look up (the others in
 * data-events.csv).
 */
export function dataEventFinding(g: DataEventGroup, status: ControlStatus, what: string): Finding {
  const first = g.samples[0];
  const out: Finding = {
    resourceId: `${g.accountId}/${g.region}/${g.eventSource.replace('.amazonaws.com', '')}:${g.eventName}`,
    resourceType: 'AWS::CloudTrail::DataEvents',
    status,
    detail: [what, ': ', String(g.count), ' data event(s) ', g.eventSource.replace('.amazonaws.com', ''), ':', g.eventName, ' in ', g.accountId, '/', g.region, ' by ', g.actor || 'unknown', g.actorType ? ` (${g.actorType})` : '', g.errorCode ? ` (${g.errorCode})` : '', '; samples ', g.samples.map((s) => s[1]).join(', ')].join(''),
  };
  if (first) {
    out.time = new Date(first[0]).toISOString();
    out.eventId = first[1];
  }
  return out;
}

/**
 * Evaluates a per-resource verdict over every recorded state of the given types: NOT_APPLICABLE when
 * no such resource exists at the end of the period, FAIL when any fails then, else PASS. Each
 * failing finding cites the change that introduced its fact; failing stretches fixed (or deleted)
 * inside the period are returned as closed deviations whatever the end status.
 */
export function perResource(ev: ControlEvidence, resourceTypes: string[], verdict: Verdict, what: string): CheckResult {
  const findings: Finding[] = [];
  const deviations: Deviation[] = [];
  let present = 0;
  for (const type of resourceTypes) {
    for (const timeline of ev.timelines(type)) {
      const last = timeline[timeline.length - 1]!;
      const walk = walkTimeline(ev, timeline, verdict);
      for (const d of walk.closed) deviations.push(deviationOf(ev, last, d));
      if (GONE.has(last.status)) continue;
      present++;
      if (walk.open) findings.push(resourceFinding(ev, last, 'FAIL', walk.open.fact, walk.open.since));
    }
  }
  const closedText = deviations.length > 0 ? `; ${deviations.length} deviation${deviations.length === 1 ? '' : 's'} opened and closed during the period` : '';
  const withDeviations = deviations.length > 0 ? { deviations } : {};
  if (present === 0) {
    if (ev.configRegions.size === 0) return insufficient('no AWS Config data in the input');
    return { status: 'NOT_APPLICABLE', findings: [], reason: `no ${resourceTypes.join(' or ')} recorded at the end of the period${closedText}`, ...withDeviations };
  }
  if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} of ${present} ${what} fail at the end of the period${closedText}`, ...withDeviations };
  return { status: 'PASS', findings: [], reason: `all ${present} ${what} pass at the end of the period${closedText}`, ...withDeviations };
}

export function insufficient(reason: string): CheckResult {
  return { status: 'INSUFFICIENT_DATA', findings: [], reason };
}

/** Account and region pairs where AWS Config recorded data: where a per-region check can speak. */
export function configuredRegions(ev: ControlEvidence): { accountId: string; region: string }[] {
  return [...ev.configRegions]
    .sort()
    .map((k) => {
      const [accountId = '', region = ''] = k.split('|');
      return { accountId, region };
    })
    .filter((r) => r.region !== 'global');
}

/**
 * For every account and region with AWS Config data, whether a resource of `type` satisfying `ok`
 * is recorded there: per-region services that must be on everywhere (Access Analyzer, Security Hub).
 */
export function regionalPresence(ev: ControlEvidence, type: string, ok: (item: ConfigItem) => boolean, what: string): CheckResult {
  const regions = configuredRegions(ev);
  if (regions.length === 0) return insufficient('no AWS Config data in the input');
  const present = ev.endState(type).filter(ok);
  const findings: Finding[] = regions
    .filter((r) => !present.some((p) => p.accountId === r.accountId && p.region === r.region))
    .map((r) => ({ resourceId: `${r.accountId}/${r.region}`, resourceType: type, status: 'FAIL', detail: `${r.accountId}/${r.region}: no ${what} recorded` }));
  return findings.length > 0
    ? { status: 'FAIL', findings, reason: `${findings.length} of ${regions.length} account regions lack ${what}` }
    : { status: 'PASS', findings: [], reason: `${what} in all ${regions.length} account regions with AWS Config data` };
}
