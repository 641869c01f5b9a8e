import type { Check } from '../../model.js';
import { s3BucketDefaultEncryption } from './s3-bucket-default-encryption.js';
import { s3BucketDeniesHttp } from './s3-bucket-denies-http.js';
import { s3BucketMfaDeleteEnabled } from './s3-bucket-mfa-delete-enabled.js';
import { s3BucketVersioningEnabled } from './s3-bucket-versioning-enabled.js';
import { s3PublicAccessBlocked } from './s3-public-access-blocked.js';

export const S3_CHECKS: Check[] = [s3BucketDeniesHttp, s3BucketMfaDeleteEnabled, s3PublicAccessBlocked, s3BucketDefaultEncryption, s3BucketVersioningEnabled];
