import type { ConfigItem } from '../../../model/types.js';
import type { Check } from '../../model.js';
import { asArray, get, listOf, perResource, policyDocument, statements } from '../util.js';
import { IAM_PRINCIPAL_TYPES } from './_shared.js';

/** A statement that allows every action on every resource. */
function allowsStarStar(doc: unknown): boolean {
  return statements(policyDocument(doc)).some(
    (s) => s.Effect === 'Allow' && listOf(s.Action).includes('*') && listOf(s.Resource).includes('*') && s.NotAction === undefined && s.Condition === undefined,
  );
}

function verdict(item: ConfigItem): string | undefined {
  const c = item.configuration;
  if (item.resourceType === 'AWS::IAM::Policy') {
    const attached = Number(get(c, 'attachmentCount') ?? 0);
    const def = asArray(get(c, 'policyVersionList')).find((v) => get(v, 'isDefaultVersion') === true || get(v, 'isDefaultVersion') === 'true');
    return attached > 0 && def && allowsStarStar(get(def, 'document')) ? `allows "*" on "*" and is attached to ${attached} principal(s)` : undefined;
  }
  const key = item.resourceType === 'AWS::IAM::User' ? 'userPolicyList' : item.resourceType === 'AWS::IAM::Role' ? 'rolePolicyList' : 'groupPolicyList';
  const bad = asArray(get(c, key)).filter((p) => allowsStarStar(get(p, 'policyDocument')));
  return bad.length > 0 ? `inline policy ${bad.map((p) => String(get(p, 'policyName') ?? '')).join(', ')} allows "*" on "*"` : undefined;
}

export const noFullAdminPoliciesAttached: Check = {
  meta: {
    id: 'no-full-admin-policies-attached',
    title: 'No attached IAM policy allows full "*:*" administrative privileges',
    severity: 'high',
    resourceTypes: ['AWS::IAM::Policy', ...IAM_PRINCIPAL_TYPES],
    needs: ['config'],
    description: 'Fails customer managed policies that are attached and whose default version allows Action "*" on Resource "*", and inline policies of users, roles and groups that do.',
  },
  evaluate: (ev) => perResource(ev, ['AWS::IAM::Policy', ...IAM_PRINCIPAL_TYPES], verdict, 'IAM policies and principals'),
};
