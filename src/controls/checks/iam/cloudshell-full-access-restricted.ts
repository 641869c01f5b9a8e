import type { Check } from '../../model.js';
import { perResource } from '../util.js';
import { attachedPolicyArns, IAM_PRINCIPAL_TYPES } from './_shared.js';

const CLOUDSHELL = 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess';

export const cloudshellFullAccessRestricted: Check = {
  meta: {
    id: 'cloudshell-full-access-restricted',
    title: 'AWSCloudShellFullAccess is not attached to any IAM principal',
    severity: 'medium',
    resourceTypes: IAM_PRINCIPAL_TYPES,
    needs: ['config'],
    description: 'Fails IAM users, roles and groups with the AWSCloudShellFullAccess managed policy attached (file transfer in and out of CloudShell).',
  },
  evaluate: (ev) => perResource(ev, IAM_PRINCIPAL_TYPES, (p) => (attachedPolicyArns(p.configuration).includes(CLOUDSHELL) ? 'has AWSCloudShellFullAccess attached' : undefined), 'IAM principals'),
};
