import type { Actor, Change, CloudTrailEvent, ConfigItem, ControlStatus, Coverage, CredentialReport, DataEventGroup, Deviation, Finding, Period, Severity } from '../model/types.js';

/**
 * The controls stage's own types. A check is a small unit with metadata and a pure evaluation over
 * the evidence; frameworks are data files that map each requirement to checks. No check knows a
 * framework, and adding a framework never touches a check (cdk-nag's rules and packs).
 */

export type { Severity };

/** What a check reads: AWS Config state, CloudTrail activity, the IAM credential report. */
export type EvidenceNeed = 'config' | 'cloudtrail' | 'credential-report' | 'config-rules';

export interface CheckMeta {
  /** Stable kebab-case id naming what the check asserts, e.g. `security-group-no-admin-ports-open-ipv4`. */
  id: string;
  title: string;
  severity: Severity;
  /** Resource types whose configuration the check reads (empty for activity checks). */
  resourceTypes: string[];
  needs: EvidenceNeed[];
  /** What the check verifies and from which evidence, one or two sentences. */
  description: string;
}

export interface CheckResult {
  status: ControlStatus;
  findings: Finding[];
  /** Why this status, one sentence (e.g. what evidence was missing for INSUFFICIENT_DATA). */
  reason: string;
  /** Failing facts that held during the period and were closed before its end (perResource). */
  deviations?: Deviation[];
}

/** Which of the period's calls a check reads. */
export interface ActivityQuery {
  match(a: ActivityEvent): boolean;
  /**
   * Given: the matching calls are grouped into findings as they pass (the grouping ActivityGrouper
   * does, checks/util.ts: status, what, actor origin, API, account, region, error; count, lastTime,
   * sampleEventIds), so memory follows the groups, not the calls. Absent: the matching calls
   * themselves are handed over, for calls an account makes a handful of times (password policy
   * updates, recorder stops, key rotation changes).
   */
  judge?: (a: ActivityEvent) => { status: ControlStatus; what: string };
}

/** What one pass gathered for a check: how many calls matched, and the findings or the calls. */
export interface ActivityHits {
  count: number;
  findings: Finding[];
  events: ActivityEvent[];
}

export interface Check {
  meta: CheckMeta;
  /**
   * The calls this check reads, built from the evidence (e.g. the authorised principals) before the
   * correlate stage's pass, which feeds it: so from everything but the changes.
   */
  activity?: (ev: ActivityContext) => ActivityQuery;
  /** `hits`: what the controls stage's one pass over the activity gathered for `activity` (evaluate.ts). */
  evaluate(evidence: ControlEvidence, hits: ActivityHits): CheckResult;
}


/** A CloudTrail event with its resolved actor: the evidence activity checks list. */
export interface ActivityEvent {
  event: CloudTrailEvent;
  actor: Actor;
}

/** What an activity query is built from: the evidence but the changes (built before they are correlated). */
export type ActivityContext = Omit<ControlEvidence, 'changes' | 'changeFor' | 'activity'>;

/**
 * Everything a check may read, prepared once. All lists are in a stable order; checks must not
 * depend on anything else (no clock, no I/O).
 */
export interface ControlEvidence {
  period: Period;
  /** Accounts seen in the evidence (Config or CloudTrail), sorted. */
  accounts: string[];
  /** `account|region` pairs that have AWS Config items (any time up to the end of the period). */
  configRegions: Set<string>;
  /** `account|region` pairs that have CloudTrail events. */
  trailRegions: Set<string>;
  /** Accounts with CloudTrail events inside the period. */
  trailAccounts: Set<string>;
  /** State of every resource at the end of the period (deleted resources excluded), by resource type. */
  endState(resourceType: string): ConfigItem[];
  /** The timelines of every resource of a type, deleted ones included, in resource order. */
  timelines(resourceType: string): ConfigItem[][];
  /** Every recorded state of one resource up to the end of the period, oldest first. */
  timeline(item: Pick<ConfigItem, 'accountId' | 'region' | 'resourceType' | 'resourceId'>): ConfigItem[];
  /** The in-period change that produced this item, if any. */
  changeFor(item: ConfigItem): Change | undefined;
  changes: Change[];
  /**
   * CloudTrail events inside the period that the store kept (writes, sign-ins, failed calls, root
   * use), with actors. Re-iterable: each iteration is one pass over the period's kept events in time
   * order (from disk). Checks never read it: they declare an ActivityQuery, and the controls stage
   * reads it once for all of them (evaluate.ts).
   */
  activity: Iterable<ActivityEvent>;
  /** The period's data events by group (counted, never kept: store/data-events.ts), most first. */
  dataEvents: DataEventGroup[];
  credentialReports: CredentialReport[];
  /** AWS Config rule results present in the export: latest per rule and resource. */
  configRuleResults: { accountId: string; region: string; ruleName: string; resourceType: string; resourceId: string; complianceType: string; captureTime: string }[];
  /** Principals allowed to change resources (`--authorized-principals`); empty when not given. */
  authorizedPrincipals: string[];
  /** The expected scope and the holes in the evidence (store/coverage.ts). */
  coverage: Coverage;
  /**
   * Why the CloudTrail events could not be checked against CloudTrail's digests (rows an engine
   * extracted, `report --engine-results`, without `--verified`): a check that reads them then
   * concludes no PASS (controls/evaluate.ts). Absent when the events came from verifiable files.
   */
  trailUnverified?: string;
}

export type { CredentialReport, Finding };
