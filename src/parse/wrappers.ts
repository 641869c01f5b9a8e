import { isObj, shortReason, text, type Obj } from './values.js';

/**
 * The envelopes AWS wraps records in on their way to disk, recognised by content: EventBridge
 * events (as EventBridge → Firehose → S3 writes them), AWS Config rule invocation events, the
 * `select-resource-config` reply, and AWS Config's notices that carry no configuration item.
 */

/** An EventBridge event: `detail-type`, `source` and `detail`. */
export function isEnvelope(v: unknown): boolean {
  return isObj(v) && typeof v['detail-type'] === 'string' && typeof v.source === 'string' && 'detail' in v;
}

/** What an EventBridge event's `detail` is, by its detail-type. */
export type DetailKind = 'cloudtrail' | 'insight' | 'config-item' | 'other';

const DETAIL_KINDS = new Map<string, DetailKind>([
  ['AWS API Call via CloudTrail', 'cloudtrail'],
  ['AWS Console Sign In via CloudTrail', 'cloudtrail'],
  ['AWS Service Event via CloudTrail', 'cloudtrail'],
  ['AWS Insight via CloudTrail', 'insight'],
  ['Config Configuration Item Change', 'config-item'],
]);

export function detailKind(detailType: string): DetailKind {
  return DETAIL_KINDS.get(detailType) ?? 'other';
}

/**
 * The CloudTrail record in an event's `detail`, with the envelope's `account`, `region` and `time`
 * filling only what the record lacks (a copy: the detail itself is left as it is).
 */
export function recordOfEnvelope(env: Obj): Obj | undefined {
  const detail = env.detail;
  if (!isObj(detail)) return undefined;
  const rec: Obj = { ...detail };
  if (!text(rec.recipientAccountId) && text(env.account)) rec.recipientAccountId = env.account;
  if (!text(rec.awsRegion) && text(env.region)) rec.awsRegion = env.region;
  if (rec.eventTime === undefined && text(env.time)) rec.eventTime = env.time;
  return rec;
}

/** What a change notification says of its item besides the item itself. */
export interface Notice {
  /** An OversizedConfigurationItemChangeNotification: the item is only its summary. */
  oversized?: boolean | undefined;
  /** `s3DeliverySummary.s3BucketLocation` of an oversized one: where AWS Config put the whole item. */
  s3BucketLocation?: string | undefined;
  /** `configurationItemDiff`, as delivered (an object, else left out). */
  configurationItemDiff?: Obj | undefined;
}

/**
 * A change notification's notice (the message itself, or an EventBridge event's detail). A diff is
 * kept only where the message holds one item (AWS's 2014 examples hold an array).
 */
export function noticeOf(message: Obj, oversized: boolean, items = 1): Notice {
  const delivery = message.s3DeliverySummary;
  return {
    oversized: oversized || undefined,
    s3BucketLocation: oversized && isObj(delivery) ? text(delivery.s3BucketLocation) : undefined,
    configurationItemDiff: items === 1 && isObj(message.configurationItemDiff) ? message.configurationItemDiff : undefined,
  };
}

/**
 * The configuration item in a `Config Configuration Item Change` event (the detail is a
 * ConfigurationItemChangeNotification, or its oversized form), the envelope's `account` and
 * `region` filling what the item lacks.
 */
export function itemOfEnvelope(env: Obj): { item: Obj; notice: Notice } | undefined {
  const detail = env.detail;
  if (!isObj(detail)) return undefined;
  const oversized = !isObj(detail.configurationItem) && isObj(detail.configurationItemSummary);
  const body = oversized ? detail.configurationItemSummary : detail.configurationItem;
  if (!isObj(body)) return undefined;
  const item: Obj = { ...body };
  if (!text(item.awsAccountId) && !text(item.accountId) && text(env.account)) item.awsAccountId = env.account;
  if (!text(item.awsRegion) && text(env.region)) item.awsRegion = env.region;
  return { item, notice: noticeOf(detail, oversized) };
}

/** A detail-type as a reason quotes it: bounded, one line. */
export function quoted(detailType: string): string {
  return `"${shortReason(detailType, 80)}"`;
}

/** AWS Config rule invocation events (what a custom rule's Lambda function receives). */
export function isRuleInvocation(v: Obj): boolean {
  return typeof v.invokingEvent === 'string' && ('configRuleName' in v || 'configRuleArn' in v || 'resultToken' in v);
}

/** `aws configservice select-resource-config` output: `Results`, each row a JSON string. */
export function isSelectOutput(v: Obj): v is Obj & { Results: unknown[] } {
  return Array.isArray(v.Results) && ('QueryInfo' in v || (v.Results.length > 0 && v.Results.every((r) => typeof r === 'string')));
}

/** Whether a select-resource-config row holds what a configuration item needs (awsRegion may come from its ARN). */
export function rowIsItem(v: unknown): boolean {
  return isObj(v) && !!text(v.resourceType) && !!text(v.resourceId) && !!(text(v.accountId) ?? text(v.awsAccountId)) && v.configurationItemCaptureTime !== undefined;
}

/** The fields a select-resource-config reply holds: its QueryInfo's, else its rows' keys. */
export function selectFields(doc: Obj, rows: unknown[]): string[] {
  const info = doc.QueryInfo;
  if (isObj(info) && Array.isArray(info.SelectFields)) {
    const named = info.SelectFields.map((f) => (isObj(f) ? text(f.Name) : undefined)).filter((n): n is string => !!n);
    if (named.length > 0) return named;
  }
  return [...new Set(rows.flatMap((r) => (isObj(r) ? Object.keys(r) : [])))].sort();
}

/** `aws cloudtrail lookup-events` request parameters (a `--cli-input-json` file), not its output. */
export function isLookupRequest(v: Obj): boolean {
  const keys = Object.keys(v);
  const request = new Set(['LookupAttributes', 'StartTime', 'EndTime', 'EventCategory', 'MaxResults', 'NextToken']);
  return keys.length > 0 && keys.every((k) => request.has(k)) && keys.some((k) => k !== 'NextToken');
}

/**
 * What an AWS Config message that carries no configuration item is, by its messageType; undefined
 * for a type not known here.
 */
export function configNotice(type: string): string | undefined {
  switch (type) {
    case 'ConfigurationHistoryDeliveryCompleted':
      return 'AWS Config notice that a configuration history file was delivered (it names the file; read the file itself)';
    case 'ConfigurationSnapshotDeliveryStarted':
    case 'ConfigurationSnapshotDeliveryCompleted':
      return `AWS Config notice of a configuration snapshot delivery (${type}; it names the file: read the file itself)`;
    case 'ConfigurationSnapshotDeliveryFailed':
    case 'ConfigurationHistoryDeliveryFailed':
      return `AWS Config notice that a delivery to S3 failed (${type}): no configuration item`;
    case 'OversizedConfigurationItemChangeDeliveryFailed':
      return 'AWS Config notification-delivery-failed message (OversizedConfigurationItemChangeDeliveryFailed): an oversized item could not be delivered to S3; it carries only a summary of the item';
    case 'ComplianceChangeNotification':
      return 'AWS Config rule compliance change notice (ComplianceChangeNotification): no configuration item';
    case 'ConfigRulesEvaluationStarted':
      return 'AWS Config rule evaluation notice (ConfigRulesEvaluationStarted): no configuration item';
    case 'ScheduledNotification':
      return 'AWS Config periodic rule trigger (ScheduledNotification): no configuration item';
    default:
      return undefined;
  }
}

/** Replies of AWS CLI commands that hold no records, by the keys that make them up. */
const REPLIES: [string[], string][] = [
  [['resourceIdentifiers'], '`aws configservice list-discovered-resources` output: resource ids, no configuration items'],
  [['configSnapshotId'], '`aws configservice deliver-config-snapshot` reply: the id of a snapshot being delivered, not the snapshot'],
  [['DeliveryChannelsStatus'], '`aws configservice describe-delivery-channel-status` output: delivery status, no configuration items'],
  [['Channels'], '`aws cloudtrail list-channels` output: channels, no events'],
  [['ChannelArn', 'Destinations'], '`aws cloudtrail get-channel` output: a channel, no events'],
];

/** What an AWS CLI reply that holds no records is; undefined for anything else. */
export function knownReply(v: Obj): string | undefined {
  return REPLIES.find(([keys]) => keys.every((k) => k in v) && Object.keys(v).length <= keys.length + 4)?.[1];
}
