import type { Check } from '../../model.js';
import { asArray, get, insufficient, perResource } from '../util.js';

export const defaultSecurityGroupRestrictsAll: Check = {
  meta: {
    id: 'default-security-group-restricts-all',
    title: 'The default security group of every VPC restricts all traffic',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    needs: ['config'],
    description: 'Fails security groups named "default" that have any inbound or outbound rule.',
  },
  evaluate: (ev) => {
    if (ev.configRegions.size === 0) return insufficient('no AWS Config data in the input');
    const defaults = ev.endState('AWS::EC2::SecurityGroup').filter((sg) => get(sg.configuration, 'groupName') === 'default');
    if (defaults.length === 0) return { status: 'NOT_APPLICABLE', findings: [], reason: 'no default security group recorded' };
    return perResource(
      ev,
      ['AWS::EC2::SecurityGroup'],
      (sg) => {
        if (get(sg.configuration, 'groupName') !== 'default') return undefined;
        const inbound = asArray(get(sg.configuration, 'ipPermissions')).length;
        const outbound = asArray(get(sg.configuration, 'ipPermissionsEgress')).length;
        return inbound + outbound > 0 ? `default security group has ${inbound} inbound and ${outbound} outbound rule(s)` : undefined;
      },
      'security groups',
    );
  },
};
