import type { Check } from '../model.js';
import { EC2_CHECKS } from './ec2/index.js';
import { IAM_CHECKS } from './iam/index.js';
import { DATA_CHECKS } from './data/index.js';
import { S3_CHECKS } from './s3/index.js';
import { LOGGING_CHECKS } from './logging/index.js';
import { ACTIVITY_CHECKS } from './activity/index.js';

/** Every check configtrail has, one file per check, grouped by service. Frameworks refer to them by `meta.id`. */
export const ALL_CHECKS: Check[] = [...IAM_CHECKS, ...S3_CHECKS, ...DATA_CHECKS, ...EC2_CHECKS, ...LOGGING_CHECKS, ...ACTIVITY_CHECKS];

export function checkRegistry(): Map<string, Check> {
  return new Map(ALL_CHECKS.map((c) => [c.meta.id, c]));
}
