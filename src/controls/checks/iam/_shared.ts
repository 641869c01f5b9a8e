import type { Finding } from '../../../model/types.js';
import type { CheckResult, ControlEvidence, CredentialReport } from '../../model.js';
import { insufficient } from '../util.js';

export type Row = Record<string, string>;
export const ROOT_USER = '<root_account>';
const DAY_MS = 86_400_000;

/** The reference time for "unused for N days": when the report was generated, else the period's end. */
export function referenceMs(report: CredentialReport, ev: ControlEvidence): number {
  const t = report.generatedTime ? Date.parse(report.generatedTime) : NaN;
  return Number.isFinite(t) ? t : ev.period.endMs;
}

/** A credential-report time, or undefined for N/A, no_information, not_supported. */
export function reportTime(v: string | undefined): number | undefined {
  if (!v || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

export function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / DAY_MS);
}

export const isTrue = (v: string | undefined) => v === 'true';

/**
 * Runs a per-row test over the IAM credential reports. Accounts seen in the evidence without a
 * report make the result INSUFFICIENT_DATA unless something already failed.
 */
export function overCredentialReports(
  ev: ControlEvidence,
  test: (row: Row, report: CredentialReport) => string | undefined,
  opts: { rows: 'root' | 'users'; what: string },
): CheckResult {
  if (ev.credentialReports.length === 0) return insufficient('no IAM credential report in the input (aws iam get-credential-report)');
  const findings: Finding[] = [];
  let checked = 0;
  for (const report of ev.credentialReports) {
    for (const row of report.rows) {
      const isRoot = row.user === ROOT_USER;
      if ((opts.rows === 'root') !== isRoot) continue;
      checked++;
      const fact = test(row, report);
      if (fact === undefined) continue;
      findings.push({
        resourceId: row.arn ?? row.user ?? 'unknown',
        resourceType: isRoot ? 'AWS::::Account' : 'AWS::IAM::User',
        status: 'FAIL',
        detail: `${isRoot ? 'root user' : `user ${row.user}`} in ${report.accountId}: ${fact} (IAM credential report)`,
        ...(report.generatedTime ? { time: report.generatedTime } : {}),
      });
    }
  }
  const covered = new Set(ev.credentialReports.map((r) => r.accountId));
  const missing = ev.accounts.filter((a) => !covered.has(a));
  if (findings.length > 0) return { status: 'FAIL', findings, reason: `${findings.length} ${opts.what} fail${missing.length ? `; no credential report for ${missing.join(', ')}` : ''}` };
  if (missing.length > 0) return insufficient(`no IAM credential report for account(s) ${missing.join(', ')}`);
  if (checked === 0) return { status: 'NOT_APPLICABLE', findings: [], reason: `no ${opts.what} in the credential report` };
  return { status: 'PASS', findings: [], reason: `all ${checked} ${opts.what} pass` };
}

/** Managed-policy ARNs attached to an IAM user, role or group item. */
export function attachedPolicyArns(configuration: unknown): string[] {
  const list = (configuration as { attachedManagedPolicies?: unknown } | null)?.attachedManagedPolicies;
  return Array.isArray(list) ? list.map((p) => (p as { policyArn?: unknown }).policyArn).filter((a): a is string => typeof a === 'string') : [];
}

export const IAM_PRINCIPAL_TYPES = ['AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group'];
