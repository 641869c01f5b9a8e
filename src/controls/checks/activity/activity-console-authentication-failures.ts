import { get } from '../util.js';
import { dangerousActivity } from './_shared.js';

export const activityConsoleAuthenticationFailures = dangerousActivity(
  {
    id: 'activity-console-authentication-failures',
    title: 'Console authentication failures in the period',
    severity: 'medium',
    description: 'Lists ConsoleLogin events that failed (responseElements.ConsoleLogin "Failure"; they carry no errorCode).',
  },
  (a) => a.event.eventName === 'ConsoleLogin' && (get(a.event.responseElements, 'ConsoleLogin') === 'Failure' || a.event.errorMessage === 'Failed authentication'),
  'console authentication failure',
);
