import type { ConfigItem } from '../../../model/types.js';
import { get, isObj, policyDocument, truthy } from '../util.js';

/** S3 keeps bucket settings in supplementaryConfiguration (values may be objects or JSON strings). */
export function supp(bucket: ConfigItem, key: string): unknown {
  const v = bucket.supplementaryConfiguration[key];
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

export function bucketPolicy(bucket: ConfigItem): ReturnType<typeof policyDocument> {
  const p = supp(bucket, 'BucketPolicy');
  return policyDocument(isObj(p) ? p.policyText : p);
}

export const PAB_FLAGS = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'] as const;

/** The flags of a public access block configuration that are not on. */
export function pabGaps(conf: unknown): string[] {
  return PAB_FLAGS.filter((f) => !truthy(get(conf, f)));
}
