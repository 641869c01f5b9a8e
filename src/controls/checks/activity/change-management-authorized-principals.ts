import type { Change, Finding } from '../../../model/types.js';
import type { Check } from '../../model.js';
import { describeActor, isAuthorised } from './_shared.js';

export const changeManagementAuthorizedPrincipals: Check = {
  meta: {
    id: 'change-management-authorized-principals',
    title: 'Configuration changes were made only by authorised principals',
    severity: 'high',
    resourceTypes: [],
    needs: ['config', 'cloudtrail'],
    description: 'Every configuration change in the period is attributed to its originating identity; changes by anyone outside --authorized-principals, or that cannot be attributed, fail.',
  },
  evaluate: (ev) => {
    if (ev.authorizedPrincipals.length === 0) {
      return { status: 'MANUAL', findings: [], reason: 'no --authorized-principals given: list the roles, pipelines and people allowed to change resources' };
    }
    if (ev.changes.length === 0) return { status: ev.configRegions.size === 0 ? 'INSUFFICIENT_DATA' : 'PASS', findings: [], reason: ev.configRegions.size === 0 ? 'no AWS Config data in the input' : 'no configuration changes in the period' };
    const findings: Finding[] = ev.changes
      .filter((c) => !isAuthorised(c.actor, ev.authorizedPrincipals))
      .map((c) => ({
        resourceId: c.resourceId,
        resourceType: c.resourceType,
        status: 'FAIL',
        detail: c.actor
          ? `${c.resourceType} ${c.resourceId} ${whatChanged(c)} at ${c.captureTime} by ${describeActor(c.actor) ?? c.actor.origin}, who is not an authorised principal`
          : `${c.resourceType} ${c.resourceId} ${whatChanged(c)} at ${c.captureTime}; the change could not be attributed to an actor`,
        time: c.captureTime,
        changeId: c.id,
        ...(c.attribution.eventId ? { eventId: c.attribution.eventId } : {}),
        ...(c.actor ? { actor: c.actor } : {}),
      }));
    return findings.length > 0
      ? { status: 'FAIL', findings, reason: `${findings.length} of ${ev.changes.length} changes were made outside the authorised principals` }
      : { status: 'PASS', findings: [], reason: `all ${ev.changes.length} changes were made by authorised principals` };
  },
};

/** The change in words, the first three sentences: "(added ingress tcp 22 from 0.0.0.0/0)". */
function whatChanged(c: Change): string {
  const said = c.summary.slice(0, 3).join('; ');
  return `changed (${c.changeType}${said && said !== c.changeType && said !== `${c.changeType}d` ? `: ${said}${c.summary.length > 3 ? '; …' : ''}` : ''})`;
}
