import type { KeptEvents } from '../store/events.js';
/**
 * The typed data that flows through configtrail's one-way pipeline:
 *
 *   sources → parse/normalise → store → correlate → controls → render
 *
 * Every stage is a plain function from one of these shapes to the next; a test can feed any
 * stage alone. `Report` is the public contract (report.json, schemaVersion 1).
 */

// ───────────────────────────── period ─────────────────────────────

/** A reporting period: whole UTC days, both ends inclusive. */
export interface Period {
  /** First day, YYYY-MM-DD (inclusive). */
  from: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  to: string;
  /** `from` 00:00:00.000Z in epoch ms. */
  startMs: number;
  /** The instant after `to` 23:59:59.999Z, in epoch ms (exclusive bound). */
  endMs: number;
  /** Human label, e.g. "2026-Q3" or "2026-07-01 – 2026-09-30". */
  label: string;
}

// ───────────────────────────── bookkeeping ─────────────────────────────

/** A file or record that could not be used, with the reason. Never silent. */
export interface Rejection {
  /** Display path: a filesystem path, `archive.tgz!AWSLogs/...` for an archive entry, or `s3://…`. */
  path: string;
  /** 0-based index of the record inside the file, when a single record was rejected. */
  record?: number;
  reason: string;
}

/** A file that was read but holds nothing configtrail uses (e.g. an unrelated file in the export). */
export interface Skip {
  path: string;
  reason: string;
}

export type InputKind =
  | 'archive'
  | 'cloudtrail-log' // {"Records":[...]} as delivered to S3
  | 'cloudtrail-lookup' // `aws cloudtrail lookup-events` output
  | 'cloudtrail-ndjson' // one CloudTrail record per line
  | 'cloudtrail-digest' // CloudTrail-Digest file
  | 'eventbridge' // EventBridge events (CloudTrail records, Config item changes) as Firehose delivers them
  | 'config-snapshot'
  | 'config-history'
  | 'config-notification' // ConfigurationItemChangeNotification / Oversized…
  | 'config-api-history' // `aws configservice get-resource-config-history`
  | 'config-api-batch' // `aws configservice batch-get-resource-config`
  | 'config-api-select' // `aws configservice select-resource-config` rows that are whole items
  | 'iam-credential-report' // `aws iam get-credential-report` CSV (or its JSON envelope)
  | 'engine-extract' // rows of `configtrail sql`'s extract query, as an engine wrote them
  | 'engine-counts' // rows of its counts query (events per account, region and day)
  | 'engine-data' // rows of its data query (data events by day and group)
  | 'cloudtrail-verification' // `configtrail verify --json` over the files an engine read (`report --verified`)
  | 'unknown';

/** One entry of report.json `inputs[]`: every file read, with its hash. */
export interface InputRecord {
  path: string;
  /** SHA-256 (hex) of the bytes as stored (i.e. of the .json.gz, not the decompressed JSON). */
  sha256: string;
  size: number;
  kind: InputKind;
  /** Records seen in the file (events, configuration items, digest log entries). */
  records: number;
  /** Records of this file that were rejected (a rejected whole file counts 0 records). */
  rejected: number;
  /** For archive entries: the archive they came from. */
  container?: string;
}

// ───────────────────────────── sources ─────────────────────────────

/** A leaf file produced by the sources stage (folders and archives are opened, not yielded). */
export interface SourceFile {
  /** Display path (see Rejection.path). */
  path: string;
  /** The path relative to the export root, used to recognise the AWS delivery layout. */
  key: string;
  /** Raw bytes as stored (possibly gzip-compressed). */
  bytes: Buffer;
  /**
   * A local file whose bytes the parse stage reads itself (on a worker thread), given when the
   * sources stage was asked to defer reads; `bytes` is then empty.
   */
  fsPath?: string;
  /** The archive this file came from, if any. */
  container?: string;
  /** An S3 object's `x-amz-meta-signature` (a CloudTrail digest's signature, hex), when read from S3. */
  signature?: string;
}

export type SourceEvent =
  | { type: 'file'; file: SourceFile }
  /** An archive that was opened; it is recorded as an input of kind 'archive'. */
  | { type: 'archive'; input: InputRecord }
  | { type: 'rejected'; rejection: Rejection; input?: InputRecord }
  | { type: 'skipped'; skip: Skip; input?: InputRecord };

export interface SourceOptions {
  /** Maximum bytes of one decompressed file or archive entry (gzip-bomb guard). */
  maxFileBytes: number;
  /**
   * Maximum bytes one archive (with the archives inside it) inflates to in all: entries sharing one
   * deflate stream, each within maxFileBytes, would otherwise add up without bound. Default
   * ARCHIVE_SIZE_FACTOR × maxFileBytes (sources/archive.ts).
   */
  maxArchiveBytes?: number;
  /** Hand local files on by path (`SourceFile.fsPath`) for the parse stage to read in parallel. */
  deferReads?: boolean;
}

// ───────────────────────────── parse / normalise ─────────────────────────────

export interface SessionIssuer {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

/** CloudTrail `userIdentity`, as documented (fields optional: the data is untrusted). */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  /** IAM Identity Center: the user the call was made on behalf of. */
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: {
    attributes?: { mfaAuthenticated?: string; creationDate?: string };
    sessionIssuer?: SessionIssuer;
    webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, unknown> };
    sourceIdentity?: string;
    ec2RoleDelivery?: string;
  };
}

/** A normalised CloudTrail event. Fields keep CloudTrail's names and values. */
export interface CloudTrailEvent {
  /** The record's eventID; for a record without one, `sha256:` and a hash of its content (parse/cloudtrail.ts syntheticEventId). */
  eventId: string;
  eventTime: string; // YYYY-MM-DDTHH:mm:ss.sssZ, whatever form the record wrote (parse/values.ts isoTime)
  eventTimeMs: number;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  /** recipientAccountId, else userIdentity.accountId. */
  accountId: string;
  eventType?: string;
  eventCategory?: string;
  /** As recorded; undefined when the record has no readOnly field. */
  readOnly?: boolean;
  /** As recorded: false for a data event. */
  managementEvent?: boolean;
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity: UserIdentity;
  requestParameters?: unknown;
  responseElements?: unknown;
  additionalEventData?: unknown;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
  sharedEventID?: string;
  /** Where the record was read. */
  source: { path: string; index: number };
}

export type ConfigItemStatus =
  | 'OK'
  | 'ResourceDiscovered'
  | 'ResourceNotRecorded'
  | 'ResourceDeleted'
  | 'ResourceDeletedNotRecorded'
  | string;

/** A normalised AWS Config configuration item (delivered files and API output alike). */
export interface ConfigItem {
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  availabilityZone?: string;
  captureTime: string; // YYYY-MM-DDTHH:mm:ss.sssZ, whatever form the input wrote (parse/values.ts isoTime)
  captureTimeMs: number;
  status: ConfigItemStatus;
  stateId?: string;
  resourceCreationTime?: string;
  /** Parsed configuration object (API output's JSON string is parsed); null when absent. */
  configuration: unknown;
  supplementaryConfiguration: Record<string, unknown>;
  tags: Record<string, string>;
  relationships: unknown[];
  /** CloudTrail event ids from `relatedEvents` (usually empty in current data). */
  relatedEvents: string[];
  /** From an OversizedConfigurationItemChangeNotification: no configuration body. */
  oversized?: boolean;
  /**
   * An oversized item's `s3DeliverySummary.s3BucketLocation`, as delivered: the bucket and key where
   * AWS Config put the whole item (a change notification file, read like any other when given).
   */
  s3BucketLocation?: string;
  /**
   * A change notification's `configurationItemDiff`, as delivered: `changeType` and
   * `changedProperties` keyed by paths like `Configuration.IpPermissions.0`, each with its
   * `changeType` (CREATE, UPDATE, DELETE), `previousValue` and `updatedValue`.
   */
  configurationItemDiff?: Record<string, unknown>;
  origin: 'snapshot' | 'history' | 'notification' | 'api';
  source: { path: string; index: number };
}

/** A CloudTrail digest file (integrity evidence for delivered log files). */
export interface DigestFile {
  accountId: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket?: string;
  digestS3Object?: string;
  /** `digestPublicKeyFingerprint`: which of the region's public keys signed it. */
  fingerprint?: string;
  /** `previousDigestS3Object`; null in a chain's starting digest. */
  previousS3Object?: string | null;
  /** `previousDigestHashValue`: SHA-256 (hex) of the previous digest file, uncompressed. */
  previousHashValue?: string | null;
  /** `previousDigestSignature`: the previous digest's signature (hex); null in a chain's starting digest. */
  previousSignature?: string | null;
  /** SHA-256 (hex) of this digest file's uncompressed bytes: what its signature and the next digest's hash cover. */
  contentSha256?: string;
  /** Its own signature (hex), from the S3 object metadata `x-amz-meta-signature`, when read from S3. */
  signature?: string;
  logFiles: { s3Bucket?: string; s3Object: string; hashValue: string; hashAlgorithm?: string }[];
  source: { path: string };
}

/** An IAM credential report: one row per user (and `<root_account>`), keyed by the CSV headers. */
export interface CredentialReport {
  accountId: string;
  /** Display path of the file it came from. */
  path: string;
  /** From the `get-credential-report` JSON envelope, when given. */
  generatedTime?: string;
  rows: Record<string, string>[];
}

/** The parse stage's result for one file. */
export interface ParsedFile {
  input: InputRecord;
  /** The CloudTrail events built; empty once they are lines (`eventLines`). */
  events: CloudTrailEvent[];
  /** The events as the store takes them, when made where the file was parsed (store/event-lines.ts). */
  eventLines?: EventLines;
  items: ConfigItem[];
  digest?: DigestFile;
  /**
   * A CloudTrail log file's SHA-256 (hex) of its uncompressed content: what its digest entry holds
   * (InputRecord.sha256 is of the bytes as stored).
   */
  contentSha256?: string;
  credentialReport?: CredentialReport;
  /**
   * CloudTrail records that were valid but are not evidence (read-only successes outside what the
   * store keeps): counted, not built. Set only when the parse stage was given the store's rule.
   */
  dropped?: { read: number; readOnly: number; failed: number };
  /**
   * The file's data events (store/data-events.ts), counted per day and group instead of built: they
   * cannot cause a change AWS Config records. Either reader, any period.
   */
  dataEvents?: DataEventGroup[];
  /** Whole-file or per-record rejections (per-record ones carry `record`). */
  rejected: Rejection[];
  /** Set when the file is not something configtrail reads. */
  skipped?: Skip;
}

/**
 * A file's CloudTrail events (data events aside) as the store's lines (store/events.ts): made on the
 * parse worker, so that text crosses threads, not objects.
 */
export interface EventLines {
  lines: string[];
  /** Indexes of the lines the period's rule keeps, ascending. */
  kept: number[];
  /** Of the lines, the failed calls and the successful read-only ones. */
  failed: number;
  readOnly: number;
}

// ───────────────────────────── store ─────────────────────────────

/** Counts that reconcile: read = used + rejected (+ skipped for files). */
export interface Counts {
  files: { read: number; used: number; rejected: number; skipped: number };
  records: { read: number; used: number; rejected: number };
  /** `data`: data events read (any time): counted in report.json `dataEvents`, never kept. */
  events: { read: number; kept: number; readOnly: number; failed: number; data: number };
  configurationItems: { read: number; kept: number };
}

/**
 * What data events are grouped by, besides the day and the error. `actor` is the session's role for
 * an assumed role (its session names are many), else the ARN, the invoking service or the principal id.
 */
export interface DataEventKey {
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  actorType: string;
  actor: string;
}

/** Data events of one UTC day with the same key and outcome (store/data-events.ts). */
export interface DataEventGroup extends DataEventKey {
  /** The UTC day, as epoch ms of its start. */
  dayMs: number;
  /** Empty for a successful call. */
  errorCode: string;
  count: number;
  lastMs: number;
  /** The earliest events: [eventTimeMs, eventId], at most DATA_SAMPLES, in time order. */
  samples: [number, string][];
}

/** report.json `dataEvents`: the period's data events summarised (the whole list: data-events.csv). */
export interface DataEventSummary {
  /** Data events in the period, and of them failed calls. */
  events: number;
  failed: number;
  /** Distinct groups (account, region, API, actor, error) in the period; `top` holds the largest. */
  groups: number;
  top: DataEventRow[];
  /** Set when actors were folded into "(other actors)" to bound memory. */
  note?: string;
}

export interface DataEventRow extends DataEventKey {
  errorCode?: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  sampleEventIds: string[];
}

/** The input files of a run, in read order: an array, or a list spilled to disk (store/inputs.ts). */
export interface InputRecords extends Iterable<InputRecord> {
  readonly length: number;
}

/**
 * What correlation and controls need, and no more: configuration items that bear on the period
 * (per resource the last one before it, and those inside it), the CloudTrail events that can cause
 * a change or start a session, failed calls and events that activity checks need.
 */
export interface Evidence {
  period: Period;
  inputs: InputRecords;
  rejected: Rejection[];
  skipped: Skip[];
  counts: Counts;
  items: ConfigItem[];
  /** The kept CloudTrail events, read a pass at a time in time order (store/events.ts). */
  events: KeptEvents;
  /** CloudTrail log files checked against the digests, as the files arrived. */
  integrity: IntegrityResult;
  /** IAM credential reports given as input (absent when none). */
  credentialReports?: CredentialReport[];
  /** The period's data events by group, merged over its days (`dayMs`: the first), sorted; `folded` when actors were folded. */
  dataEvents: { groups: DataEventGroup[]; folded: boolean };
}

// ───────────────────────────── correlate ─────────────────────────────

export type ChangeType = 'create' | 'update' | 'delete';

export interface DiffEntry {
  /** Dotted path, e.g. `configuration.ipPermissions[1].ipRanges[0]` or `tags.Owner`. */
  path: string;
  op: 'add' | 'remove' | 'replace';
  before?: unknown;
  after?: unknown;
}

/** One link of an actor chain, listed from the originating identity to the one that made the call. */
export interface ActorStep {
  /** IAMUser, Root, AssumedRole, Role, SSOUser, SAMLUser, WebIdentityUser, FederatedUser, AWSService, AWSAccount, Unknown… */
  type: string;
  /** Display name: user name, role/session, service, subject. */
  name: string;
  arn?: string;
  accountId?: string;
  /** The STS call that created this link (AssumeRole, AssumeRoleWithSAML, …). */
  via?: string;
  eventId?: string;
  eventTime?: string;
}

export interface Actor {
  /** userIdentity.type of the principal that made the call. */
  type: string;
  /** ARN of the principal that made the call, when it has one. */
  arn?: string;
  /** The resolved originating identity, e.g. the IAM user ARN, SSO user name, web-identity subject, service. */
  origin: string;
  /** Kind of origin: IAMUser, Root, SSOUser, SAMLUser, WebIdentityUser, AWSService, EC2Instance (`ec2-instance:i-… (role R)`), AssumedRole (unresolved), … */
  originType: string;
  /** From origin to acting principal. */
  chain: ActorStep[];
  /** False when the chain stops at a session whose issuing event is not in the data. */
  resolved: boolean;
  sourceIdentity?: string;
  mfa?: boolean;
  /**
   * The AWS service that made the call with this principal's credentials (`userIdentity.invokedBy`,
   * e.g. cloudformation.amazonaws.com for a stack's caller), when it is not itself the origin.
   */
  invokedBy?: string;
}

export interface Attribution {
  method: 'relatedEvents' | 'inferred' | 'none';
  /** 0..1 */
  confidence: number;
  eventId?: string;
  eventName?: string;
  eventTime?: string;
  eventSource?: string;
  /** Why this event (or why none): human-readable. */
  reason: string;
  /** How many matching candidate events were in the window. */
  candidates: number;
}

export interface Change {
  /** Stable id: hash of account, region, type, resource id and capture time. */
  id: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  captureTime: string;
  previousCaptureTime?: string;
  changeType: ChangeType;
  /** What the change did, in words: "added ingress tcp 3389 from 0.0.0.0/0", "tag Owner removed (was x)". */
  summary: string[];
  diff: DiffEntry[];
  attribution: Attribution;
  /** Null when no causing event was found. */
  actor: Actor | null;
}

/** A summary of one CloudTrail event, used as evidence (failed calls, activity). */
export interface EventRef {
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  accountId: string;
  awsRegion: string;
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  actor: Actor;
}

export interface CorrelationOptions {
  /** How long before a capture a causing event may be (ms). */
  windowMs: number;
}

export interface Correlation {
  changes: Change[];
  /** Calls with an errorCode in the period, the earliest (FAILED_CALLS_LISTED): never a cause, always evidence. */
  failedCalls: EventRef[];
  /** All of them. */
  failedCallsTotal: number;
}

// ───────────────────────────── controls ─────────────────────────────

export type ControlStatus = 'PASS' | 'FAIL' | 'MANUAL' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA' | 'ERROR';

/** An accepted exception (`--waivers`) as applied to a finding. */
export interface AppliedWaiver {
  reason: string;
  approver?: string;
  ticket?: string;
  /** YYYY-MM-DD; the waiver applies up to and including this day. */
  expires?: string;
  /** True when the waiver expired before the end of the period: it no longer applies. */
  expired: boolean;
}

export interface Finding {
  resourceId: string;
  resourceType: string;
  status: ControlStatus;
  /** The severity of the check that produced the finding. */
  severity?: Severity;
  detail: string;
  /**
   * For a state: since when the failing fact held (the capture of the state that introduced it, or
   * its first recorded state when it held before the period). For an event: its time.
   */
  time?: string;
  /** The fact already held when the period began; `time` is then when it was first seen. */
  sinceBeforePeriod?: boolean;
  /** The in-period change that introduced the failing fact (`changes[].id`). */
  changeId?: string;
  /** The CloudTrail event behind the finding: the call that caused `changeId`, or the event itself. */
  eventId?: string;
  /**
   * A finding about a group of CloudTrail events (same status, actor, API, account and region; see
   * controls/checks/util.ts ActivityGrouper): how many, the last one's time, and the earliest ids
   * (`resourceId` and `time` are the earliest's).
   * Every event is in activity.csv and `configtrail query`.
   */
  count?: number;
  lastTime?: string;
  sampleEventIds?: string[];
  actor?: Actor;
  /** The check that produced the finding. */
  check?: string;
  /** Set when a waiver matched this finding (applied, or expired and therefore not applied). */
  waiver?: AppliedWaiver;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';

/**
 * A closed deviation: a failing fact that held inside the period and ended before its end (fixed,
 * or the resource deleted). A Type II reviewer reads these as exposure during the period, even
 * where the end-of-period status passes.
 */
export interface Deviation {
  /** The check that found it (set by the controls stage). */
  check?: string;
  severity?: Severity;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  fact: string;
  /** When the fact began to hold (its first recorded state when that was before the period). */
  opened: string;
  openedBeforePeriod?: boolean;
  openedChangeId?: string;
  openedEventId?: string;
  /** The originating actor of the change that opened it. */
  openedActor?: string;
  closed: string;
  closedBy: 'fixed' | 'deleted';
  closedChangeId?: string;
  closedEventId?: string;
  closedActor?: string;
  /** closed − opened, in milliseconds. */
  durationMs: number;
}

/** The verdict of one check, as used by a requirement. */
export interface CheckOutcome {
  check: string;
  title: string;
  status: ControlStatus;
  reason: string;
  /**
   * What the check can do for the requirement: decide it, only reveal an exception to it, or stand
   * beside it as supporting evidence (its findings in `supportingFindings`, deciding nothing).
   */
  role: 'decides' | 'indicates' | 'supports';
}

export interface ControlResult {
  framework: string;
  id: string;
  title: string;
  status: ControlStatus;
  findings: Finding[];
  section?: string;
  description?: string;
  /** Why this status, one sentence (for MANUAL: the evidence the export cannot hold). */
  reason?: string;
  /** The checks that decided the status. */
  checks?: CheckOutcome[];
  /** Failed findings covered by a valid waiver: they do not count towards the status. */
  waived?: number;
  /** What the checks do not cover, for a requirement only partly decidable from the export. */
  note?: string;
  /** Failing facts that held during the period and were closed before its end. */
  deviations?: Deviation[];
  /** Why the checks bear on the requirement (the framework mapping's rationale). */
  rationale?: string;
  /** Findings of supporting checks: evidence shown for the reviewer, not a conclusion. */
  supportingFindings?: Finding[];
}

// ───────────────────────────── report ─────────────────────────────

export interface CountRow {
  key: string;
  count: number;
}

export interface ConfigRuleResult {
  accountId: string;
  region: string;
  ruleName: string;
  resourceType: string;
  resourceId: string;
  complianceType: string;
  captureTime: string;
}

/**
 * What the CloudTrail integrity check verified: `hash` (log files against their digest entries),
 * `hash+chain` (also each digest against the next one's previousDigestHashValue, and the chain's
 * links), `hash+chain+signature` (also digest signatures, with the public keys given).
 */
export type IntegrityLevel = 'hash' | 'hash+chain' | 'hash+chain+signature';

export interface IntegrityResult {
  level: IntegrityLevel;
  /** Log files whose SHA-256 matched a digest entry. */
  verified: number;
  /** Log files whose SHA-256 differs from the digest: tampering or corruption (first LIST_LIMIT by path). */
  mismatched: { path: string; expected: string; actual: string }[];
  mismatchedTotal: number;
  /** Delivered log files in the period that no digest in the input lists. */
  uncovered: number;
  uncoveredFiles: { path: string }[];
  /** Digest entries, for log files delivered in the period, whose file is not among the inputs. */
  missing: number;
  missingFiles: { path: string; digest: string }[];
  digests: {
    read: number;
    signatureValid: number;
    /** No public key given, or no signature to check (a chain's last digest read without S3 metadata). */
    signatureUnchecked: number;
    signatureInvalid: { path: string; reason: string }[];
    signatureInvalidTotal: number;
  };
  /** Where a chain of digests is broken: `after` and `before` name the digest objects on either side. */
  chainBreaks: { accountId: string; region: string; after: string; before: string; reason: string }[];
  chainBreaksTotal: number;
  /** Why digests were left unchecked, one line per cause (for the document and `verify`). */
  notes: string[];
}

/** A hole in the evidence: where expected data is absent (see store/coverage.ts). */
export interface CoverageGap {
  source: 'cloudtrail' | 'config' | 'digest';
  accountId: string;
  region: string;
  /** First and last day of the hole, YYYY-MM-DD, inclusive (UTC). */
  from: string;
  to: string;
  reason: string;
}

/** One account and region of the expected scope: what the data holds there. */
export interface CoverageCell {
  accountId: string;
  region: string;
  /** Days of the period with at least one delivered CloudTrail log file. */
  cloudtrailDays: number;
  /** AWS Config items bearing on the period. */
  configItems: number;
}

export interface Coverage {
  /** The scope the report answers for: declared (`--accounts`, `--regions`), else what the data shows. */
  expected: { accounts: string[]; regions: string[] };
  declared: { accounts: boolean; regions: boolean };
  cells: CoverageCell[];
  gaps: CoverageGap[];
}

/** A file the run read its criteria from, as named on the command line, with its SHA-256. */
export interface FileRef {
  path: string;
  sha256: string;
}

/** The criteria a run judged by (report/criteria.ts): enough for a reviewer to re-perform it. */
export interface Criteria {
  period: { from: string; to: string; label: string };
  /** How long before a configuration capture its causing call was searched. */
  attributionWindowMinutes: number;
  /** `--accounts` and `--regions` as declared; null where the scope is what the data shows. */
  expectedScope: { accounts: string[] | null; regions: string[] | null };
  /** `--authorized-principals`: the basis of every change-management exception. */
  authorizedPrincipals: { principals: string[]; files: FileRef[] };
  waivers: { file: FileRef | null; entries: { control: string; resource?: string; reason: string; approver?: string; ticket?: string; expires?: string }[] };
  frameworks: { id: string; title: string; version: string; sha256: string; file?: string; source?: string }[];
  /** `--public-keys` files the digest signatures were checked with. */
  publicKeys: FileRef[];
}

/** report.json, schemaVersion 1. Documented in README.md. */
/** When a report was generated, and what said so. */
export interface Generated {
  /** ISO 8601, UTC, to the second: `2026-10-01T00:00:00Z`. */
  at: string;
  /** `SOURCE_DATE_EPOCH` when it is set (reproducible builds), else the system clock. */
  by: 'clock' | 'SOURCE_DATE_EPOCH';
}

/** How a report was asked for, as given: the command line after the executable, and the inputs (S3 URIs as S3 URIs). */
export interface Invocation {
  argv: string[];
  inputs: string[];
}

/** Who the report is for and who prepared it (`--entity`, `--prepared-by`): shown on the cover and the sign-off page. */
export interface Signoff {
  entity?: string;
  preparedBy?: string;
}

export interface Report {
  schemaVersion: 1;
  generator: { name: string; version: string };
  /** When it was generated: the clock, or SOURCE_DATE_EPOCH (src/util/clock.ts). */
  generated: Generated;
  invocation: Invocation;
  signoff: Signoff;
  period: { from: string; to: string; label: string };
  criteria: Criteria;
  scope: { accounts: string[]; regions: string[]; frameworks: string[] };
  counts: Counts;
  inputs: InputRecords;
  rejected: Rejection[];
  skipped: Skip[];
  changes: Change[];
  /** The first FAILED_CALLS_LISTED failed calls of the period, in time order (all of them: activity.csv). */
  failedCalls: EventRef[];
  failedCallsTotal: number;
  /** Data events are summarised, not listed (the whole list: data-events.csv). */
  dataEvents: DataEventSummary;
  configRuleResults: ConfigRuleResult[];
  integrity: IntegrityResult;
  coverage: Coverage;
  summary: {
    byChangeType: CountRow[];
    byResourceType: CountRow[];
    byActor: CountRow[];
    /** ISO week start (Monday, YYYY-MM-DD) → changes. */
    byWeek: CountRow[];
  };
  controls: ControlResult[];
}
