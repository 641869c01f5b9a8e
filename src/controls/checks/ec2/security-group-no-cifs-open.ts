import type { Check } from '../../model.js';
import { WORLD_V4, WORLD_V6, openToWorldOn } from '../network.js';
import { perResource } from '../util.js';

export const securityGroupNoCifsOpen: Check = {
  meta: {
    id: 'security-group-no-cifs-open',
    title: 'No security group allows CIFS/SMB (445) from the internet',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    needs: ['config'],
    description: 'Fails security groups whose ingress rules admit 0.0.0.0/0 or ::/0 to port 445.',
  },
  evaluate: (ev) => perResource(ev, ['AWS::EC2::SecurityGroup'], (sg) => openToWorldOn(sg.configuration, WORLD_V4, [445]) ?? openToWorldOn(sg.configuration, WORLD_V6, [445]), 'security groups'),
};
