import type { Check } from '../../model.js';
import { get, perResource } from '../util.js';

export const ec2InstancesUseInstanceProfile: Check = {
  meta: {
    id: 'ec2-instances-use-instance-profile',
    title: 'EC2 instances use IAM instance roles for AWS access',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::Instance'],
    needs: ['config'],
    description: 'Fails running or stopped EC2 instances without an IAM instance profile (terminated instances are ignored).',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::EC2::Instance'],
      (i) => (get(i.configuration, 'state', 'name') === 'terminated' || get(i.configuration, 'iamInstanceProfile') ? undefined : 'no IAM instance profile attached'),
      'EC2 instances',
    ),
};
