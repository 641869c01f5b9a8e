import { settingIsOn } from './_shared.js';

export const rdsStorageEncrypted = settingIsOn({
  id: 'rds-storage-encrypted',
  title: 'RDS instances are encrypted at rest',
  severity: 'high',
  types: ['AWS::RDS::DBInstance'],
  fields: ['storageEncrypted', 'StorageEncrypted'],
  what: 'RDS instances',
  fact: 'storage is not encrypted',
  description: 'Reads configuration.storageEncrypted of each AWS::RDS::DBInstance.',
});
