import { dangerousActivity } from './_shared.js';

export const activityRootAccountUsed = dangerousActivity(
  {
    id: 'activity-root-account-used',
    title: 'The root user was not used in the period',
    severity: 'high',
    description: 'Lists every CloudTrail event in the period made by the root user (AWS service events excluded), data events included by group.',
  },
  (a) => a.event.userIdentity.type === 'Root' && a.event.eventType !== 'AwsServiceEvent',
  'root user activity',
  (g) => g.actorType === 'Root',
);
