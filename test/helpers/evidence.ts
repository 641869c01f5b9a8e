import { emptyIntegrity } from '../../src/store/integrity.js';
import { keptEvents } from '../../src/store/events.js';
import type { Actor, Change, CloudTrailEvent, ConfigItem, DataEventGroup, Evidence, Period, UserIdentity } from '../../src/model/types.js';
import { buildControlEvidence } from '../../src/controls/evidence.js';
import type { ControlEvidence, CredentialReport } from '../../src/controls/model.js';
import { resolvePeriod } from '../../src/util/period.js';

/** Typed factories for check fixtures: configuration items, CloudTrail events, and the evidence view. */

export const ACCOUNT = '111111111111';
export const PERIOD: Period = resolvePeriod({ from: '2026-07-01', to: '2026-09-30' });

export interface ItemOptions {
  accountId?: string;
  region?: string;
  captureTime?: string;
  status?: string;
  resourceName?: string;
  arn?: string;
  supplementaryConfiguration?: Record<string, unknown>;
  tags?: Record<string, string>;
  origin?: ConfigItem['origin'];
}

export function item(resourceType: string, resourceId: string, configuration: unknown, o: ItemOptions = {}): ConfigItem {
  const captureTime = o.captureTime ?? '2026-06-30T12:00:00.000Z';
  const it: ConfigItem = {
    accountId: o.accountId ?? ACCOUNT,
    region: o.region ?? 'us-east-1',
    resourceType,
    resourceId,
    captureTime,
    captureTimeMs: Date.parse(captureTime),
    status: o.status ?? 'OK',
    configuration,
    supplementaryConfiguration: o.supplementaryConfiguration ?? {},
    tags: o.tags ?? {},
    relationships: [],
    relatedEvents: [],
    origin: o.origin ?? 'snapshot',
    source: { path: 'fixture', index: 0 },
  };
  if (o.resourceName) it.resourceName = o.resourceName;
  if (o.arn) it.arn = o.arn;
  return it;
}

export interface EventOptions {
  eventSource?: string;
  accountId?: string;
  region?: string;
  time?: string;
  errorCode?: string;
  readOnly?: boolean;
  userIdentity?: UserIdentity;
  requestParameters?: unknown;
  responseElements?: unknown;
  additionalEventData?: unknown;
  eventType?: string;
  id?: string;
}

let seq = 0;
export const ALICE: UserIdentity = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice', accessKeyId: 'AKIAALICE' };
export const ROOT: UserIdentity = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, principalId: ACCOUNT };

export function event(eventName: string, o: EventOptions = {}): CloudTrailEvent {
  const eventTime = o.time ?? '2026-08-01T10:00:00Z';
  const ev: CloudTrailEvent = {
    eventId: o.id ?? `evt-${String(++seq).padStart(4, '0')}`,
    eventTime,
    eventTimeMs: Date.parse(eventTime),
    eventSource: o.eventSource ?? 'ec2.amazonaws.com',
    eventName,
    awsRegion: o.region ?? 'us-east-1',
    accountId: o.accountId ?? ACCOUNT,
    userIdentity: o.userIdentity ?? ALICE,
    source: { path: 'fixture', index: 0 },
  };
  if (o.readOnly !== undefined) ev.readOnly = o.readOnly;
  if (o.errorCode) ev.errorCode = o.errorCode;
  if (o.requestParameters !== undefined) ev.requestParameters = o.requestParameters;
  if (o.responseElements !== undefined) ev.responseElements = o.responseElements;
  if (o.additionalEventData !== undefined) ev.additionalEventData = o.additionalEventData;
  if (o.eventType) ev.eventType = o.eventType;
  return ev;
}

/** The acting principal as its own origin: enough for activity-check fixtures. */
export function simpleActor(ui: UserIdentity): Actor {
  const origin = ui.arn ?? ui.invokedBy ?? ui.principalId ?? 'unknown';
  return { type: ui.type ?? 'Unknown', ...(ui.arn ? { arn: ui.arn } : {}), origin, originType: ui.type ?? 'Unknown', chain: [{ type: ui.type ?? 'Unknown', name: origin }], resolved: true };
}

export interface EvidenceFixture {
  items?: ConfigItem[];
  events?: CloudTrailEvent[];
  changes?: Change[];
  credentialReports?: CredentialReport[];
  authorizedPrincipals?: string[];
  /** The period's data events by group (counted by the store, never kept as activity). */
  dataEvents?: DataEventGroup[];
}

/** A data event group of one day in the period (store/data-events.ts's shape), first sample at 10:00. */
export function dataGroup(eventSource: string, eventName: string, o: { accountId?: string; region?: string; count?: number; errorCode?: string; actorType?: string; actor?: string } = {}): DataEventGroup {
  const dayMs = Date.parse('2026-08-01T00:00:00Z');
  const count = o.count ?? 1;
  return {
    accountId: o.accountId ?? ACCOUNT,
    region: o.region ?? 'us-east-1',
    eventSource,
    eventName,
    actorType: o.actorType ?? 'IAMUser',
    actor: o.actor ?? `arn:aws:iam::${ACCOUNT}:user/alice`,
    dayMs,
    errorCode: o.errorCode ?? '',
    count,
    lastMs: dayMs + 36_000_000,
    samples: [[dayMs + 36_000_000, `data-${eventName}-1`]],
  };
}

/**
 * The activity as the lead's store hands it over (one read of the disk per iteration), but readable
 * once: a second iteration throws, so a test proves the controls stage reads it in one pass.
 */
export function onePass<T>(items: readonly T[]): Iterable<T> & { passes: number } {
  return {
    passes: 0,
    *[Symbol.iterator]() {
      if (++this.passes > 1) throw new Error(`the activity was iterated ${this.passes} times`);
      yield* items;
    },
  };
}

export function evidenceOf(f: EvidenceFixture): ControlEvidence {
  const items = [...(f.items ?? [])].sort((a, b) => a.captureTimeMs - b.captureTimeMs);
  const events = [...(f.events ?? [])].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
  return buildControlEvidence(
    {
      period: PERIOD,
      inputs: [],
      rejected: [],
      skipped: [],
      counts: {
        files: { read: 0, used: 0, rejected: 0, skipped: 0 },
        records: { read: 0, used: 0, rejected: 0 },
        events: { read: 0, kept: 0, readOnly: 0, failed: 0, data: 0 },
        configurationItems: { read: 0, kept: 0 },
      },
      items,
      events: keptEvents(events),
      integrity: emptyIntegrity(),
      credentialReports: f.credentialReports ?? [],
      dataEvents: { groups: f.dataEvents ?? [], folded: false },
    },
    { changes: f.changes ?? [], failedCalls: [], failedCallsTotal: 0 },
    {
      activity: events.filter((e) => e.eventTimeMs >= PERIOD.startMs && e.eventTimeMs < PERIOD.endMs).map((event) => ({ event, actor: simpleActor(event.userIdentity) })),
      authorizedPrincipals: f.authorizedPrincipals ?? [],
    },
  );
}

/** The store's output for a period of items and events (sorted as the store sorts them), with no inputs. */
export function storeEvidence(items: ConfigItem[], events: CloudTrailEvent[]): Evidence {
  return {
    period: PERIOD,
    inputs: [],
    rejected: [],
    skipped: [],
    counts: { files: { read: 0, used: 0, rejected: 0, skipped: 0 }, records: { read: 0, used: 0, rejected: 0 }, events: { read: 0, kept: 0, readOnly: 0, failed: 0, data: 0 }, configurationItems: { read: 0, kept: 0 } },
    items: [...items].sort((a, b) => a.captureTimeMs - b.captureTimeMs),
    events: keptEvents(events),
    integrity: emptyIntegrity(),
    dataEvents: { groups: [], folded: false },
  };
}
