import { settingIsOn } from './_shared.js';

export const rdsAutoMinorVersionUpgrade = settingIsOn({
  id: 'rds-auto-minor-version-upgrade',
  title: 'RDS instances upgrade minor engine versions automatically',
  severity: 'low',
  types: ['AWS::RDS::DBInstance'],
  fields: ['autoMinorVersionUpgrade', 'AutoMinorVersionUpgrade'],
  what: 'RDS instances',
  fact: 'auto minor version upgrade is off',
  description: 'Reads configuration.autoMinorVersionUpgrade of each AWS::RDS::DBInstance.',
});
