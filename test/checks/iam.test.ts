import { describe, expect, it } from 'vitest';
import { IAM_CHECKS } from '../../src/controls/checks/iam/index.js';
import { runCheck } from '../../src/controls/evaluate.js';
import type { Check, CredentialReport } from '../../src/controls/model.js';
import type { ConfigItem } from '../../src/model/types.js';
import { ACCOUNT, evidenceOf, event, item } from '../helpers/evidence.js';

const check = (id: string): Check => IAM_CHECKS.find((c) => c.meta.id === id)!;
const T = (daysBeforeEnd: number) => new Date(Date.parse('2026-10-01T00:00:00Z') - daysBeforeEnd * 86_400_000).toISOString().replace('.000Z', '+00:00');

function row(user: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    user,
    arn: user === '<root_account>' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${user}`,
    user_creation_time: T(400),
    password_enabled: 'true',
    password_last_used: T(1),
    mfa_active: 'true',
    access_key_1_active: 'false',
    access_key_1_last_rotated: 'N/A',
    access_key_1_last_used_date: 'N/A',
    access_key_2_active: 'false',
    access_key_2_last_rotated: 'N/A',
    access_key_2_last_used_date: 'N/A',
    ...over,
  };
}
const report = (...rows: Record<string, string>[]): CredentialReport => ({ accountId: ACCOUNT, path: 'cr.csv', rows });
const run = (id: string, f: Parameters<typeof evidenceOf>[0]) => runCheck(check(id), evidenceOf(f));
const cr = (...rows: Record<string, string>[]) => ({ credentialReports: [report(...rows)], items: [item('AWS::EC2::VPC', 'vpc-1', {})] });

describe('credential report checks', () => {
  it('insufficient data: no credential report, or none for an account seen in the data', () => {
    expect(run('root-mfa-enabled', {}).status).toBe('INSUFFICIENT_DATA');
    const other = item('AWS::EC2::VPC', 'vpc-2', {}, { accountId: '999999999999' });
    expect(run('root-mfa-enabled', { credentialReports: [report(row('<root_account>'))], items: [other] }).reason).toMatch(/no IAM credential report for account\(s\) 999999999999/);
  });

  it('root-access-key-absent: pass without keys, fail with an active key', () => {
    expect(run('root-access-key-absent', cr(row('<root_account>'))).status).toBe('PASS');
    const r = run('root-access-key-absent', cr(row('<root_account>', { access_key_1_active: 'true' })));
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]).toMatchObject({ resourceId: `arn:aws:iam::${ACCOUNT}:root`, resourceType: 'AWS::::Account' });
    expect(r.findings[0]!.detail).toContain('has an active access key');
  });

  it('root-mfa-enabled: pass with MFA, fail without', () => {
    expect(run('root-mfa-enabled', cr(row('<root_account>'))).status).toBe('PASS');
    expect(run('root-mfa-enabled', cr(row('<root_account>', { mfa_active: 'false' }))).findings[0]!.detail).toContain('root user in 111111111111: has no MFA device');
  });

  it('console-users-have-mfa: pass for MFA or no password, fail for a console user without MFA', () => {
    expect(run('console-users-have-mfa', cr(row('alice'), row('svc', { password_enabled: 'false', mfa_active: 'false' }))).status).toBe('PASS');
    const r = run('console-users-have-mfa', cr(row('alice'), row('bob', { mfa_active: 'false' })));
    expect(r.findings.map((f) => f.resourceId)).toEqual([`arn:aws:iam::${ACCOUNT}:user/bob`]);
  });

  it('no-access-keys-created-at-setup: pass for a used key, fail for a never-used key of a console user', () => {
    expect(run('no-access-keys-created-at-setup', cr(row('alice', { access_key_1_active: 'true', access_key_1_last_used_date: T(2) }))).status).toBe('PASS');
    expect(run('no-access-keys-created-at-setup', cr(row('alice', { access_key_1_active: 'true' }))).findings[0]!.detail).toContain('never-used active access key 1');
  });

  it('unused-credentials-disabled: pass when used recently, fail for a password or key unused 45 days', () => {
    expect(run('unused-credentials-disabled', cr(row('alice', { access_key_1_active: 'true', access_key_1_last_used_date: T(3) }))).status).toBe('PASS');
    const r = run('unused-credentials-disabled', cr(row('alice', { password_last_used: T(60) }), row('bob', { access_key_2_active: 'true', access_key_2_last_used_date: T(50) })));
    expect(r.findings.map((f) => f.detail)).toEqual([expect.stringContaining('password unused for 60 days'), expect.stringContaining('access key 2 unused for 50 days')]);
  });

  it('single-active-access-key: pass with one key, fail with two', () => {
    expect(run('single-active-access-key', cr(row('alice', { access_key_1_active: 'true' }))).status).toBe('PASS');
    expect(run('single-active-access-key', cr(row('alice', { access_key_1_active: 'true', access_key_2_active: 'true' }))).status).toBe('FAIL');
  });

  it('access-keys-rotated-90-days: pass when rotated recently, fail when older (relative to the report time)', () => {
    expect(run('access-keys-rotated-90-days', cr(row('alice', { access_key_1_active: 'true', access_key_1_last_rotated: T(30) }))).status).toBe('PASS');
    const r = run('access-keys-rotated-90-days', cr(row('alice', { access_key_1_active: 'true', access_key_1_last_rotated: T(120) })));
    expect(r.findings[0]!.detail).toContain('access key 1 last rotated 120 days ago');
    const generated = { ...report(row('alice', { access_key_1_active: 'true', access_key_1_last_rotated: T(120) })), generatedTime: '2026-05-01T00:00:00Z' };
    expect(run('access-keys-rotated-90-days', { credentialReports: [generated] }).status).toBe('PASS');
  });
});

describe('password policy (CloudTrail or Config rule evidence)', () => {
  const update = (params: Record<string, unknown>) => event('UpdateAccountPasswordPolicy', { eventSource: 'iam.amazonaws.com', requestParameters: params, readOnly: false });
  const base = item('AWS::EC2::VPC', 'vpc-1', {});

  it('password-policy-min-length-14: pass at 14, fail at 8 with the call as evidence, insufficient without evidence', () => {
    expect(run('password-policy-min-length-14', { items: [base], events: [update({ minimumPasswordLength: 14 })] }).status).toBe('PASS');
    const r = run('password-policy-min-length-14', { items: [base], events: [update({ minimumPasswordLength: 8 })] });
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]!.detail).toContain('minimum password length set to 8');
    expect(run('password-policy-min-length-14', { items: [base] }).status).toBe('INSUFFICIENT_DATA');
  });

  it('password-policy-prevents-reuse: pass at 24, fail from a NON_COMPLIANT Config rule result', () => {
    expect(run('password-policy-prevents-reuse', { items: [base], events: [update({ passwordReusePrevention: 24 })] }).status).toBe('PASS');
    const rc = item('AWS::Config::ResourceCompliance', `AWS::::Account/${ACCOUNT}`, { complianceType: 'NON_COMPLIANT', targetResourceId: ACCOUNT, targetResourceType: 'AWS::::Account', configRuleList: [{ configRuleName: 'iam-password-policy', complianceType: 'NON_COMPLIANT' }] });
    const r = run('password-policy-prevents-reuse', { items: [base, rc] });
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]!.detail).toContain('iam-password-policy reports NON_COMPLIANT');
  });
});

describe('IAM configuration checks', () => {
  const user = (name: string, conf: Record<string, unknown> = {}): ConfigItem => item('AWS::IAM::User', `AIDA${name.toUpperCase()}`, { userName: name, attachedManagedPolicies: [], userPolicyList: [], groupList: ['eng'], ...conf }, { region: 'global', resourceName: name });
  const role = (name: string, attached: string[], conf: Record<string, unknown> = {}): ConfigItem =>
    item('AWS::IAM::Role', `AROA${name.toUpperCase()}`, { roleName: name, attachedManagedPolicies: attached.map((p) => ({ policyArn: `arn:aws:iam::aws:policy/${p}`, policyName: p })), rolePolicyList: [], ...conf }, { region: 'global', resourceName: name });
  const doc = (action: unknown) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] }));
  const policy = (action: unknown, attachmentCount: number) => item('AWS::IAM::Policy', 'ANPA1', { policyName: 'p', attachmentCount, policyVersionList: [{ document: doc(action), versionId: 'v1', isDefaultVersion: true }] }, { region: 'global', resourceName: 'p' });

  it('iam-users-no-direct-policies: pass for group-only users, fail for a directly attached policy', () => {
    expect(run('iam-users-no-direct-policies', { items: [user('alice')] }).status).toBe('PASS');
    const r = run('iam-users-no-direct-policies', { items: [user('carol', { attachedManagedPolicies: [{ policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }] })] });
    expect(r.findings[0]!.detail).toContain('managed AmazonS3FullAccess');
  });

  it('no-full-admin-policies-attached: pass for scoped or unattached policies, fail for an attached "*:*" policy or inline one', () => {
    expect(run('no-full-admin-policies-attached', { items: [policy(['s3:*'], 2), policy('*', 0)] }).status).toBe('PASS');
    expect(run('no-full-admin-policies-attached', { items: [policy('*', 1)] }).findings[0]!.detail).toContain('allows "*" on "*" and is attached to 1 principal');
    const inline = role('ops', [], { rolePolicyList: [{ policyName: 'god', policyDocument: doc(['*']) }] });
    expect(run('no-full-admin-policies-attached', { items: [inline] }).findings[0]!.detail).toContain('inline policy god');
  });

  it('support-role-exists: pass with AWSSupportAccess, fail naming the account without', () => {
    expect(run('support-role-exists', { items: [role('support', ['AWSSupportAccess'])] }).status).toBe('PASS');
    const r = run('support-role-exists', { items: [role('ops', ['ReadOnlyAccess'])] });
    expect(r.findings).toEqual([expect.objectContaining({ resourceId: ACCOUNT, status: 'FAIL' })]);
    expect(run('support-role-exists', { items: [item('AWS::EC2::VPC', 'v', {})] }).status).toBe('INSUFFICIENT_DATA');
  });

  it('cloudshell-full-access-restricted: pass without it, fail with it attached', () => {
    expect(run('cloudshell-full-access-restricted', { items: [role('ops', ['ReadOnlyAccess'])] }).status).toBe('PASS');
    expect(run('cloudshell-full-access-restricted', { items: [role('dev', ['AWSCloudShellFullAccess'])] }).findings[0]!.resourceId).toBe('AROADEV');
  });

  it('access-analyzer-enabled-all-regions: pass when every region with Config data has one, fail listing the others', () => {
    const an = (region: string) => item('AWS::AccessAnalyzer::Analyzer', `arn:aws:access-analyzer:${region}:${ACCOUNT}:analyzer/a`, { status: 'ACTIVE' }, { region });
    expect(run('access-analyzer-enabled-all-regions', { items: [an('us-east-1'), an('eu-west-1')] }).status).toBe('PASS');
    const r = run('access-analyzer-enabled-all-regions', { items: [an('us-east-1'), item('AWS::EC2::VPC', 'v', {}, { region: 'eu-west-1' })] });
    expect(r.findings.map((f) => f.resourceId)).toEqual([`${ACCOUNT}/eu-west-1`]);
  });
});
