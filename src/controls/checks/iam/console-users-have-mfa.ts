import type { Check } from '../../model.js';
import { isTrue, overCredentialReports } from './_shared.js';

export const consoleUsersHaveMfa: Check = {
  meta: {
    id: 'console-users-have-mfa',
    title: 'Every IAM user with a console password has MFA enabled',
    severity: 'high',
    resourceTypes: [],
    needs: ['credential-report'],
    description: 'Fails IAM users whose credential-report row has password_enabled true and mfa_active false.',
  },
  evaluate: (ev) =>
    overCredentialReports(ev, (row) => (isTrue(row.password_enabled) && !isTrue(row.mfa_active) ? 'can sign in to the console without MFA' : undefined), { rows: 'users', what: 'IAM users' }),
};
