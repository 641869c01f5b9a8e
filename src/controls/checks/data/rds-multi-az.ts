import { settingIsOn } from './_shared.js';

export const rdsMultiAz = settingIsOn({
  id: 'rds-multi-az',
  title: 'RDS instances and clusters are deployed across several availability zones',
  severity: 'low',
  types: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  fields: ['multiAZ', 'MultiAZ'],
  what: 'RDS instances and clusters',
  fact: 'not a Multi-AZ deployment',
  description: 'Reads configuration.multiAZ of each AWS::RDS::DBInstance and AWS::RDS::DBCluster.',
});
