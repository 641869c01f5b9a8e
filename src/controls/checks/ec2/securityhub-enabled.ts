import type { Check } from '../../model.js';
import { regionalPresence } from '../util.js';

export const securityhubEnabled: Check = {
  meta: {
    id: 'securityhub-enabled',
    title: 'AWS Security Hub is enabled in every region',
    severity: 'medium',
    resourceTypes: ['AWS::SecurityHub::Hub'],
    needs: ['config'],
    description: 'For every account and region with AWS Config data, passes when an AWS::SecurityHub::Hub is recorded there.',
  },
  evaluate: (ev) => regionalPresence(ev, 'AWS::SecurityHub::Hub', () => true, 'Security Hub'),
};
