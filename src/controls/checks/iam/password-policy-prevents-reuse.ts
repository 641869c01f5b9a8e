import type { Check } from '../../model.js';
import { numberParam, passwordPolicyCalls, passwordPolicyCheck } from './_password-policy.js';

export const passwordPolicyPreventsReuse: Check = {
  meta: {
    id: 'password-policy-prevents-reuse',
    title: 'The IAM password policy prevents reuse of the last 24 passwords',
    severity: 'medium',
    resourceTypes: [],
    needs: ['cloudtrail', 'config-rules'],
    description: 'Reads the latest UpdateAccountPasswordPolicy call (passwordReusePrevention) of each account, else the iam-password-policy AWS Config rule result.',
  },
  activity: passwordPolicyCalls,
  evaluate: (ev, hits) =>
    passwordPolicyCheck(ev, hits, 'reuse of the last 24 passwords prevented', (p) => {
      const n = numberParam(p, 'passwordReusePrevention');
      return n === undefined || n < 24 ? `password reuse prevention set to ${n ?? 'none'}` : undefined;
    }),
};
