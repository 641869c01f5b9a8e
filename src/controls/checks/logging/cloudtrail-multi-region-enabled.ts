import type { Finding } from '../../../model/types.js';
import type { Check } from '../../model.js';
import { insufficient } from '../util.js';
import { isLogging, TRAIL, trailFlag } from './_shared.js';

export const cloudtrailMultiRegionEnabled: Check = {
  meta: {
    id: 'cloudtrail-multi-region-enabled',
    title: 'A multi-region CloudTrail trail is logging in every account',
    severity: 'high',
    resourceTypes: [TRAIL],
    needs: ['config', 'cloudtrail'],
    description: 'Per account seen in the evidence, passes when an AWS::CloudTrail::Trail recorded in that account (or an organization trail) is multi-region and logging.',
  },
  evaluate: (ev) => {
    if (ev.configRegions.size === 0) return insufficient('no AWS Config data in the input');
    const trails = ev.endState(TRAIL).filter((t) => trailFlag(t, 'isMultiRegionTrail', 'IsMultiRegionTrail') && isLogging(t));
    const org = trails.some((t) => trailFlag(t, 'isOrganizationTrail', 'IsOrganizationTrail'));
    const covered = new Set(trails.map((t) => t.accountId));
    const findings: Finding[] = org
      ? []
      : ev.accounts.filter((a) => !covered.has(a)).map((a) => ({ resourceId: a, resourceType: 'AWS::::Account', status: 'FAIL', detail: `account ${a}: no multi-region trail that is logging is recorded` }));
    if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} of ${ev.accounts.length} accounts have no multi-region trail` };
    if (trails.length === 0) return { status: 'FAIL', findings: [], reason: 'no multi-region trail recorded' };
    return { status: 'PASS', findings: [], reason: org ? 'an organization trail covers every account and region' : `all ${ev.accounts.length} accounts have a multi-region trail` };
  },
};
