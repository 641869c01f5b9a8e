import type { Check } from '../../model.js';
import { cloudtrailBucketAccessLogging } from './cloudtrail-bucket-access-logging.js';
import { cloudtrailKmsEncrypted } from './cloudtrail-kms-encrypted.js';
import { cloudtrailLogFileValidation } from './cloudtrail-log-file-validation.js';
import { cloudtrailMultiRegionEnabled } from './cloudtrail-multi-region-enabled.js';
import { cloudtrailS3DataEventsRead } from './cloudtrail-s3-data-events-read.js';
import { cloudtrailS3DataEventsWrite } from './cloudtrail-s3-data-events-write.js';
import { configRecorderAllRegions } from './config-recorder-all-regions.js';
import { kmsKeyRotationEnabled } from './kms-key-rotation-enabled.js';

export const LOGGING_CHECKS: Check[] = [
  cloudtrailMultiRegionEnabled,
  cloudtrailLogFileValidation,
  cloudtrailKmsEncrypted,
  cloudtrailBucketAccessLogging,
  cloudtrailS3DataEventsWrite,
  cloudtrailS3DataEventsRead,
  configRecorderAllRegions,
  kmsKeyRotationEnabled,
];
