import type { Check } from '../../model.js';

export const configRulesCompliant: Check = {
  meta: {
    id: 'config-rules-compliant',
    title: 'AWS Config rules report no non-compliant resources',
    severity: 'medium',
    resourceTypes: ['AWS::Config::ResourceCompliance'],
    needs: ['config-rules'],
    description: 'Lists the NON_COMPLIANT results of the AWS Config rules present in the export (AWS::Config::ResourceCompliance), latest per rule and resource.',
  },
  evaluate: (ev) => {
    const results = ev.configRuleResults;
    if (results.length === 0) return { status: 'NOT_APPLICABLE', findings: [], reason: 'no AWS Config rule results in the export' };
    const bad = results.filter((r) => r.complianceType === 'NON_COMPLIANT');
    if (bad.length === 0) return { status: 'PASS', findings: [], reason: `all ${results.length} AWS Config rule results are compliant` };
    return {
      status: 'FAIL',
      findings: bad.map((r) => ({ resourceId: r.resourceId, resourceType: r.resourceType || 'AWS::Config::ResourceCompliance', status: 'FAIL', detail: `${r.resourceId} in ${r.accountId}/${r.region}: AWS Config rule ${r.ruleName} reports NON_COMPLIANT`, time: r.captureTime })),
      reason: `${bad.length} of ${results.length} AWS Config rule results are non-compliant`,
    };
  },
};
