import type { Check } from '../../model.js';
import { daysBetween, isTrue, overCredentialReports, referenceMs, reportTime } from './_shared.js';

const MAX_DAYS = 45;

export const unusedCredentialsDisabled: Check = {
  meta: {
    id: 'unused-credentials-disabled',
    title: 'Credentials unused for 45 days or more are disabled',
    severity: 'medium',
    resourceTypes: [],
    needs: ['credential-report'],
    description: 'Fails IAM users whose console password or active access key has not been used (or, never used, was created) 45 days or more before the credential report.',
  },
  evaluate: (ev) =>
    overCredentialReports(
      ev,
      (row, report) => {
        const ref = referenceMs(report, ev);
        const stale: string[] = [];
        if (isTrue(row.password_enabled)) {
          const last = reportTime(row.password_last_used) ?? reportTime(row.user_creation_time);
          if (last !== undefined && daysBetween(last, ref) >= MAX_DAYS) stale.push(`password unused for ${daysBetween(last, ref)} days`);
        }
        for (const n of [1, 2]) {
          if (!isTrue(row[`access_key_${n}_active`])) continue;
          const last = reportTime(row[`access_key_${n}_last_used_date`]) ?? reportTime(row[`access_key_${n}_last_rotated`]);
          if (last !== undefined && daysBetween(last, ref) >= MAX_DAYS) stale.push(`access key ${n} unused for ${daysBetween(last, ref)} days`);
        }
        return stale.length > 0 ? stale.join(', ') : undefined;
      },
      { rows: 'users', what: 'IAM users' },
    ),
};
