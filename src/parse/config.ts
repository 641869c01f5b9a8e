import type { ConfigItem, DigestFile } from '../model/types.js';
import { clean } from './cloudtrail.js';
import type { Notice } from './wrappers.js';
import { MAX_DEPTH, deeperThan, isObj, isoTime, maybeJson, str, stringMap, text, tooDeep } from './values.js';

type Origin = ConfigItem['origin'];

/** A region's name: `us-east-1`, `us-gov-west-1`, `cn-northwest-1`, `eu-isoe-west-1`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** An Availability Zone or Local Zone name and the region in it: `us-west-2b`, `us-west-2-lax-1a`. */
const ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})(?:[a-z]|-[a-z]+-\d+[a-z])$/;

function regionIn(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (REGION.test(v)) return v;
  return ZONE.exec(v)?.[1];
}

/**
 * The region an item without `awsRegion` names elsewhere: its ARN's region (AWS's 2014 examples
 * write a zone there, `arn:aws:ec2:us-west-2b:…`, or in the service's place, `arn:aws:us-west-2b:…`),
 * else its Availability Zone (which those examples spell `availibilityZone`).
 */
export function regionOfItem(raw: Record<string, unknown>): string | undefined {
  const arn = text(raw.ARN) ?? text(raw.arn);
  const parts = arn?.startsWith('arn:') ? arn.split(':', 5) : [];
  return regionIn(parts[3]) ?? regionIn(parts[2]) ?? regionIn(text(raw.availabilityZone)) ?? regionIn(text(raw.availibilityZone));
}

/**
 * Normalises one configuration item, whatever its dialect: delivered files and SNS notifications
 * (`awsAccountId`, `ARN`, ISO capture time, configuration as an object) and the Config API's
 * output (`accountId`, `arn`, epoch-seconds times, configuration as a JSON string). Times are
 * written in one form (see isoTime); a missing `awsRegion` is taken from the ARN or zone
 * (regionOfItem). A notification's item keeps what the message says of it (noticeOf): an oversized
 * one is its summary (no configuration) and where AWS put the whole item. Returns why the item cannot be used when it lacks what identifies it.
 */
export function normaliseItem(raw: unknown, origin: Origin, path: string, index: number, notice: Notice = {}, maxDepth = MAX_DEPTH): ConfigItem | string {
  if (!isObj(raw)) return `configuration item is ${Array.isArray(raw) ? 'an array' : typeof raw}, not an object`;
  if (deeperThan(raw, maxDepth)) return tooDeep('configuration item', maxDepth);
  const resourceType = text(raw.resourceType);
  if (!resourceType) return 'configuration item has no resourceType';
  const resourceId = text(raw.resourceId);
  if (!resourceId) return 'configuration item has no resourceId';
  const accountId = text(raw.awsAccountId) ?? text(raw.accountId);
  if (!accountId) return 'configuration item has no account id (awsAccountId/accountId)';
  const region = text(raw.awsRegion) ?? regionOfItem(raw);
  if (!region) return 'configuration item has no awsRegion, and neither its ARN nor its availabilityZone names one';
  const rawTime = raw.configurationItemCaptureTime;
  const capture = isoTime(rawTime);
  if (capture === undefined) return `configuration item has no valid configurationItemCaptureTime (${JSON.stringify(rawTime ?? null).slice(0, 40)})`;
  const { iso: captureTime, ms: captureTimeMs } = capture;

  // Values given as JSON text (the API's) nest in the item as deep as they parse: item → field (→ key).
  const { oversized, s3BucketLocation, configurationItemDiff } = notice;
  if (configurationItemDiff !== undefined && deeperThan(configurationItemDiff, maxDepth - 1)) return tooDeep('configuration item (its configurationItemDiff)', maxDepth);
  const configuration = oversized ? null : (maybeJson(raw.configuration) ?? null);
  if (typeof raw.configuration === 'string' && deeperThan(configuration, maxDepth - 1)) return tooDeep('configuration item', maxDepth);
  const supplementary: Record<string, unknown> = {};
  if (isObj(raw.supplementaryConfiguration)) {
    for (const k of Object.keys(raw.supplementaryConfiguration).sort()) {
      const v = raw.supplementaryConfiguration[k];
      supplementary[k] = maybeJson(v);
      if (typeof v === 'string' && deeperThan(supplementary[k], maxDepth - 2)) return tooDeep('configuration item', maxDepth);
    }
  }
  const item: ConfigItem = {
    accountId,
    region,
    resourceType,
    resourceId,
    captureTime,
    captureTimeMs,
    status: text(raw.configurationItemStatus) ?? 'OK',
    configuration,
    supplementaryConfiguration: supplementary,
    tags: stringMap(raw.tags),
    relationships: Array.isArray(raw.relationships) ? raw.relationships : [],
    relatedEvents: Array.isArray(raw.relatedEvents) ? raw.relatedEvents.map(str).filter((s): s is string => !!s) : [],
    origin,
    source: { path, index },
  };
  Object.assign(
    item,
    clean({
      resourceName: text(raw.resourceName),
      arn: text(raw.ARN) ?? text(raw.arn),
      availabilityZone: text(raw.availabilityZone),
      stateId: str(raw.configurationStateId),
      resourceCreationTime: isoTime(raw.resourceCreationTime)?.iso,
      oversized,
      s3BucketLocation,
      configurationItemDiff,
    }),
  );
  return item;
}

/** A digest's log file entry, or why it cannot be used. */
export function normaliseDigestEntry(raw: unknown): DigestFile['logFiles'][number] | string {
  if (!isObj(raw)) return 'digest logFiles entry is not an object';
  const s3Object = text(raw.s3Object);
  if (!s3Object) return 'digest logFiles entry has no s3Object';
  const hashValue = text(raw.hashValue);
  if (!hashValue || !/^[0-9a-fA-F]+$/.test(hashValue)) return 'digest logFiles entry has no hex hashValue';
  return clean({ s3Bucket: str(raw.s3Bucket), s3Object, hashValue: hashValue.toLowerCase(), hashAlgorithm: str(raw.hashAlgorithm) });
}
