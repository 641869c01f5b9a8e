import type { DataEventGroup, DataEventRow, DataEventSummary, Period } from '../model/types.js';
import { cmp } from '../util/compare.js';
import { isObj, text } from '../parse/values.js';

/**
 * Data events (S3 object calls, Lambda invocations, DynamoDB items…) can outnumber management events
 * a hundred to one and cannot cause a change AWS Config records. They are never kept as events:
 * each reader counts them per UTC day and group (account, region, API, actor, error code), with the
 * earliest few event ids as samples, and the store merges the period's days. Memory then follows the
 * number of groups, not of events; past MAX_GROUPS in a period the actors are folded into
 * "(other actors)" and the report says so.
 */

/** Sample event ids per group: the earliest (time, then id), whatever order the files arrive in. */
export const DATA_SAMPLES = 3;
/** Groups the store holds for a period before it folds actors. */
export const MAX_GROUPS = 100_000;
/** Groups report.json lists in `dataEvents.top` (data-events.csv lists them all). */
export const TOP_GROUPS = 1_000;
export const OTHER_ACTORS = '(other actors)';
const DAY_MS = 86_400_000;

/** The identity fields the actor is taken from (raw record or normalised: the same names). */
export interface ActorFields {
  type?: unknown;
  arn?: unknown;
  invokedBy?: unknown;
  principalId?: unknown;
  sessionContext?: unknown;
}

/** What a group is made from: one data event's fields. */
export interface DataEventFields {
  eventTimeMs: number;
  eventId: string;
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  errorCode?: string | undefined;
  identity: ActorFields | undefined;
}

/**
 * The actor a data event is counted under: an assumed role's role (the session issuer's ARN: its
 * session names are as many as its sessions), else the identity's ARN, the invoking service or the
 * principal id. native/trail.cc dataActor() mirrors it.
 */
export function dataActor(ui: ActorFields | undefined): { actorType: string; actor: string } {
  if (!ui) return { actorType: '', actor: '' };
  const actorType = text(ui.type) ?? '';
  const issuer = isObj(ui.sessionContext) ? ui.sessionContext.sessionIssuer : undefined;
  const role = actorType === 'AssumedRole' && isObj(issuer) ? text(issuer.arn) : undefined;
  return { actorType, actor: role ?? text(ui.arn) ?? text(ui.invokedBy) ?? text(ui.principalId) ?? '' };
}

/** Keeps `samples` the earliest DATA_SAMPLES of itself and `more`, in (time, id) order. */
function mergeSamples(samples: [number, string][], more: readonly [number, string][]): void {
  for (const s of more) {
    if (samples.some((x) => x[0] === s[0] && x[1] === s[1])) continue;
    samples.push([s[0], s[1]]);
  }
  samples.sort((a, b) => a[0] - b[0] || cmp(a[1], b[1]));
  if (samples.length > DATA_SAMPLES) samples.length = DATA_SAMPLES;
}

function keyOf(g: Omit<DataEventGroup, 'count' | 'lastMs' | 'samples'>, withDay: boolean): string {
  return [withDay ? String(g.dayMs) : '', g.accountId, g.region, g.eventSource, g.eventName, g.actorType, g.actor, g.errorCode].join('\u0000');
}

/** One data event as a group of one. */
export function dataEventGroup(e: DataEventFields): DataEventGroup {
  const { actorType, actor } = dataActor(e.identity);
  const dayMs = Math.floor(e.eventTimeMs / DAY_MS) * DAY_MS;
  return { dayMs, accountId: e.accountId, region: e.region, eventSource: e.eventSource, eventName: e.eventName, actorType, actor, errorCode: e.errorCode ?? '', count: 1, lastMs: e.eventTimeMs, samples: [[e.eventTimeMs, e.eventId]] };
}

/** Adds `g` to the group `key` names in `groups`: a copy of it when new (its samples are merged into later). */
function mergeGroup(groups: Map<string, DataEventGroup>, key: string, g: DataEventGroup): void {
  const had = groups.get(key);
  if (!had) {
    groups.set(key, { ...g, samples: g.samples.map((x) => [x[0], x[1]]) });
    return;
  }
  had.count += g.count;
  had.dayMs = Math.min(had.dayMs, g.dayMs);
  had.lastMs = Math.max(had.lastMs, g.lastMs);
  mergeSamples(had.samples, g.samples);
}

/** One file's data events by day and group: what a reader hands over (ParsedFile.dataEvents). */
export class DataEventCounter {
  private readonly groups = new Map<string, DataEventGroup>();

  add(e: DataEventFields): void {
    this.addGroup(dataEventGroup(e));
  }

  /** Takes a group counted elsewhere (the native reader's, for the same file). */
  addGroup(g: DataEventGroup): void {
    mergeGroup(this.groups, keyOf(g, true), g);
  }

  clear(): void {
    this.groups.clear();
  }

  get size(): number {
    return this.groups.size;
  }

  /** The groups in key order (both readers' results compare equal). */
  list(): DataEventGroup[] {
    return [...this.groups].sort((a, b) => cmp(a[0], b[0])).map(([, g]) => g);
  }
}

/** The period's data events, merged over days from every file's groups. */
export class DataEvents {
  private readonly groups = new Map<string, DataEventGroup>();
  private folded = false;

  constructor(private readonly period: Pick<Period, 'startMs' | 'endMs'>) {}

  /**
   * Takes one file's groups: those of days inside the period. Past MAX_GROUPS every group's actor is
   * folded (those held and those to come), so whether and how it folds does not depend on the order
   * the files arrive in.
   */
  add(groups: readonly DataEventGroup[]): void {
    for (const g of groups) {
      if (g.dayMs < this.period.startMs || g.dayMs >= this.period.endMs) continue;
      this.merge(this.folded ? fold(g) : g);
      if (!this.folded && this.groups.size > MAX_GROUPS) {
        this.folded = true;
        const held = [...this.groups.values()];
        this.groups.clear();
        for (const h of held) this.merge(fold(h));
      }
    }
  }

  private merge(g: DataEventGroup): void {
    mergeGroup(this.groups, keyOf(g, false), g);
  }

  finish(): { groups: DataEventGroup[]; folded: boolean } {
    return { groups: [...this.groups.values()].sort(compareGroups), folded: this.folded };
  }
}

function fold(g: DataEventGroup): DataEventGroup {
  return { ...g, actorType: '', actor: OTHER_ACTORS };
}

/** Most events first, then by account, region, API, actor and error. */
function compareGroups(a: DataEventGroup, b: DataEventGroup): number {
  return b.count - a.count || cmp(keyOf(a, false), keyOf(b, false));
}

export function dataEventRow(g: DataEventGroup): DataEventRow {
  const row: DataEventRow = {
    accountId: g.accountId,
    region: g.region,
    eventSource: g.eventSource,
    eventName: g.eventName,
    actorType: g.actorType,
    actor: g.actor,
    count: g.count,
    firstSeen: new Date(g.samples[0]?.[0] ?? g.dayMs).toISOString(),
    lastSeen: new Date(g.lastMs).toISOString(),
    sampleEventIds: g.samples.map((s) => s[1]),
  };
  if (g.errorCode) row.errorCode = g.errorCode;
  return row;
}

/** report.json `dataEvents`. */
export function summariseDataEvents(data: { groups: DataEventGroup[]; folded: boolean }): DataEventSummary {
  let events = 0;
  let failed = 0;
  for (const g of data.groups) {
    events += g.count;
    if (g.errorCode) failed += g.count;
  }
  const out: DataEventSummary = { events, failed, groups: data.groups.length, top: data.groups.slice(0, TOP_GROUPS).map(dataEventRow) };
  if (data.folded) out.note = `more than ${MAX_GROUPS.toLocaleString('en-US')} groups: data events are counted without their actor ("${OTHER_ACTORS}")`;
  return out;
}
