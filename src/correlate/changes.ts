import { createHash } from 'node:crypto';
import type { ChangeType, ConfigItem, DiffEntry, Period } from '../model/types.js';
import { cmp, resourceKey } from '../store/index.js';
import { describeChange } from './describe.js';
import { capDiff, deepEqual, deliveredDiff, diffConfig } from './diff.js';

const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

/** Config rule results are evidence for controls, not configuration changes. */
export const NOT_CHANGES = new Set(['AWS::Config::ResourceCompliance']);

export interface ItemChange {
  item: ConfigItem;
  previous?: ConfigItem;
  changeType: ChangeType;
  diff: DiffEntry[];
  /** What the change did, in words (describe.ts). */
  summary: string[];
}

export function changeId(c: Pick<ConfigItem, 'accountId' | 'region' | 'resourceType' | 'resourceId' | 'captureTime'>): string {
  return createHash('sha256').update(`${c.accountId}|${c.region}|${c.resourceType}|${c.resourceId}|${c.captureTime}`).digest('hex').slice(0, 16);
}

function stateIdNum(i: ConfigItem): number {
  const n = Number(i.stateId);
  return Number.isFinite(n) ? n : 0;
}

function sameState(a: ConfigItem, b: ConfigItem): boolean {
  return (
    DELETED.has(a.status) === DELETED.has(b.status) &&
    deepEqual(a.configuration, b.configuration) &&
    deepEqual(a.supplementaryConfiguration, b.supplementaryConfiguration) &&
    deepEqual(a.tags, b.tags)
  );
}

/**
 * An oversized item's diff: its body was not delivered with the notification, only where AWS Config
 * put it (the object is not among the inputs: when it is, it supersedes this item, see superseded).
 */
function notDelivered(item: ConfigItem): DiffEntry[] {
  const after = item.s3BucketLocation === undefined ? { notDelivered: true } : { notDelivered: true, s3BucketLocation: item.s3BucketLocation };
  return [{ path: 'configuration', op: 'replace', after }];
}

function diffOf(prev: ConfigItem | undefined, item: ConfigItem, changeType: ChangeType): DiffEntry[] {
  if (item.oversized && changeType !== 'delete') return notDelivered(item);
  if (changeType === 'delete') return [{ path: 'configuration', op: 'remove', before: prev?.configuration ?? null }];
  if (changeType === 'create') return [{ path: 'configuration', op: 'add', after: item.configuration }];
  // An oversized previous item holds no body either: the state before is not in the input, and
  // only the diff AWS Config delivered with the notification, if any, says what changed.
  if (!prev || prev.oversized) return deliveredDiff(item.configurationItemDiff) ?? [{ path: 'configuration', op: 'add', after: item.configuration, before: 'previous state not in the input' }];
  const entries = [
    ...diffConfig(prev.configuration, item.configuration, 'configuration'),
    ...diffConfig(prev.supplementaryConfiguration, item.supplementaryConfiguration, 'supplementaryConfiguration'),
    ...diffConfig(prev.tags, item.tags, 'tags'),
  ];
  return capDiff(entries);
}

/**
 * Oversized items whose whole item is among the inputs too (the object AWS Config put at their
 * s3BucketLocation, or the same item from history or the API): one with a body for the same
 * resource and capture time. They are superseded by it, and make no change of their own.
 */
function superseded(list: ConfigItem[]): Set<ConfigItem> {
  const whole = new Set(list.filter((i) => !i.oversized).map((i) => i.captureTimeMs));
  return new Set(list.filter((i) => i.oversized && whole.has(i.captureTimeMs)));
}

/**
 * The configuration changes in the period: per resource, each item whose state differs from the
 * previous one (which may lie before the period: that is the "before"). A snapshot of a resource
 * with no earlier item is a baseline, not a change; identical consecutive items are one state.
 */
export function findChanges(items: ConfigItem[], period: Period): ItemChange[] {
  const byResource = new Map<string, ConfigItem[]>();
  for (const item of items) {
    if (NOT_CHANGES.has(item.resourceType)) continue;
    const key = resourceKey(item);
    const list = byResource.get(key);
    if (list) list.push(item);
    else byResource.set(key, [item]);
  }
  const out: ItemChange[] = [];
  for (const key of [...byResource.keys()].sort(cmp)) {
    const list = byResource
      .get(key)!
      .sort((a, b) => a.captureTimeMs - b.captureTimeMs || stateIdNum(a) - stateIdNum(b) || cmp(a.source.path, b.source.path) || a.source.index - b.source.index);
    const gone = superseded(list);
    let prev: ConfigItem | undefined;
    for (const item of list) {
      if (item.status === 'ResourceNotRecorded' || gone.has(item)) continue;
      const inPeriod = item.captureTimeMs >= period.startMs && item.captureTimeMs < period.endMs;
      if (prev && sameState(prev, item)) {
        prev = item;
        continue;
      }
      if (inPeriod) {
        let changeType: ChangeType | undefined;
        if (DELETED.has(item.status)) changeType = prev && !DELETED.has(prev.status) ? 'delete' : undefined;
        else if (item.status === 'ResourceDiscovered' || (prev && DELETED.has(prev.status))) changeType = 'create';
        // No earlier state in the input: a snapshot is the baseline; a history item is an update
        // whose "before" the export does not hold (Config marks creations ResourceDiscovered).
        else if (!prev) changeType = item.origin === 'snapshot' ? undefined : 'update';
        else changeType = 'update';
        if (changeType) {
          const diff = diffOf(prev, item, changeType);
          const c: ItemChange = { item, changeType, diff, summary: describeChange(prev, item, changeType, diff) };
          if (prev) c.previous = prev;
          out.push(c);
        }
      }
      prev = item;
    }
  }
  return out;
}
