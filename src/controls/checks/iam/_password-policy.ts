import type { Finding } from '../../../model/types.js';
import type { ActivityHits, ActivityQuery, CheckResult, ControlEvidence } from '../../model.js';
import { activityFinding, get, insufficient } from '../util.js';

/**
 * The account password policy is not an AWS Config resource. Evidence, in order: the latest
 * successful UpdateAccountPasswordPolicy / DeleteAccountPasswordPolicy call in the period, else an
 * AWS Config rule result for `iam-password-policy`.
 */
export function passwordPolicyCheck(ev: ControlEvidence, hits: ActivityHits, what: string, failing: (params: unknown) => string | undefined): CheckResult {
  const findings: Finding[] = [];
  const undecided: string[] = [];
  let decided = 0;
  // The latest call of each account (the calls come in time order, and a later entry replaces an earlier).
  const latest = new Map(hits.events.map((a) => [a.event.accountId, a]));
  for (const account of ev.accounts) {
    const last = latest.get(account);
    if (last) {
      decided++;
      const fact = last.event.eventName === 'DeleteAccountPasswordPolicy' ? 'the password policy was deleted' : failing(last.event.requestParameters);
      if (fact) findings.push({ ...activityFinding(last, 'FAIL', fact), resourceId: account, resourceType: 'AWS::IAM::AccountPasswordPolicy' });
      continue;
    }
    const rule = ev.configRuleResults.filter((r) => r.accountId === account && r.ruleName.startsWith('iam-password-policy'));
    if (rule.length > 0) {
      decided++;
      const bad = rule.find((r) => r.complianceType === 'NON_COMPLIANT');
      if (bad) findings.push({ resourceId: account, resourceType: 'AWS::IAM::AccountPasswordPolicy', status: 'FAIL', detail: `account ${account}: AWS Config rule ${bad.ruleName} reports NON_COMPLIANT at ${bad.captureTime}`, time: bad.captureTime });
      continue;
    }
    undecided.push(account);
  }
  if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} account(s) have a password policy that fails: ${what}` };
  if (ev.accounts.length === 0 || undecided.length > 0) {
    return insufficient(`the password policy of ${undecided.join(', ') || 'the accounts'} is not in AWS Config data and was not changed in the period (give an iam-password-policy rule result)`);
  }
  return { status: 'PASS', findings: [], reason: `${decided} account(s): ${what}` };
}

/** The query of a password policy check: every account's successful policy updates and deletions, handed over in time order. */
export const passwordPolicyCalls: () => ActivityQuery = () => ({
  match: (a) => !a.event.errorCode && a.event.eventSource === 'iam.amazonaws.com' && (a.event.eventName === 'UpdateAccountPasswordPolicy' || a.event.eventName === 'DeleteAccountPasswordPolicy'),
});

export function numberParam(params: unknown, key: string): number | undefined {
  const v = get(params, key);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
