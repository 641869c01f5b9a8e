import { calls, trackedChanges } from './_shared.js';

export const activityNetworkAclChanges = trackedChanges(
  {
    id: 'activity-network-acl-changes',
    title: 'Network ACL changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful network ACL change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('ec2.amazonaws.com', ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation']),
  'network ACL change',
);
