import { calls, dangerousActivity } from './_shared.js';

export const activityKmsKeyDisabledOrDeleted = dangerousActivity(
  {
    id: 'activity-kms-key-disabled-or-deleted',
    title: 'No customer managed KMS key was disabled or scheduled for deletion',
    severity: 'high',
    description: 'Lists DisableKey and ScheduleKeyDeletion calls.',
  },
  calls('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion']),
  'KMS key disabled or scheduled for deletion',
);
