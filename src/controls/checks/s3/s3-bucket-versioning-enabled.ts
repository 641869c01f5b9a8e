import type { Check } from '../../model.js';
import { get, perResource } from '../util.js';
import { supp } from './_shared.js';

export const s3BucketVersioningEnabled: Check = {
  meta: {
    id: 's3-bucket-versioning-enabled',
    title: 'S3 bucket versioning is enabled',
    severity: 'low',
    resourceTypes: ['AWS::S3::Bucket'],
    needs: ['config'],
    description: 'Reads BucketVersioningConfiguration.status of each bucket; anything but Enabled fails.',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::S3::Bucket'],
      (b) => {
        const status = String(get(supp(b, 'BucketVersioningConfiguration'), 'status') ?? 'Off');
        return status === 'Enabled' ? undefined : `versioning is ${status}`;
      },
      'buckets',
    ),
};
