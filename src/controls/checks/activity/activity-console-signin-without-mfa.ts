import { get } from '../util.js';
import { dangerousActivity } from './_shared.js';

export const activityConsoleSigninWithoutMfa = dangerousActivity(
  {
    id: 'activity-console-signin-without-mfa',
    title: 'No console sign-in without MFA in the period',
    severity: 'high',
    description: 'Lists successful ConsoleLogin events of IAM users and the root user whose additionalEventData.MFAUsed is not "Yes" (federated and IAM Identity Center sign-ins authenticate elsewhere).',
  },
  (a) =>
    a.event.eventName === 'ConsoleLogin' &&
    get(a.event.responseElements, 'ConsoleLogin') === 'Success' &&
    (a.event.userIdentity.type === 'IAMUser' || a.event.userIdentity.type === 'Root') &&
    get(a.event.additionalEventData, 'MFAUsed') !== 'Yes',
  'console sign-in without MFA',
);
