import type { ConfigItem, Finding } from '../../../model/types.js';
import type { ActivityEvent, Check, ControlEvidence } from '../../model.js';
import { activityFinding, get, insufficient, resourceFinding } from '../util.js';

/** The customer managed symmetric keys recorded at the end of the period, not pending deletion. */
function customerKeys(ev: Pick<ControlEvidence, 'endState'>): ConfigItem[] {
  return ev.endState('AWS::KMS::Key').filter((k) => get(k.configuration, 'keyManager') === 'CUSTOMER' && (get(k.configuration, 'keySpec') ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && get(k.configuration, 'keyState') !== 'PendingDeletion');
}

const keyNames = (key: ConfigItem): string[] => [key.resourceId, key.arn].filter((n): n is string => !!n);
const keyIdOf = (a: ActivityEvent): string => String(get(a.event.requestParameters, 'keyId') ?? '');

export const kmsKeyRotationEnabled: Check = {
  meta: {
    id: 'kms-key-rotation-enabled',
    title: 'Rotation is enabled for customer managed symmetric KMS keys',
    severity: 'medium',
    resourceTypes: ['AWS::KMS::Key'],
    needs: ['config', 'cloudtrail', 'config-rules'],
    description: 'AWS Config does not record key rotation: decides each customer managed symmetric key from the latest EnableKeyRotation/DisableKeyRotation call naming it, else the cmk-backing-key-rotation-enabled rule result.',
  },
  // The successful rotation calls naming one of these keys: a handful per key, handed over in time order.
  activity: (ev) => {
    const names = new Set(customerKeys(ev).flatMap(keyNames));
    return { match: (a) => a.event.eventSource === 'kms.amazonaws.com' && !a.event.errorCode && (a.event.eventName === 'EnableKeyRotation' || a.event.eventName === 'DisableKeyRotation') && names.has(keyIdOf(a)) };
  },
  evaluate: (ev, hits) => {
    if (ev.configRegions.size === 0) return insufficient('no AWS Config data in the input');
    const keys = customerKeys(ev);
    if (keys.length === 0) return { status: 'NOT_APPLICABLE', findings: [], reason: 'no customer managed symmetric KMS keys recorded' };
    const findings: Finding[] = [];
    const undecided: string[] = [];
    for (const key of keys) {
      const names = new Set(keyNames(key));
      const last = hits.events.findLast((a) => names.has(keyIdOf(a)));
      if (last) {
        if (last.event.eventName === 'DisableKeyRotation') findings.push({ ...activityFinding(last, 'FAIL', `rotation disabled for key ${key.resourceId}`), resourceId: key.resourceId, resourceType: key.resourceType });
        continue;
      }
      const rule = ev.configRuleResults.find((r) => r.ruleName.startsWith('cmk-backing-key-rotation-enabled') && (r.resourceId === key.resourceId || r.resourceId === key.arn));
      if (rule) {
        if (rule.complianceType === 'NON_COMPLIANT') findings.push(resourceFinding(ev, key, 'FAIL', `AWS Config rule ${rule.ruleName} reports rotation off`));
        continue;
      }
      undecided.push(key.resourceId);
    }
    if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} of ${keys.length} keys do not rotate` };
    if (undecided.length > 0) return insufficient(`rotation of ${undecided.length} key(s) is not recorded in the export (no rotation call in the period, no cmk-backing-key-rotation-enabled rule result)`);
    return { status: 'PASS', findings: [], reason: `all ${keys.length} keys rotate` };
  },
};
