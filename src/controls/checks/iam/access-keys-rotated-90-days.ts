import type { Check } from '../../model.js';
import { daysBetween, isTrue, overCredentialReports, referenceMs, reportTime } from './_shared.js';

const MAX_DAYS = 90;

export const accessKeysRotated90Days: Check = {
  meta: {
    id: 'access-keys-rotated-90-days',
    title: 'Active access keys are rotated every 90 days or less',
    severity: 'medium',
    resourceTypes: [],
    needs: ['credential-report'],
    description: 'Fails active access keys whose last rotation is more than 90 days before the credential report (or the end of the period).',
  },
  evaluate: (ev) =>
    overCredentialReports(
      ev,
      (row, report) => {
        const ref = referenceMs(report, ev);
        const old = [1, 2].flatMap((n) => {
          const rotated = reportTime(row[`access_key_${n}_last_rotated`]);
          return isTrue(row[`access_key_${n}_active`]) && rotated !== undefined && daysBetween(rotated, ref) > MAX_DAYS ? [`access key ${n} last rotated ${daysBetween(rotated, ref)} days ago`] : [];
        });
        return old.length > 0 ? old.join(', ') : undefined;
      },
      { rows: 'users', what: 'IAM users' },
    ),
};
