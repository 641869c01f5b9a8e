import { calls, trackedChanges } from './_shared.js';

export const activityRouteTableChanges = trackedChanges(
  {
    id: 'activity-route-table-changes',
    title: 'Route table changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful route table change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('ec2.amazonaws.com', ['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable']),
  'route table change',
);
