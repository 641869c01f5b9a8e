import type { Finding } from '../../../model/types.js';
import type { Check } from '../../model.js';
import { insufficient } from '../util.js';
import { attachedPolicyArns, IAM_PRINCIPAL_TYPES } from './_shared.js';

const SUPPORT = 'arn:aws:iam::aws:policy/AWSSupportAccess';

export const supportRoleExists: Check = {
  meta: {
    id: 'support-role-exists',
    title: 'A support role exists to manage incidents with AWS Support',
    severity: 'low',
    resourceTypes: IAM_PRINCIPAL_TYPES,
    needs: ['config'],
    description: 'Per account, passes when some IAM role, user or group has the AWSSupportAccess managed policy attached.',
  },
  evaluate: (ev) => {
    const principals = IAM_PRINCIPAL_TYPES.flatMap((t) => ev.endState(t));
    if (principals.length === 0) return insufficient('no IAM users, roles or groups in the AWS Config data (global resource recording may be off)');
    const accounts = [...new Set(principals.map((p) => p.accountId))].sort();
    const findings: Finding[] = accounts
      .filter((a) => !principals.some((p) => p.accountId === a && attachedPolicyArns(p.configuration).includes(SUPPORT)))
      .map((a) => ({ resourceId: a, resourceType: 'AWS::::Account', status: 'FAIL', detail: `account ${a}: no IAM role, user or group has AWSSupportAccess attached` }));
    return findings.length > 0
      ? { status: 'FAIL', findings, reason: `${findings.length} of ${accounts.length} accounts have no support role` }
      : { status: 'PASS', findings: [], reason: `all ${accounts.length} accounts have a principal with AWSSupportAccess` };
  },
};
