import type { Check } from '../../model.js';
import { ADMIN_PORTS, WORLD_V4, openToWorldOn } from '../network.js';
import { perResource } from '../util.js';

export const securityGroupNoAdminPortsOpenIpv4: Check = {
  meta: {
    id: 'security-group-no-admin-ports-open-ipv4',
    title: 'No security group allows ingress from 0.0.0.0/0 to SSH (22) or RDP (3389)',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    needs: ['config'],
    description: 'Reads every security group as recorded at the end of the period and fails those whose ingress rules admit 0.0.0.0/0 to port 22 or 3389, including all-traffic rules and port ranges.',
  },
  evaluate: (ev) =>
    perResource(ev, ['AWS::EC2::SecurityGroup'], (sg) => openToWorldOn(sg.configuration, WORLD_V4, ADMIN_PORTS), 'security groups'),
};
