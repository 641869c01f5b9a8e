import type { Check } from '../../model.js';
import { regionalPresence } from '../util.js';

export const accessAnalyzerEnabledAllRegions: Check = {
  meta: {
    id: 'access-analyzer-enabled-all-regions',
    title: 'IAM Access Analyzer is enabled in every region',
    severity: 'low',
    resourceTypes: ['AWS::AccessAnalyzer::Analyzer'],
    needs: ['config'],
    description: 'For every account and region with AWS Config data, passes when an active AWS::AccessAnalyzer::Analyzer is recorded there.',
  },
  evaluate: (ev) => regionalPresence(ev, 'AWS::AccessAnalyzer::Analyzer', (a) => String((a.configuration as { status?: unknown } | null)?.status ?? 'ACTIVE') === 'ACTIVE', 'an active IAM Access Analyzer'),
};
