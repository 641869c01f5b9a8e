import { settingIsOn } from './_shared.js';

export const ebsVolumesEncrypted = settingIsOn({
  id: 'ebs-volumes-encrypted',
  title: 'EBS volumes are encrypted',
  severity: 'medium',
  types: ['AWS::EC2::Volume'],
  fields: ['encrypted', 'Encrypted'],
  what: 'EBS volumes',
  fact: 'volume is not encrypted',
  description: 'Reads configuration.encrypted of each AWS::EC2::Volume (AWS Config does not record the account-level encryption-by-default switch; volumes show its effect).',
});
