import type { Finding } from '../../../model/types.js';
import type { Check } from '../../model.js';
import type { ConfigItem } from '../../../model/types.js';
import { get, insufficient, resourceFinding, walkTimeline } from '../util.js';
import { field, TRAIL } from './_shared.js';

export const cloudtrailBucketAccessLogging: Check = {
  meta: {
    id: 'cloudtrail-bucket-access-logging',
    title: 'Server access logging is enabled on the CloudTrail S3 bucket',
    severity: 'low',
    resourceTypes: [TRAIL, 'AWS::S3::Bucket'],
    needs: ['config'],
    description: "Finds each trail's S3 bucket among the recorded buckets and fails those without a BucketLoggingConfiguration destination.",
  },
  evaluate: (ev) => {
    const trails = ev.endState(TRAIL);
    if (trails.length === 0) return ev.configRegions.size === 0 ? insufficient('no AWS Config data in the input') : { status: 'NOT_APPLICABLE', findings: [], reason: 'no trails recorded' };
    const buckets = new Map(ev.endState('AWS::S3::Bucket').map((b) => [b.resourceName ?? b.resourceId, b]));
    const findings: Finding[] = [];
    const unknown: string[] = [];
    for (const t of trails) {
      const name = String(field(t, 's3BucketName', 'S3BucketName') ?? '');
      const bucket = buckets.get(name);
      if (!bucket) {
        unknown.push(name || t.resourceId);
        continue;
      }
      const fact = `bucket of trail ${t.resourceName ?? t.resourceId} has no server access logging`;
      const walk = walkTimeline(ev, ev.timeline(bucket), (b) => (loggingDestination(b) ? undefined : fact));
      if (walk.open) findings.push(resourceFinding(ev, bucket, 'FAIL', walk.open.fact, walk.open.since));
    }
    if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} trail bucket(s) without access logging` };
    if (unknown.length > 0) return insufficient(`the trail bucket(s) ${unknown.join(', ')} are not in the AWS Config data`);
    return { status: 'PASS', findings: [], reason: `all ${trails.length} trail buckets log access` };
  },
};

function loggingDestination(bucket: ConfigItem): unknown {
  const logging = bucket.supplementaryConfiguration.BucketLoggingConfiguration;
  return get(typeof logging === 'string' ? (JSON.parse(logging) as unknown) : logging, 'destinationBucketName');
}
