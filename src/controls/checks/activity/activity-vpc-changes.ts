import { calls, trackedChanges } from './_shared.js';

export const activityVpcChanges = trackedChanges(
  {
    id: 'activity-vpc-changes',
    title: 'VPC changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful VPC change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('ec2.amazonaws.com', ['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink']),
  'VPC change',
);
