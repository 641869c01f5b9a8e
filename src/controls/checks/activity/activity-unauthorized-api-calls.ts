import { dangerousActivity } from './_shared.js';

const UNAUTHORIZED = /AccessDenied|UnauthorizedOperation|Unauthorized/i;

export const activityUnauthorizedApiCalls = dangerousActivity(
  {
    id: 'activity-unauthorized-api-calls',
    title: 'No unauthorised API calls were made in the period',
    severity: 'medium',
    description: 'Lists every call in the period that failed with AccessDenied or UnauthorizedOperation, data events included by group.',
  },
  (a) => UNAUTHORIZED.test(a.event.errorCode ?? ''),
  'unauthorised API call',
  (g) => UNAUTHORIZED.test(g.errorCode),
);
