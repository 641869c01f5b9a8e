import type { Check } from '../../model.js';
import { asArray, get, perResource } from '../util.js';
import { supp } from './_shared.js';

export const s3BucketDefaultEncryption: Check = {
  meta: {
    id: 's3-bucket-default-encryption',
    title: 'S3 buckets have default encryption configured',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    needs: ['config'],
    description: 'Reads ServerSideEncryptionConfiguration of each bucket and fails those without a default encryption rule.',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::S3::Bucket'],
      (b) => (asArray(get(supp(b, 'ServerSideEncryptionConfiguration'), 'rules')).some((r) => get(r, 'applyServerSideEncryptionByDefault', 'sseAlgorithm')) ? undefined : 'no default encryption rule'),
      'buckets',
    ),
};
