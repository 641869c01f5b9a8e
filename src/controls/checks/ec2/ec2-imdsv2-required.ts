import type { Check } from '../../model.js';
import { get, perResource } from '../util.js';

export const ec2Imdsv2Required: Check = {
  meta: {
    id: 'ec2-imdsv2-required',
    title: 'EC2 instances require IMDSv2 for the metadata service',
    severity: 'high',
    resourceTypes: ['AWS::EC2::Instance'],
    needs: ['config'],
    description: 'Fails instances whose metadataOptions.httpTokens is not "required" (unless the metadata endpoint is disabled).',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::EC2::Instance'],
      (i) => {
        const opts = get(i.configuration, 'metadataOptions');
        if (get(i.configuration, 'state', 'name') === 'terminated' || get(opts, 'httpEndpoint') === 'disabled') return undefined;
        const tokens = String(get(opts, 'httpTokens') ?? 'optional');
        return tokens === 'required' ? undefined : `instance metadata accepts IMDSv1 (httpTokens ${tokens})`;
      },
      'EC2 instances',
    ),
};
