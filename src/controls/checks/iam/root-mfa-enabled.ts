import type { Check } from '../../model.js';
import { isTrue, overCredentialReports } from './_shared.js';

export const rootMfaEnabled: Check = {
  meta: {
    id: 'root-mfa-enabled',
    title: 'MFA is enabled for the root user',
    severity: 'critical',
    resourceTypes: [],
    needs: ['credential-report'],
    description: "Reads the root user's row of each account's IAM credential report and fails when mfa_active is not true.",
  },
  evaluate: (ev) => overCredentialReports(ev, (row) => (isTrue(row.mfa_active) ? undefined : 'has no MFA device'), { rows: 'root', what: 'root users' }),
};
