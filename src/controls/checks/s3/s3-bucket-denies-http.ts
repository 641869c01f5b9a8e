import type { Check } from '../../model.js';
import { get, listOf, perResource, statements } from '../util.js';
import { bucketPolicy } from './_shared.js';

export const s3BucketDeniesHttp: Check = {
  meta: {
    id: 's3-bucket-denies-http',
    title: 'S3 bucket policies deny requests that do not use TLS',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    needs: ['config'],
    description: 'Passes buckets whose policy has a Deny statement for every principal when aws:SecureTransport is false.',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::S3::Bucket'],
      (b) => {
        const deny = statements(bucketPolicy(b)).some((s) => {
          const principal = s.Principal === '*' || listOf(get(s.Principal, 'AWS')).includes('*');
          const cond = get(s.Condition, 'Bool', 'aws:SecureTransport');
          return s.Effect === 'Deny' && principal && (cond === false || cond === 'false' || listOf(cond).includes('false'));
        });
        return deny ? undefined : 'bucket policy does not deny requests without TLS (aws:SecureTransport false)';
      },
      'buckets',
    ),
};
