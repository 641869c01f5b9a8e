import type { Check } from '../../model.js';
import { perResource } from '../util.js';
import { pabGaps, supp } from './_shared.js';

export const s3PublicAccessBlocked: Check = {
  meta: {
    id: 's3-public-access-blocked',
    title: 'S3 Block Public Access is on for every bucket (bucket or account level)',
    severity: 'high',
    resourceTypes: ['AWS::S3::Bucket', 'AWS::S3::AccountPublicAccessBlock'],
    needs: ['config'],
    description: "Passes buckets whose own PublicAccessBlockConfiguration, or their account's AWS::S3::AccountPublicAccessBlock, turns on all four settings.",
  },
  evaluate: (ev) => {
    const accountLevel = new Map(ev.endState('AWS::S3::AccountPublicAccessBlock').map((a) => [a.accountId, pabGaps(a.configuration)]));
    return perResource(
      ev,
      ['AWS::S3::Bucket'],
      (b) => {
        if (accountLevel.get(b.accountId)?.length === 0) return undefined;
        const gaps = pabGaps(supp(b, 'PublicAccessBlockConfiguration'));
        return gaps.length === 0 ? undefined : `public access block settings off: ${gaps.join(', ')}`;
      },
      'buckets',
    );
  },
};
