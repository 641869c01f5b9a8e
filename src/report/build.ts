import type {
  Change,
  ConfigItem,
  ConfigRuleResult,
  ControlResult,
  Correlation,
  Coverage,
  Criteria,
  CountRow,
  Evidence,
  Generated,
  Invocation,
  Period,
  Report,
  Signoff,
} from '../model/types.js';
import { cmp, resourceKey } from '../store/index.js';
import { isoWeekStart, weeksOf } from '../util/period.js';
import { summariseDataEvents } from '../store/data-events.js';


export interface BuildOptions {
  generator: { name: string; version: string };
  /** The run's one generation time (src/util/clock.ts): passed in, so that building reads no clock. */
  generated: Generated;
  invocation: Invocation;
  signoff: Signoff;
  frameworks: string[];
  controls: ControlResult[];
  coverage: Coverage;
  criteria: Criteria;
}

/**
 * Assembles report.json (schemaVersion 1) from the evidence, the correlation and the control
 * results. Everything is sorted, and nothing reads the clock: the same inputs, options and
 * generation time (SOURCE_DATE_EPOCH) give the same bytes.
 */
export function buildReport(evidence: Evidence, correlation: Correlation, opts: BuildOptions): Report {
  const changes = [...correlation.changes].sort(compareChanges);
  return {
    schemaVersion: 1,
    generator: opts.generator,
    generated: opts.generated,
    invocation: opts.invocation,
    signoff: opts.signoff,
    period: { from: evidence.period.from, to: evidence.period.to, label: evidence.period.label },
    criteria: opts.criteria,
    scope: {
      accounts: distinct([...evidence.items.map((i) => i.accountId), ...[...evidence.events.places.values()].map((p) => p.accountId), ...evidence.dataEvents.groups.map((g) => g.accountId)]),
      regions: distinct([...evidence.items.map((i) => i.region), ...[...evidence.events.places.values()].map((p) => p.region), ...evidence.dataEvents.groups.map((g) => g.region)]),
      frameworks: [...opts.frameworks],
    },
    counts: evidence.counts,
    inputs: evidence.inputs,
    rejected: evidence.rejected,
    skipped: evidence.skipped,
    changes,
    failedCalls: correlation.failedCalls,
    failedCallsTotal: correlation.failedCallsTotal,
    dataEvents: summariseDataEvents(evidence.dataEvents),
    configRuleResults: configRuleResults(evidence),
    integrity: evidence.integrity,
    coverage: opts.coverage,
    summary: summarise(changes, evidence.period),
    controls: opts.controls,
  };
}

/** The executive summary's counts: by change type, resource type, originating actor and ISO week. */
export function summarise(changes: Change[], period: Period): Report['summary'] {
  const perWeek = new Map<string, number>();
  for (const c of changes) {
    const w = isoWeekStart(Date.parse(c.captureTime));
    perWeek.set(w, (perWeek.get(w) ?? 0) + 1);
  }
  return {
    byChangeType: countBy(changes, (c) => c.changeType),
    byResourceType: countBy(changes, (c) => c.resourceType),
    byActor: countBy(changes, (c) => c.actor?.origin ?? '(not attributed)'),
    byWeek: weeksOf(period).map((week) => ({ key: week, count: perWeek.get(week) ?? 0 })),
  };
}

function compareChanges(a: Change, b: Change): number {
  return (
    cmp(a.captureTime, b.captureTime) ||
    cmp(a.accountId, b.accountId) ||
    cmp(a.region, b.region) ||
    cmp(a.resourceType, b.resourceType) ||
    cmp(a.resourceId, b.resourceId) ||
    cmp(a.id, b.id)
  );
}

function distinct(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort(cmp);
}

/** Counts by key, most frequent first, ties by key. */
export function countBy<T>(rows: T[], key: (row: T) => string): CountRow[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return [...counts].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count || cmp(a.key, b.key));
}

/**
 * AWS Config rule results carried by `AWS::Config::ResourceCompliance` items: per evaluated
 * resource, the latest item up to the end of the period, one row per rule.
 */
export function configRuleResults(evidence: Evidence): ConfigRuleResult[] {
  const latest = new Map<string, ConfigItem>();
  for (const item of evidence.items) {
    if (item.resourceType !== 'AWS::Config::ResourceCompliance') continue;
    latest.set(resourceKey(item), item); // items are sorted by capture time
  }
  const rows: ConfigRuleResult[] = [];
  for (const item of latest.values()) {
    if (item.status === 'ResourceDeleted' || item.status === 'ResourceDeletedNotRecorded') continue;
    const conf = asRecord(item.configuration);
    const rules = Array.isArray(conf.configRuleList) ? conf.configRuleList : [];
    for (const rule of rules) {
      const r = asRecord(rule);
      rows.push({
        accountId: item.accountId,
        region: item.region,
        ruleName: str(r.configRuleName) ?? str(r.configRuleId) ?? '(unnamed rule)',
        resourceType: str(conf.targetResourceType) ?? '',
        resourceId: str(conf.targetResourceId) ?? item.resourceId,
        complianceType: str(r.complianceType) ?? str(conf.complianceType) ?? 'UNKNOWN',
        captureTime: item.captureTime,
      });
    }
  }
  return rows.sort(
    (a, b) => cmp(a.ruleName, b.ruleName) || cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.resourceId, b.resourceId),
  );
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
