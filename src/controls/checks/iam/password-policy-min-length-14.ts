import type { Check } from '../../model.js';
import { numberParam, passwordPolicyCalls, passwordPolicyCheck } from './_password-policy.js';

export const passwordPolicyMinLength14: Check = {
  meta: {
    id: 'password-policy-min-length-14',
    title: 'The IAM password policy requires at least 14 characters',
    severity: 'medium',
    resourceTypes: [],
    needs: ['cloudtrail', 'config-rules'],
    description: 'Reads the latest UpdateAccountPasswordPolicy call (minimumPasswordLength) of each account, else the iam-password-policy AWS Config rule result.',
  },
  activity: passwordPolicyCalls,
  evaluate: (ev, hits) =>
    passwordPolicyCheck(ev, hits, 'minimum length of 14 or more', (p) => {
      const n = numberParam(p, 'minimumPasswordLength');
      return n === undefined || n < 14 ? `minimum password length set to ${n ?? 'the default (8)'}` : undefined;
    }),
};
