import type { Check } from '../../model.js';
import { asArray, get, perResource } from '../util.js';
import { attachedPolicyArns } from './_shared.js';

export const iamUsersNoDirectPolicies: Check = {
  meta: {
    id: 'iam-users-no-direct-policies',
    title: 'IAM users receive permissions only through groups',
    severity: 'low',
    resourceTypes: ['AWS::IAM::User'],
    needs: ['config'],
    description: 'Fails IAM users that have managed policies attached directly or inline policies of their own.',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::IAM::User'],
      (u) => {
        const managed = attachedPolicyArns(u.configuration).map((a) => a.split('/').pop());
        const inline = asArray(get(u.configuration, 'userPolicyList')).map((p) => String(get(p, 'policyName') ?? 'inline'));
        const all = [...managed.map((m) => `managed ${m}`), ...inline.map((i) => `inline ${i}`)];
        return all.length > 0 ? `has policies attached directly: ${all.join(', ')}` : undefined;
      },
      'IAM users',
    ),
};
