import { calls, dangerousActivity } from './_shared.js';

export const activityCloudtrailTampering = dangerousActivity(
  {
    id: 'activity-cloudtrail-tampering',
    title: 'CloudTrail was not stopped, deleted or reconfigured in the period',
    severity: 'high',
    description: 'Lists StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors and PutInsightSelectors calls.',
  },
  calls('cloudtrail.amazonaws.com', ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors']),
  'CloudTrail configuration change',
);
