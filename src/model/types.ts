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
  | 'config-snapshot'
  | 'config-history'
  | 'config-notification' // ConfigurationItemChangeNotification / Oversized…
  | 'config-api-history' // `aws configservice get-resource-config-history`
  | 'config-api-batch' // `aws configservice batch-get-resource-config`
  | 'iam-credential-report' // `aws iam get-credential-report` CSV (or its JSON envelope)
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
  eventId: string;
  eventTime: string; // ISO 8601, as in the record
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
  captureTime: string; // ISO 8601 (normalised from epoch seconds for API output)
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
  events: CloudTrailEvent[];
  items: ConfigItem[];
  digest?: DigestFile;
  credentialReport?: CredentialReport;
  /**
   * CloudTrail records that were valid but are not evidence (read-only successes outside what the
   * store keeps): counted, not built. Set only when the parse stage was given the store's rule.
   */
  dropped?: { read: number; readOnly: number; failed: number };
  /** Whole-file or per-record rejections (per-record ones carry `record`). */
  rejected: Rejection[];
  /** Set when the file is not something configtrail reads. */
  skipped?: Skip;
}

// ───────────────────────────── store ─────────────────────────────

/** Counts that reconcile: read = used + rejected (+ skipped for files). */
export interface Counts {
  files: { read: number; used: number; rejected: number; skipped: number };
  records: { read: number; used: number; rejected: number };
  events: { read: number; kept: number; readOnly: number; failed: number };
  configurationItems: { read: number; kept: number };
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
  events: CloudTrailEvent[];
  /** CloudTrail log files checked against the digests, as the files arrived. */
  integrity: IntegrityResult;
  /** IAM credential reports given as input (absent when none). */
  credentialReports?: CredentialReport[];
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
  /** Kind of origin: IAMUser, Root, SSOUser, SAMLUser, WebIdentityUser, AWSService, AssumedRole (unresolved), … */
  originType: string;
  /** From origin to acting principal. */
  chain: ActorStep[];
  /** False when the chain stops at a session whose issuing event is not in the data. */
  resolved: boolean;
  sourceIdentity?: string;
  mfa?: boolean;
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
  /** Calls with an errorCode in the period: never a cause, always evidence. */
  failedCalls: EventRef[];
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
  detail: string;
  time?: string;
  changeId?: string;
  actor?: Actor;
  /** The check that produced the finding. */
  check?: string;
  /** Set when a waiver matched this finding (applied, or expired and therefore not applied). */
  waiver?: AppliedWaiver;
}

/** The verdict of one check, as used by a requirement. */
export interface CheckOutcome {
  check: string;
  title: string;
  status: ControlStatus;
  reason: string;
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

export interface IntegrityResult {
  /** Log files whose SHA-256 matched a digest entry. */
  verified: number;
  /** Log files whose SHA-256 differs from the digest: tampering or corruption. */
  mismatched: { path: string; expected: string; actual: string }[];
  /** Delivered log files no digest in the input covers. */
  uncovered: number;
  /** Digest entries whose log file is not among the inputs. */
  missing: number;
}

/** report.json, schemaVersion 1. Documented in README.md. */
export interface Report {
  schemaVersion: 1;
  generator: { name: string; version: string };
  period: { from: string; to: string; label: string };
  scope: { accounts: string[]; regions: string[]; frameworks: string[] };
  counts: Counts;
  inputs: InputRecords;
  rejected: Rejection[];
  skipped: Skip[];
  changes: Change[];
  failedCalls: EventRef[];
  configRuleResults: ConfigRuleResult[];
  integrity: IntegrityResult;
  summary: {
    byChangeType: CountRow[];
    byResourceType: CountRow[];
    byActor: CountRow[];
    /** ISO week start (Monday, YYYY-MM-DD) → changes. */
    byWeek: CountRow[];
  };
  controls: ControlResult[];
}
