import { calls, trackedChanges } from './_shared.js';

export const activitySecurityGroupChanges = trackedChanges(
  {
    id: 'activity-security-group-changes',
    title: 'Security group changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful security group change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('ec2.amazonaws.com', ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules']),
  'security group change',
);
