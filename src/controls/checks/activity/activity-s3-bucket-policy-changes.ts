import { calls, trackedChanges } from './_shared.js';

export const activityS3BucketPolicyChanges = trackedChanges(
  {
    id: 'activity-s3-bucket-policy-changes',
    title: 'S3 bucket policy changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful S3 bucket policy change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('s3.amazonaws.com', ['PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication']),
  'S3 bucket policy change',
);
