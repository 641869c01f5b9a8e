import type { Attribution, CloudTrailEvent, ConfigItem } from '../model/types.js';
import { cmp } from '../store/index.js';
import { apiName, isWrite } from '../store/keep.js';
import type { ItemChange } from './changes.js';

/** `AWS::<Service>::…` → the eventSource prefix, where it is not simply the lower-cased service. */
const SOURCE_OF_SERVICE: Record<string, string> = {
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  ElasticLoadBalancing: 'elasticloadbalancing',
  CertificateManager: 'acm',
  ApiGateway: 'apigateway',
  ApiGatewayV2: 'apigateway',
  CloudWatch: 'monitoring',
  Logs: 'logs',
  Events: 'events',
  AccessAnalyzer: 'access-analyzer',
  Lambda: 'lambda',
  StepFunctions: 'states',
  CodeBuild: 'codebuild',
  ElasticBeanstalk: 'elasticbeanstalk',
  OpenSearch: 'es',
  Elasticsearch: 'es',
  SecurityHub: 'securityhub',
  GuardDuty: 'guardduty',
  NetworkFirewall: 'network-firewall',
  WAFv2: 'wafv2',
  Route53: 'route53',
  AutoScaling: 'autoscaling',
  EFS: 'elasticfilesystem',
  Backup: 'backup',
  Config: 'config',
};

/** The eventSource an API call on this resource type is logged under, or undefined when unknown. */
export function eventSourceFor(resourceType: string): string | undefined {
  const service = /^AWS::([^:]+)::/.exec(resourceType)?.[1];
  if (!service) return undefined;
  const prefix = SOURCE_OF_SERVICE[service] ?? (/^[A-Za-z0-9]+$/.test(service) ? service.toLowerCase() : undefined);
  return prefix ? `${prefix}.amazonaws.com` : undefined;
}

/** Global services: API calls are logged in us-east-1 while Config records the resource elsewhere. */
function anyRegion(resourceType: string): boolean {
  return resourceType.startsWith('AWS::IAM::') || resourceType === 'AWS::S3::Bucket' || resourceType.startsWith('AWS::Route53::') || resourceType.startsWith('AWS::CloudFront::');
}

const MAX_DEPTH = 8;
const MAX_STRINGS = 2000;

/** Every string value inside an event's resources, requestParameters and responseElements (bounded). */
function strings(e: CloudTrailEvent): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, depth: number) => {
    if (out.size >= MAX_STRINGS || depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      if (v.length > 0 && v.length <= 2048) out.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (v && typeof v === 'object') {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  for (const r of e.resources ?? []) if (r.ARN) out.add(r.ARN);
  visit(e.requestParameters, 0);
  visit(e.responseElements, 0);
  return out;
}

/** An ARN also names its last path or colon segment (…:key/1234abcd → 1234abcd). */
function arnTail(s: string): string | undefined {
  if (!s.startsWith('arn:')) return undefined;
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf(':'));
  return cut >= 0 && cut < s.length - 1 ? s.slice(cut + 1) : undefined;
}

type Strength = 'strong' | 'name';

/**
 * Where a call names a resource of these types by its name alone (Config's resourceId being an id
 * the call does not carry: `AROA…`/`AIDA…` for IAM, `db-…` for RDS): the request or response
 * parameters that hold that name. A name found anywhere else (a user's name as a role's ARN tail,
 * a role called like a bucket) is not this resource.
 */
const NAME_KEYS: Record<string, string[]> = {
  'AWS::IAM::Role': ['roleName'],
  'AWS::IAM::User': ['userName'],
  'AWS::IAM::Group': ['groupName'],
  'AWS::IAM::Policy': ['policyName'],
  'AWS::RDS::DBInstance': ['dBInstanceIdentifier', 'newDBInstanceIdentifier'],
  'AWS::RDS::DBCluster': ['dBClusterIdentifier', 'newDBClusterIdentifier'],
  'AWS::Lambda::Function': ['functionName'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['name', 'loadBalancerName'],
  'AWS::ElasticLoadBalancing::LoadBalancer': ['loadBalancerName'],
};

/** Whether `name` is the value of one of `keys` in the event's request or response (bounded walk). */
function namedUnder(e: CloudTrailEvent, keys: string[], name: string): boolean {
  let budget = MAX_STRINGS;
  const visit = (v: unknown, depth: number): boolean => {
    if (budget-- <= 0 || depth > MAX_DEPTH || !v || typeof v !== 'object') return false;
    if (Array.isArray(v)) return v.some((x) => visit(x, depth + 1));
    const o = v as Record<string, unknown>;
    for (const k of keys) if (Object.prototype.hasOwnProperty.call(o, k) && o[k] === name) return true;
    return Object.values(o).some((x) => visit(x, depth + 1));
  };
  return visit(e.requestParameters, 0) || visit(e.responseElements, 0);
}

/**
 * Index from resource identifiers to the successful write events that name them, built as a pass
 * over the kept events goes by. Only identifiers of items that changed are indexed, and only events
 * of the change's account inside its window (after the previous capture, at most `windowMs` before
 * this one), so the index follows the changes, not the trail: a name as common as `web` would
 * otherwise hold every deployment of a service called so.
 */
export class EventIndex {
  private readonly byToken = new Map<string, CloudTrailEvent[]>();
  /** The events `relatedEvents` of a changed item names, by id (of two with one id, the later). */
  readonly byId = new Map<string, CloudTrailEvent>();
  /** Per identifier of a changed item: the account and time windows an event naming it can cause. */
  private readonly windows = new Map<string, { accountId: string; fromMs: number; toMs: number }[]>();
  private readonly relatedIds: Set<string>;

  constructor(changes: ItemChange[], windowMs: number) {
    this.relatedIds = new Set(changes.flatMap((c) => c.item.relatedEvents));
    for (const c of changes) {
      const { item } = c;
      const w = { accountId: item.accountId, fromMs: windowStart(c, windowMs), toMs: item.captureTimeMs };
      for (const t of new Set([item.resourceId, item.arn, item.resourceName])) {
        if (!t) continue;
        const list = this.windows.get(t);
        if (list) list.push(w);
        else this.windows.set(t, [w]);
      }
    }
  }

  /** Takes an event of the pass; returns whether it is indexed (a candidate for some change). */
  add(e: CloudTrailEvent): boolean {
    let indexed = false;
    if (this.relatedIds.has(e.eventId)) {
      this.byId.set(e.eventId, e);
      indexed = true;
    }
    if (e.errorCode || !isWrite(e)) return indexed;
    const hit = new Set<string>();
    const can = (t: string) => this.windows.get(t)?.some((w) => w.accountId === e.accountId && e.eventTimeMs >= w.fromMs && e.eventTimeMs <= w.toMs) === true;
    for (const s of strings(e)) {
      if (can(s)) hit.add(s);
      const tail = arnTail(s);
      if (tail && can(tail)) hit.add(tail);
    }
    for (const t of hit) {
      const list = this.byToken.get(t);
      if (list) list.push(e);
      else this.byToken.set(t, [e]);
    }
    return indexed || hit.size > 0;
  }

  get(token: string | undefined): CloudTrailEvent[] {
    return token ? (this.byToken.get(token) ?? []) : [];
  }
}

/** The earliest time a change's causing call may have: after the previous capture, at most `windowMs` before this one. */
function windowStart(change: ItemChange, windowMs: number): number {
  return Math.max(change.item.captureTimeMs - windowMs, change.previous ? change.previous.captureTimeMs + 1 : -Infinity);
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? 'under a minute' : `${m} min`;
}

/**
 * Finds the API call that caused a change: the latest successful write in the same account (and
 * region, except for global services) that names the resource and falls after the previous capture
 * and within `windowMs` before this one. `relatedEvents`, when Config filled it, wins.
 */
export function attribute(change: ItemChange, index: EventIndex, windowMs: number): { attribution: Attribution; event?: CloudTrailEvent } {
  const { item, previous } = change;
  for (const id of item.relatedEvents) {
    const e = index.byId.get(id);
    if (e) {
      return {
        event: e,
        attribution: { method: 'relatedEvents', confidence: 1, eventId: e.eventId, eventName: e.eventName, eventTime: e.eventTime, eventSource: e.eventSource, reason: 'named in the configuration item\'s relatedEvents', candidates: 1 },
      };
    }
  }
  const source = eventSourceFor(item.resourceType);
  const from = windowStart(change, windowMs);
  const strength = new Map<CloudTrailEvent, Strength>();
  const nameKeys = NAME_KEYS[item.resourceType];
  const consider = (events: CloudTrailEvent[], s: Strength) => {
    for (const e of events) {
      if (strength.has(e)) continue;
      if (!eligible(e, item, source, from)) continue;
      if (s === 'name' && nameKeys && !namedUnder(e, nameKeys, item.resourceName!)) continue;
      strength.set(e, s);
    }
  };
  consider(index.get(item.resourceId), 'strong');
  consider(index.get(item.arn), 'strong');
  if (item.resourceName && item.resourceName !== item.resourceId) consider(index.get(item.resourceName), 'name');

  const candidates = [...strength.keys()].sort(
    (a, b) => b.eventTimeMs - a.eventTimeMs || rank(strength.get(a)) - rank(strength.get(b)) || cmp(a.eventId, b.eventId),
  );
  const best = candidates[0];
  const what = item.resourceName && item.resourceName !== item.resourceId ? `${item.resourceId} (${item.resourceName})` : item.resourceId;
  if (!best) {
    return {
      attribution: {
        method: 'none',
        confidence: 0,
        reason:
          `no CloudTrail event in the input names ${what} as a successful write in ${item.accountId} within ${minutes(windowMs)} before the capture${previous ? ' and after the previous one' : ''}: ` +
          'AWS itself may have made the change (maintenance, an automatic update), or its call was not logged or is not in the input',
        candidates: 0,
      },
    };
  }
  const s = strength.get(best)!;
  const gap = item.captureTimeMs - best.eventTimeMs;
  let confidence = s === 'strong' ? 0.95 : 0.8;
  if (!source || best.eventSource !== source) confidence -= 0.15;
  if (gap > 15 * 60_000) confidence -= 0.1;
  if (candidates.length > 1) confidence -= 0.1;
  confidence = Math.round(Math.max(0.05, Math.min(1, confidence)) * 100) / 100;
  const svc = best.eventSource.replace(/\.amazonaws\.com$/, '');
  const api = apiName(best.eventName);
  const reason =
    `latest successful ${svc}:${api}${api === best.eventName ? '' : ` (logged as ${best.eventName})`} naming ${s === 'strong' ? what : `the name ${item.resourceName ?? ''}`} ${minutes(gap)} before the capture` +
    (candidates.length > 1 ? `; ${candidates.length} candidates in the window` : '');
  return {
    event: best,
    attribution: { method: 'inferred', confidence, eventId: best.eventId, eventName: best.eventName, eventTime: best.eventTime, eventSource: best.eventSource, reason, candidates: candidates.length },
  };
}

function rank(s: Strength | undefined): number {
  return s === 'strong' ? 0 : 1;
}

function eligible(e: CloudTrailEvent, item: ConfigItem, source: string | undefined, fromMs: number): boolean {
  if (e.errorCode || !isWrite(e)) return false;
  if (e.accountId !== item.accountId) return false;
  if (!anyRegion(item.resourceType) && e.awsRegion !== item.region) return false;
  if (e.eventTimeMs > item.captureTimeMs || e.eventTimeMs < fromMs) return false;
  // A known service must match; an unknown one is not filtered (confidence is lowered instead).
  if (source && e.eventSource !== source && knownSources.has(e.eventSource)) return false;
  return true;
}

/** Event sources of services configtrail maps resource types to. */
const knownSources = new Set(
  ['ec2', 's3', 'iam', 'kms', 'cloudtrail', 'rds', 'lambda', 'config', 'sns', 'sqs', 'dynamodb', 'elasticloadbalancing', 'logs', 'monitoring', 'events', 'acm', 'apigateway', 'secretsmanager', 'ssm', 'ecs', 'eks', 'ecr', 'elasticfilesystem', 'securityhub', 'guardduty', 'access-analyzer', 'autoscaling', 'cloudformation', 'route53', 'cloudfront', 'organizations'].map(
    (s) => `${s}.amazonaws.com`,
  ),
);
