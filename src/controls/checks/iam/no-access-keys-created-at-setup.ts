import type { Check } from '../../model.js';
import { isTrue, overCredentialReports, reportTime } from './_shared.js';

export const noAccessKeysCreatedAtSetup: Check = {
  meta: {
    id: 'no-access-keys-created-at-setup',
    title: 'No unused access keys were created with console users at setup',
    severity: 'medium',
    resourceTypes: [],
    needs: ['credential-report'],
    description: 'Fails IAM users with a console password and an active access key that has never been used (created at setup, not needed).',
  },
  evaluate: (ev) =>
    overCredentialReports(
      ev,
      (row) => {
        if (!isTrue(row.password_enabled)) return undefined;
        const unused = [1, 2].filter((n) => isTrue(row[`access_key_${n}_active`]) && reportTime(row[`access_key_${n}_last_used_date`]) === undefined);
        return unused.length > 0 ? `has a console password and never-used active access key ${unused.join(' and ')}` : undefined;
      },
      { rows: 'users', what: 'IAM users' },
    ),
};
