import type { Check } from '../../model.js';
import { ADMIN_PORTS, WORLD_V6, openToWorldOn } from '../network.js';
import { perResource } from '../util.js';

export const securityGroupNoAdminPortsOpenIpv6: Check = {
  meta: {
    id: 'security-group-no-admin-ports-open-ipv6',
    title: 'No security group allows ingress from ::/0 to SSH (22) or RDP (3389)',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    needs: ['config'],
    description: 'Fails security groups whose ingress rules admit ::/0 to port 22 or 3389, including all-traffic rules and port ranges.',
  },
  evaluate: (ev) => perResource(ev, ['AWS::EC2::SecurityGroup'], (sg) => openToWorldOn(sg.configuration, WORLD_V6, ADMIN_PORTS), 'security groups'),
};
