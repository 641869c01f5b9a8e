import type { Check } from '../../model.js';
import { get, perResource, truthy } from '../util.js';
import { supp } from './_shared.js';

export const s3BucketMfaDeleteEnabled: Check = {
  meta: {
    id: 's3-bucket-mfa-delete-enabled',
    title: 'MFA Delete is enabled on S3 buckets',
    severity: 'low',
    resourceTypes: ['AWS::S3::Bucket'],
    needs: ['config'],
    description: 'Reads BucketVersioningConfiguration.isMfaDeleteEnabled of each bucket.',
  },
  evaluate: (ev) => perResource(ev, ['AWS::S3::Bucket'], (b) => (truthy(get(supp(b, 'BucketVersioningConfiguration'), 'isMfaDeleteEnabled')) ? undefined : 'MFA Delete is not enabled'), 'buckets'),
};
