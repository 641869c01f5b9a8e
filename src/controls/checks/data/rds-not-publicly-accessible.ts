import type { Check } from '../../model.js';
import { get, perResource, truthy } from '../util.js';

export const rdsNotPubliclyAccessible: Check = {
  meta: {
    id: 'rds-not-publicly-accessible',
    title: 'RDS instances are not publicly accessible',
    severity: 'critical',
    resourceTypes: ['AWS::RDS::DBInstance'],
    needs: ['config'],
    description: 'Fails AWS::RDS::DBInstance items whose configuration.publiclyAccessible is true.',
  },
  evaluate: (ev) =>
    perResource(ev, ['AWS::RDS::DBInstance'], (db) => (truthy(get(db.configuration, 'publiclyAccessible')) || truthy(get(db.configuration, 'PubliclyAccessible')) ? 'publicly accessible' : undefined), 'RDS instances'),
};
