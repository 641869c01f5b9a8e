import type { Check } from '../../model.js';
import { isTrue, overCredentialReports } from './_shared.js';

export const rootAccessKeyAbsent: Check = {
  meta: {
    id: 'root-access-key-absent',
    title: "No access key exists for the root user",
    severity: 'critical',
    resourceTypes: [],
    needs: ['credential-report'],
    description: "Reads the root user's row of each account's IAM credential report and fails when access key 1 or 2 is active.",
  },
  evaluate: (ev) =>
    overCredentialReports(ev, (row) => (isTrue(row.access_key_1_active) || isTrue(row.access_key_2_active) ? 'has an active access key' : undefined), { rows: 'root', what: 'root users' }),
};
