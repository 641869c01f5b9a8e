import { dangerousActivity } from './_shared.js';

export const activityUnauthorizedApiCalls = dangerousActivity(
  {
    id: 'activity-unauthorized-api-calls',
    title: 'No unauthorised API calls were made in the period',
    severity: 'medium',
    description: 'Lists every call in the period that failed with AccessDenied or UnauthorizedOperation.',
  },
  (a) => /AccessDenied|UnauthorizedOperation|Unauthorized/i.test(a.event.errorCode ?? ''),
  'unauthorised API call',
);
