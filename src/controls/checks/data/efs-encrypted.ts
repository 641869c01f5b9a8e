import { settingIsOn } from './_shared.js';

export const efsEncrypted = settingIsOn({
  id: 'efs-encrypted',
  title: 'EFS file systems are encrypted at rest',
  severity: 'medium',
  types: ['AWS::EFS::FileSystem'],
  fields: ['Encrypted', 'encrypted'],
  what: 'EFS file systems',
  fact: 'not encrypted at rest',
  description: 'Reads configuration.Encrypted of each AWS::EFS::FileSystem.',
});
