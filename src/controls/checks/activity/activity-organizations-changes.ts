import { calls, trackedChanges } from './_shared.js';

export const activityOrganizationsChanges = trackedChanges(
  {
    id: 'activity-organizations-changes',
    title: 'AWS Organizations changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful AWS Organizations change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('organizations.amazonaws.com', ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit']),
  'AWS Organizations change',
);
