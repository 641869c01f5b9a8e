import { describe, expect, it } from 'vitest';
import { ACTIVITY_CHECKS } from '../../src/controls/checks/activity/index.js';
import { calls, isAuthorised } from '../../src/controls/checks/activity/_shared.js';
import { apiName } from '../../src/store/keep.js';
import { runCheck } from '../../src/controls/evaluate.js';
import type { Actor, Change } from '../../src/model/types.js';
import { ALICE, ROOT, evidenceOf, event, item, simpleActor } from '../helpers/evidence.js';

const run = (id: string, f: Parameters<typeof evidenceOf>[0]) => runCheck(ACTIVITY_CHECKS.find((c) => c.meta.id === id)!, evidenceOf(f));
const base = item('AWS::EC2::VPC', 'vpc-1', {});
const quiet = event('RunInstances', { readOnly: false });

describe('dangerous activity', () => {
  it('insufficient data without CloudTrail events in the period', () => {
    expect(run('activity-root-account-used', { items: [base] }).status).toBe('INSUFFICIENT_DATA');
  });

  it.each([
    ['activity-root-account-used', event('DescribeInstances', { userIdentity: ROOT, readOnly: true })],
    ['activity-unauthorized-api-calls', event('DeleteBucket', { eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' })],
    ['activity-console-signin-without-mfa', event('ConsoleLogin', { eventSource: 'signin.amazonaws.com', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } })],
    ['activity-console-authentication-failures', event('ConsoleLogin', { eventSource: 'signin.amazonaws.com', responseElements: { ConsoleLogin: 'Failure' } })],
    ['activity-cloudtrail-tampering', event('StopLogging', { eventSource: 'cloudtrail.amazonaws.com' })],
    ['activity-config-recorder-stopped', event('StopConfigurationRecorder', { eventSource: 'config.amazonaws.com' })],
    ['activity-kms-key-disabled-or-deleted', event('ScheduleKeyDeletion', { eventSource: 'kms.amazonaws.com' })],
  ])('%s: pass when none happened, fail listing the event', (id, bad) => {
    expect(run(id, { events: [quiet] }).status).toBe('PASS');
    const r = run(id, { events: [quiet, bad] });
    expect(r.status).toBe('FAIL');
    expect(r.findings).toEqual([expect.objectContaining({ resourceId: bad.eventId, resourceType: 'AWS::CloudTrail::Event', time: bad.eventTime })]);
    expect(r.findings[0]!.detail).toContain(bad.eventName);
  });

  it('groups calls as they pass: one finding per actor, API and place in order of first call, with count, last time and the earliest ids', () => {
    const t = (h: number) => `2026-08-01T${String(h).padStart(2, '0')}:00:00Z`;
    const root = (h: number, region = 'us-east-1') => event('DescribeInstances', { userIdentity: ROOT, readOnly: true, time: t(h), region });
    const calls = [root(1), root(2, 'eu-west-1'), root(3), root(4), root(5), root(6)];
    const r = run('activity-root-account-used', { events: [quiet, ...calls] });
    expect(r.reason).toBe('6 root user activity event(s) in the period');
    const [first, second] = [calls[0]!, calls[1]!];
    expect(r.findings).toEqual([
      expect.objectContaining({
        resourceId: first.eventId,
        time: first.eventTime,
        count: 5,
        lastTime: t(6),
        sampleEventIds: [calls[0]!.eventId, calls[2]!.eventId, calls[3]!.eventId],
        detail: `root user activity: 5 calls ec2:DescribeInstances from ${t(1)} to ${t(6)} in 111111111111/us-east-1 by ${ROOT.arn}; e.g. ${calls[0]!.eventId}, ${calls[2]!.eventId}, ${calls[3]!.eventId}`,
      }),
      expect.objectContaining({ resourceId: second.eventId, detail: `root user activity: ec2:DescribeInstances at ${t(2)} in 111111111111/eu-west-1 by ${ROOT.arn}` }),
    ]);
    expect(r.findings[1]).not.toHaveProperty('count');
  });

  it('a console sign-in with MFA is not a finding', () => {
    const ok = event('ConsoleLogin', { eventSource: 'signin.amazonaws.com', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } });
    expect(run('activity-console-signin-without-mfa', { events: [ok] }).status).toBe('PASS');
  });
});

describe('tracked changes and change management', () => {
  const deployer = { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/deployer/ci', accountId: '111111111111', accessKeyId: 'ASIA1' };
  const ids: [string, string, string][] = [
    ['activity-iam-policy-changes', 'iam.amazonaws.com', 'AttachRolePolicy'],
    ['activity-s3-bucket-policy-changes', 's3.amazonaws.com', 'PutBucketPolicy'],
    ['activity-security-group-changes', 'ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'],
    ['activity-network-acl-changes', 'ec2.amazonaws.com', 'CreateNetworkAclEntry'],
    ['activity-network-gateway-changes', 'ec2.amazonaws.com', 'AttachInternetGateway'],
    ['activity-route-table-changes', 'ec2.amazonaws.com', 'CreateRoute'],
    ['activity-vpc-changes', 'ec2.amazonaws.com', 'CreateVpc'],
    ['activity-organizations-changes', 'organizations.amazonaws.com', 'MoveAccount'],
  ];

  it.each(ids)('%s: pass listing changes as evidence; fail for a principal outside --authorized-principals', (id, source, name) => {
    const byAlice = event(name, { eventSource: source, readOnly: false });
    const byDeployer = event(name, { eventSource: source, readOnly: false, userIdentity: deployer });
    const open = run(id, { events: [byAlice] });
    expect(open.status).toBe('PASS');
    expect(open.findings.map((f) => f.status)).toEqual(['PASS']);
    const r = run(id, { events: [byAlice, byDeployer], authorizedPrincipals: ['arn:aws:sts::111111111111:assumed-role/deployer/*'] });
    expect(r.status).toBe('FAIL');
    expect(r.findings.filter((f) => f.status === 'FAIL').map((f) => f.resourceId)).toEqual([byAlice.eventId]);
  });

  it('isAuthorised matches origin, ARN or any chain link, exactly or by * prefix', () => {
    const actor: Actor = { ...simpleActor(ALICE), chain: [{ type: 'IAMUser', name: 'alice' }, { type: 'AssumedRole', name: 'deployer/x', arn: 'arn:aws:sts::1:assumed-role/deployer/x' }] };
    expect(isAuthorised(actor, [ALICE.arn!])).toBe(true);
    expect(isAuthorised(actor, ['arn:aws:sts::1:assumed-role/deployer/*'])).toBe(true);
    expect(isAuthorised(actor, ['arn:aws:iam::1:user/bob'])).toBe(false);
    expect(isAuthorised(null, ['*'])).toBe(false);
  });

  const change = (actor: Actor | null): Change => ({
    id: 'c1', accountId: '111111111111', region: 'us-east-1', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1', captureTime: '2026-08-01T10:05:00.000Z', changeType: 'update', summary: ['added ingress tcp 22 from 0.0.0.0/0'], diff: [],
    attribution: { method: actor ? 'inferred' : 'none', confidence: actor ? 0.9 : 0, reason: 'r', candidates: actor ? 1 : 0 }, actor,
  });

  it('change-management-authorized-principals: manual without principals, pass for authorised, fail for others and unattributed', () => {
    expect(run('change-management-authorized-principals', { items: [base], changes: [change(simpleActor(ALICE))] }).status).toBe('MANUAL');
    expect(run('change-management-authorized-principals', { items: [base], changes: [change(simpleActor(ALICE))], authorizedPrincipals: [ALICE.arn!] }).status).toBe('PASS');
    const r = run('change-management-authorized-principals', { items: [base], changes: [change(simpleActor(ALICE)), change(null)], authorizedPrincipals: ['arn:aws:iam::111111111111:user/bob'] });
    expect(r.status).toBe('FAIL');
    expect(r.findings.map((f) => f.detail)).toEqual([expect.stringContaining('who is not an authorised principal'), expect.stringContaining('could not be attributed')]);
    expect(r.findings[0]!.changeId).toBe('c1');
  });

  it('config-rules-compliant: not applicable without results, pass when compliant, fail listing non-compliant resources', () => {
    const rc = (t: string) => item('AWS::Config::ResourceCompliance', 'AWS::EC2::SecurityGroup/sg-1', { complianceType: t, targetResourceId: 'sg-1', targetResourceType: 'AWS::EC2::SecurityGroup', configRuleList: [{ configRuleName: 'restricted-ssh', complianceType: t }] });
    expect(run('config-rules-compliant', { items: [base] }).status).toBe('NOT_APPLICABLE');
    expect(run('config-rules-compliant', { items: [rc('COMPLIANT')] }).status).toBe('PASS');
    expect(run('config-rules-compliant', { items: [rc('NON_COMPLIANT')] }).findings[0]!.detail).toContain('restricted-ssh reports NON_COMPLIANT');
  });
});

describe('event names that carry an API version', () => {
  it('are the API they stand for: Lambda\'s 20150331v2, CloudFront\'s 2020_05_31; other names are left as they are', () => {
    expect(['UpdateFunctionConfiguration20150331v2', 'AddPermission20150331v2', 'CreateFunction20150331', 'UpdateDistribution2020_05_31', 'PutBucketPolicy', 'CreateDBInstance', 'V2'].map(apiName)).toEqual([
      'UpdateFunctionConfiguration', 'AddPermission', 'CreateFunction', 'UpdateDistribution', 'PutBucketPolicy', 'CreateDBInstance', 'V2',
    ]);
  });

  it('a check matching calls by API matches the versioned event name of the same service only', () => {
    const match = calls('lambda.amazonaws.com', ['AddPermission']);
    const actor = simpleActor(ALICE);
    expect(match({ event: event('AddPermission20150331v2', { eventSource: 'lambda.amazonaws.com' }), actor })).toBe(true);
    expect(match({ event: event('AddPermission20150331v2', { eventSource: 'sns.amazonaws.com' }), actor })).toBe(false);
    expect(match({ event: event('AddPermissions20150331v2', { eventSource: 'lambda.amazonaws.com' }), actor })).toBe(false);
  });
});
