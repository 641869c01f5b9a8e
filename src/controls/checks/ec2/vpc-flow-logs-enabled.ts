import type { Check } from '../../model.js';
import { get, perResource } from '../util.js';

export const vpcFlowLogsEnabled: Check = {
  meta: {
    id: 'vpc-flow-logs-enabled',
    title: 'VPC flow logging is enabled in every VPC',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::VPC', 'AWS::EC2::FlowLog'],
    needs: ['config'],
    description: 'Fails VPCs for which no AWS::EC2::FlowLog in the same account and region names the VPC as its resource.',
  },
  evaluate: (ev) => {
    const logged = new Set(ev.endState('AWS::EC2::FlowLog').map((f) => `${f.accountId}|${f.region}|${String(get(f.configuration, 'resourceId') ?? '')}`));
    return perResource(ev, ['AWS::EC2::VPC'], (vpc) => (logged.has(`${vpc.accountId}|${vpc.region}|${vpc.resourceId}`) ? undefined : 'no flow log for this VPC'), 'VPCs');
  },
};
