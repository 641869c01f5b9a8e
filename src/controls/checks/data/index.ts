import type { Check } from '../../model.js';
import { ebsVolumesEncrypted } from './ebs-volumes-encrypted.js';
import { efsEncrypted } from './efs-encrypted.js';
import { rdsAutoMinorVersionUpgrade } from './rds-auto-minor-version-upgrade.js';
import { rdsMultiAz } from './rds-multi-az.js';
import { rdsNotPubliclyAccessible } from './rds-not-publicly-accessible.js';
import { rdsStorageEncrypted } from './rds-storage-encrypted.js';

export const DATA_CHECKS: Check[] = [rdsStorageEncrypted, rdsAutoMinorVersionUpgrade, rdsNotPubliclyAccessible, rdsMultiAz, efsEncrypted, ebsVolumesEncrypted];
