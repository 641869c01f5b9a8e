import type { DataEventGroup } from '../../../model/types.js';
import type { Check } from '../../model.js';
import { asArray, get, insufficient, listOf } from '../util.js';
import { field, TRAIL } from './_shared.js';

/** Whether a trail's (advanced) event selectors log S3 object-level events of the given kind. */
function coversS3Objects(selectors: { basic: unknown[]; advanced: unknown[] }, kind: 'write' | 'read'): boolean {
  const basic = selectors.basic.some((s) => {
    const rw = String(get(s, 'readWriteType') ?? get(s, 'ReadWriteType') ?? 'All');
    const okRw = rw === 'All' || (kind === 'write' ? rw === 'WriteOnly' : rw === 'ReadOnly');
    return okRw && asArray(get(s, 'dataResources') ?? get(s, 'DataResources')).some((d) => (get(d, 'type') ?? get(d, 'Type')) === 'AWS::S3::Object');
  });
  const advanced = selectors.advanced.some((s) => {
    const fields = asArray(get(s, 'fieldSelectors') ?? get(s, 'FieldSelectors'));
    const eq = (name: string) => fields.filter((f) => (get(f, 'field') ?? get(f, 'Field')) === name).flatMap((f) => listOf(get(f, 'equals') ?? get(f, 'Equals')));
    if (!eq('eventCategory').includes('Data') || !eq('resources.type').includes('AWS::S3::Object')) return false;
    const ro = eq('readOnly');
    return ro.length === 0 || ro.includes(kind === 'read' ? 'true' : 'false');
  });
  return basic || advanced;
}

/**
 * The S3 object-level APIs CloudTrail logs as data events that only read (readOnly: true): objects,
 * their ACLs, tags, attributes, locks and parts, and the bucket-level listings logged as object-level
 * actions (Amazon S3 User Guide, "Amazon S3 CloudTrail events": object-level actions tracked by
 * CloudTrail logging). Every other S3 data event writes (PutObject, CopyObject, DeleteObject(s),
 * the multipart uploads, RestoreObject, PutObjectAcl/Tagging/Retention/LegalHold…).
 */
export const S3_OBJECT_READ_APIS: ReadonlySet<string> = new Set([
  'GetObject',
  'GetObjectAcl',
  'GetObjectAttributes',
  'GetObjectLegalHold',
  'GetObjectRetention',
  'GetObjectTagging',
  'GetObjectTorrent',
  'HeadBucket',
  'HeadObject',
  'ListMultipartUploads',
  'ListObjectVersions',
  'ListObjects',
  'ListObjectsV2',
  'ListParts',
  'SelectObjectContent',
]);

/** Whether a group of data events holds S3 object events of the given kind (failed calls are logged too). */
export function s3DataEventsOf(kind: 'write' | 'read'): (g: DataEventGroup) => boolean {
  return (g) => g.eventSource === 's3.amazonaws.com' && S3_OBJECT_READ_APIS.has(g.eventName) === (kind === 'read');
}

export function s3DataEventsCheck(kind: 'write' | 'read'): Check {
  return {
    meta: {
      id: `cloudtrail-s3-data-events-${kind}`,
      title: `Object-level logging of S3 ${kind} events is enabled`,
      severity: 'medium',
      resourceTypes: [TRAIL],
      needs: ['config', 'cloudtrail'],
      description: `Passes when some trail's event selectors log S3 object ${kind} events (AWS::S3::Object data resources), or when S3 ${kind} data events appear in the CloudTrail input.`,
    },
    evaluate: (ev) => {
      const trails = ev.endState(TRAIL);
      const logged = trails.some((t) => coversS3Objects({ basic: asArray(field(t, 'eventSelectors', 'EventSelectors')), advanced: asArray(field(t, 'advancedEventSelectors', 'AdvancedEventSelectors')) }, kind));
      // Data events are counted by group, never kept as activity (store/data-events.ts).
      const seen = ev.dataEvents.some(s3DataEventsOf(kind));
      if (logged || seen) return { status: 'PASS', findings: [], reason: logged ? `a trail logs S3 object ${kind} events` : `S3 object ${kind} data events are present in the CloudTrail input` };
      if (trails.length === 0) return insufficient('no trails in the AWS Config data');
      return {
        status: 'FAIL',
        findings: trails.map((t) => ({ resourceId: t.resourceId, resourceType: TRAIL, status: 'FAIL', detail: `trail ${t.resourceName ?? t.resourceId} in ${t.accountId}: no event selector for S3 object ${kind} events` })),
        reason: `no trail logs S3 object ${kind} events`,
      };
    },
  };
}
