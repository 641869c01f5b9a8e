import type { Check } from '../../model.js';
import { isTrue, overCredentialReports } from './_shared.js';

export const singleActiveAccessKey: Check = {
  meta: {
    id: 'single-active-access-key',
    title: 'No IAM user has more than one active access key',
    severity: 'medium',
    resourceTypes: [],
    needs: ['credential-report'],
    description: 'Fails IAM users whose credential-report row shows both access keys active.',
  },
  evaluate: (ev) =>
    overCredentialReports(ev, (row) => (isTrue(row.access_key_1_active) && isTrue(row.access_key_2_active) ? 'has two active access keys' : undefined), { rows: 'users', what: 'IAM users' }),
};
