import type { Actor, ConfigItem, ControlStatus, Finding } from '../../model/types.js';
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
  const via = acting && acting.name !== actor.origin ? ` via ${acting.name}` : '';
  return `${actor.origin}${via}`;
}

/**
 * A finding about a resource's end-of-period state. When the failing state was produced by a change
 * in the period, the finding names the time, the change and the actor ("… at … by … via …").
 */
export function resourceFinding(ev: ControlEvidence, item: ConfigItem, status: ControlStatus, fact: string): Finding {
  const change = ev.changeFor(item);
  const detail = [label(item), ' in ', item.accountId, '/', item.region, ': ', fact];
  const f: Finding = { resourceId: item.resourceId, resourceType: item.resourceType, status, detail: '' };
  if (change) {
    f.time = change.captureTime;
    f.changeId = change.id;
    const who = describeActor(change.actor);
    detail.push(' (since ', change.captureTime, ', ', ...(who ? [change.attribution.eventName ?? change.changeType, ' by ', who] : ['actor not attributed']), ')');
    if (change.actor) f.actor = change.actor;
  } else {
    f.time = item.captureTime;
  }
  f.detail = detail.join('');
  return f;
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

/**
 * Evaluates a per-resource predicate over the end-of-period state of the given types:
 * NOT_APPLICABLE when there is no such resource, FAIL when any fails, else PASS.
 * `verdict` returns undefined for compliant resources, or the failing fact.
 */
export function perResource(ev: ControlEvidence, resourceTypes: string[], verdict: (item: ConfigItem) => string | undefined, what: string): CheckResult {
  const items = resourceTypes.flatMap((t) => ev.endState(t));
  if (items.length === 0) {
    if (ev.configRegions.size === 0) return insufficient('no AWS Config data in the input');
    return { status: 'NOT_APPLICABLE', findings: [], reason: `no ${resourceTypes.join(' or ')} recorded` };
  }
  const findings: Finding[] = [];
  for (const item of items) {
    const fact = verdict(item);
    if (fact !== undefined) findings.push(resourceFinding(ev, item, 'FAIL', fact));
  }
  if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} of ${items.length} ${what} fail` };
  return { status: 'PASS', findings: [], reason: `all ${items.length} ${what} pass` };
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
