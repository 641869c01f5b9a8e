import { calls, trackedChanges } from './_shared.js';

export const activityIamPolicyChanges = trackedChanges(
  {
    id: 'activity-iam-policy-changes',
    title: 'IAM policy changes are tracked and attributed',
    severity: 'medium',
    description: 'Lists every successful IAM policy change call in the period with its actor; with --authorized-principals, calls by other principals fail.',
  },
  calls('iam.amazonaws.com', ['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy']),
  'IAM policy change',
);
