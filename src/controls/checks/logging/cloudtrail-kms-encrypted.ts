import type { Check } from '../../model.js';
import { perResource } from '../util.js';
import { field, TRAIL } from './_shared.js';

export const cloudtrailKmsEncrypted: Check = {
  meta: {
    id: 'cloudtrail-kms-encrypted',
    title: 'CloudTrail logs are encrypted at rest with a KMS key',
    severity: 'medium',
    resourceTypes: [TRAIL],
    needs: ['config'],
    description: 'Fails trails without a KMS key id.',
  },
  evaluate: (ev) => perResource(ev, [TRAIL], (t) => (field(t, 'kmsKeyId', 'kMSKeyId', 'KMSKeyId', 'KmsKeyId') ? undefined : 'no KMS key: logs use S3-managed encryption only'), 'trails'),
};
