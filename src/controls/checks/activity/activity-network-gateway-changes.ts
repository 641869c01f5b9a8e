import { calls, trackedChanges } from './_shared.js';

export const activityNetworkGatewayChanges = trackedChanges(
  {
    id: 'activity-network-gateway-changes',
    title: 'Network gateway changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful network gateway change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('ec2.amazonaws.com', ['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway']),
  'network gateway change',
);
