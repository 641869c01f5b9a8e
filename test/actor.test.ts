import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeActor } from '../src/controls/checks/util.js';
import { resolveActor } from '../src/correlate/actor.js';
import { buildSessionIndex } from '../src/correlate/sessions.js';
import type { CloudTrailEvent, UserIdentity } from '../src/model/types.js';
import { parseFile } from '../src/parse/index.js';
import { ELASTIC_DATA as ELASTIC, noElasticData } from './helpers/cli.js';
import { event } from './helpers/evidence.js';

const A = '111111111111';
const B = '222222222222';
const user = (name: string, acct = A): UserIdentity => ({ type: 'IAMUser', arn: `arn:aws:iam::${acct}:user/${name}`, accountId: acct, userName: name, accessKeyId: `AKIA${name.toUpperCase()}` });
const session = (role: string, name: string, key: string, acct = A, extra: Partial<UserIdentity> = {}): UserIdentity => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${acct}:assumed-role/${role}/${name}`,
  principalId: `AROA${role.toUpperCase()}:${name}`,
  accountId: acct,
  accessKeyId: key,
  sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${acct}:role/${role}`, userName: role, accountId: acct }, attributes: { creationDate: '2026-08-01T09:00:00Z', mfaAuthenticated: 'false' } },
  ...extra,
});
const assume = (by: UserIdentity, role: string, key: string, o: { acct?: string; name?: string; time?: string; eventName?: string; requestParameters?: Record<string, unknown> } = {}): CloudTrailEvent =>
  event(o.eventName ?? 'AssumeRole', {
    eventSource: 'sts.amazonaws.com',
    accountId: o.acct ?? A,
    time: o.time ?? '2026-08-01T09:00:00Z',
    userIdentity: by,
    requestParameters: { roleArn: `arn:aws:iam::${o.acct ?? A}:role/${role}`, roleSessionName: o.name ?? 's', ...o.requestParameters },
    responseElements: { credentials: { accessKeyId: key, expiration: 'x' }, assumedRoleUser: { assumedRoleId: `AROA${role.toUpperCase()}:${o.name ?? 's'}`, arn: `arn:aws:sts::${o.acct ?? A}:assumed-role/${role}/${o.name ?? 's'}` } },
  });
const call = (ui: UserIdentity, acct = A) => event('AuthorizeSecurityGroupIngress', { userIdentity: ui, accountId: acct, time: '2026-08-01T10:00:00Z', readOnly: false });

function resolve(target: CloudTrailEvent, others: CloudTrailEvent[]) {
  return resolveActor(target, buildSessionIndex([...others, target]));
}

describe('resolveActor', () => {
  it('IAM user: the user ARN', () => {
    const a = resolve(call(user('alice')), []);
    expect(a).toMatchObject({ origin: `arn:aws:iam::${A}:user/alice`, originType: 'IAMUser', resolved: true, type: 'IAMUser' });
  });

  it('root: the account root ARN', () => {
    const a = resolve(call({ type: 'Root', accountId: A, principalId: A }), []);
    expect(a).toMatchObject({ origin: `arn:aws:iam::${A}:root`, originType: 'Root' });
  });

  it('two-hop and three-hop role chains, across accounts, back to the IAM user', () => {
    const s1 = assume(user('bob'), 'ops-admin', 'ASIA1', { name: 'bob' });
    const s2 = assume(session('ops-admin', 'bob', 'ASIA1'), 'deployer', 'ASIA2', { acct: B, name: 'deploy' });
    const s3 = assume(session('deployer', 'deploy', 'ASIA2', B), 'final', 'ASIA3', { acct: B, name: 'final' });
    const two = resolve(call(session('deployer', 'deploy', 'ASIA2', B), B), [s1, s2]);
    expect(two).toMatchObject({ origin: `arn:aws:iam::${A}:user/bob`, originType: 'IAMUser', resolved: true });
    expect(two.chain.map((c) => [c.type, c.name, c.via])).toEqual([
      ['IAMUser', 'bob', undefined],
      ['AssumedRole', 'ops-admin/bob', 'AssumeRole'],
      ['AssumedRole', 'deployer/deploy', 'AssumeRole'],
    ]);
    const three = resolve(call(session('final', 'final', 'ASIA3', B), B), [s3, s2, s1]);
    expect(three.origin).toBe(`arn:aws:iam::${A}:user/bob`);
    expect(three.chain).toHaveLength(4);
  });

  it('IAM Identity Center via AssumeRoleWithSAML: the user name, as SSOUser', () => {
    const saml = assume(
      { type: 'SAMLUser', principalId: 'SAMLPROV:jane@example.com', userName: 'jane@example.com', identityProvider: `arn:aws:iam::${A}:saml-provider/AWSSSO_abc_DO_NOT_DELETE` },
      'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_123',
      'ASIASSO',
      { eventName: 'AssumeRoleWithSAML', name: 'jane@example.com' },
    );
    const a = resolve(call(session('AWSReservedSSO_Admin_123', 'jane@example.com', 'ASIASSO', A, { onBehalfOf: { userId: 'u-1' } })), [saml]);
    expect(a).toMatchObject({ origin: 'jane@example.com', originType: 'SSOUser', resolved: true });
    expect(a.chain[0]).toMatchObject({ type: 'SSOUser', via: 'IAM Identity Center' });
  });

  it('IAM Identity Center without the SAML call: the session name of the AWSReservedSSO role', () => {
    const a = resolve(call(session('AWSReservedSSO_ReadOnly_9', 'joe@example.com', 'ASIAX')), []);
    expect(a).toMatchObject({ origin: 'joe@example.com', originType: 'SSOUser', resolved: true });
  });

  it('web identity: the token subject (a CI pipeline)', () => {
    const subject = 'repo:acme/infra:ref:refs/heads/main';
    const web = assume({ type: 'WebIdentityUser', userName: subject, identityProvider: `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com` }, 'ci', 'ASIAWEB', { eventName: 'AssumeRoleWithWebIdentity', name: 'gh' });
    const a = resolve(call(session('ci', 'gh', 'ASIAWEB')), [web]);
    expect(a).toMatchObject({ origin: subject, originType: 'WebIdentityUser', resolved: true });
  });

  it('service-linked role: the service principal', () => {
    const ui = session('AWSServiceRoleForAutoScaling', 'AutoScaling', 'ASIASVC', A, { invokedBy: 'autoscaling.amazonaws.com' });
    ui.sessionContext!.sessionIssuer!.arn = `arn:aws:iam::${A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    expect(resolve(call(ui), [])).toMatchObject({ origin: 'autoscaling.amazonaws.com', originType: 'AWSService' });
  });

  it('sourceIdentity set on AssumeRole is carried to the actor', () => {
    const s1 = assume(user('carol'), 'ops', 'ASIASRC', { requestParameters: { sourceIdentity: 'carol@corp' } });
    const a = resolve(call(session('ops', 's', 'ASIASRC', A, { sessionContext: { sourceIdentity: 'carol@corp', sessionIssuer: { arn: `arn:aws:iam::${A}:role/ops`, userName: 'ops' } } })), [s1]);
    expect(a).toMatchObject({ origin: `arn:aws:iam::${A}:user/carol`, sourceIdentity: 'carol@corp' });
    expect(a.chain.map((c) => c.type)).toEqual(['IAMUser', 'SourceIdentity', 'AssumedRole']);
  });

  it('unresolved: the issuing call is missing, and a loop in the data stops', () => {
    const a = resolve(call(session('ops', 'x', 'ASIAMISSING')), []);
    expect(a).toMatchObject({ origin: `arn:aws:sts::${A}:assumed-role/ops/x`, originType: 'AssumedRole', resolved: false });
    // A session whose key was (absurdly) issued by itself.
    const loop = assume(session('ops', 's', 'ASIALOOP'), 'ops', 'ASIALOOP');
    const l = resolve(call(session('ops', 's', 'ASIALOOP')), [loop]);
    expect(l.chain.length).toBeLessThanOrEqual(12);
  });

  it('falls back to the assumed-role id and creationDate when the key is not seen', () => {
    const s1 = assume(user('dave'), 'ops', 'ASIAOTHER', { name: 'dave', time: '2026-08-01T08:59:58Z' });
    const ui = session('ops', 'dave', 'ASIANOTSEEN');
    ui.sessionContext!.attributes!.creationDate = '20260801T090000Z';
    expect(resolve(call(ui), [s1]).origin).toBe(`arn:aws:iam::${A}:user/dave`);
  });
});

/** A call ten minutes after an issuing call, by the session it created, with the key it handed out. */
function useOf(issuing: CloudTrailEvent, key: string): CloudTrailEvent {
  const arn = (issuing.responseElements as { assumedRoleUser: { arn: string } }).assumedRoleUser.arn;
  return { ...call({ type: 'AssumedRole', arn, accessKeyId: key, accountId: issuing.accountId }), eventTime: new Date(issuing.eventTimeMs + 600_000).toISOString(), eventTimeMs: issuing.eventTimeMs + 600_000 };
}

describe.skipIf(noElasticData)('real samples (elastic/integrations)', () => {
  const load = (f: string) => parseFile({ path: f, key: f, bytes: readFileSync(join(ELASTIC, f)) }, { maxFileBytes: 1 << 24 }).events;

  it('a later call with the key issued to an IAM Identity Center session resolves to the SSO user', () => {
    const issuing = load('test-assume-role-email-session-json.log').find((e) => e.eventName === 'AssumeRole')!;
    const later = useOf(issuing, 'ASIAWHOJDLGPOEXAMPLE');
    const a = resolve(later, [issuing]);
    expect(a.originType).toBe('SSOUser');
    expect(a.origin).toMatch(/@/);
    expect(a.chain[a.chain.length - 1]!.via).toBe('AssumeRole');
  });

  it('a later call with the key an AWS service obtained resolves to that service', () => {
    const issuing = load('test-assume-role-aws-service-json.log')[0]!;
    const key = (issuing.responseElements as { credentials: { accessKeyId: string } }).credentials.accessKeyId;
    // EC2 only delivered an instance profile's keys: the instance and its role made the call.
    expect(resolve(useOf(issuing, key), [issuing])).toMatchObject({ origin: 'ec2-instance:i-0123456789abcdef0 (role ec2-instance-role)', originType: 'EC2Instance', resolved: true });
  });
});

describe('a session is traced only to a call that can have issued it', () => {
  const issued = (key: string, time: string, name = 's', expiration = '2026-08-01T21:00:00Z') => {
    const e = assume(user('alice'), 'deploy', key, { time, name });
    (e.responseElements as { credentials: { expiration: string } }).credentials.expiration = expiration;
    return e;
  };
  const use = (key: string, time: string, name = 's') => ({ ...call(session('deploy', name, key)), eventTime: time, eventTimeMs: Date.parse(time) });

  it('not to an AssumeRole made after the call (a key masked in the export stands for many sessions)', () => {
    const later = issued('ASIAXXXXXXXXXXXXXXXX', '2026-08-18T09:00:00Z', 's', '2026-08-18T21:00:00Z');
    const a = resolve(use('ASIAXXXXXXXXXXXXXXXX', '2026-08-01T10:00:00Z'), [later]);
    expect(a.resolved).toBe(false);
    expect(a.chain.some((st) => st.eventId === later.eventId)).toBe(false);
  });

  it('a cross-account AssumeRole delivered to both accounts: the caller’s copy, not the role owner’s', () => {
    const callers = issued('ASIACROSS', '2026-08-01T09:00:00Z');
    const owners = { ...callers, eventId: 'ffffffff-owner-copy', accountId: B, userIdentity: { type: 'AWSAccount', principalId: 'AIDAALICE', accountId: A } };
    for (const order of [[callers, owners], [owners, callers]]) {
      expect(resolve(use('ASIACROSS', '2026-08-01T10:00:00Z'), order)).toMatchObject({ resolved: true, origin: `arn:aws:iam::${A}:user/alice` });
    }
  });

  it('not after the credentials expired, nor for another session; the latest call that fits wins', () => {
    const old = issued('ASIAMASKED', '2026-07-20T09:00:00Z', 's', '2026-07-20T10:00:00Z');
    expect(resolve(use('ASIAMASKED', '2026-08-01T10:00:00Z'), [old]).resolved).toBe(false);
    const other = issued('ASIAMASKED', '2026-08-01T09:30:00Z', 'someone-else');
    expect(resolve(use('ASIAMASKED', '2026-08-01T10:00:00Z'), [other]).resolved).toBe(false);
    const first = issued('ASIAMASKED', '2026-08-01T08:00:00Z');
    const second = issued('ASIAMASKED', '2026-08-01T09:00:00Z');
    const a = resolve(use('ASIAMASKED', '2026-08-01T10:00:00Z'), [first, second, other, old]);
    expect(a).toMatchObject({ resolved: true, origin: `arn:aws:iam::${A}:user/alice` });
    expect(a.chain[a.chain.length - 1]!.eventId).toBe(second.eventId);
  });
});

describe('actors of shared identities', () => {
  it('resolves an identity object once per account and sessions, but each federation call on its own', () => {
    const ui = user('alice');
    const sessions = buildSessionIndex([]);
    const a1 = resolveActor(event('PutObject', { userIdentity: ui, accountId: A }), sessions);
    const a2 = resolveActor(event('DeleteObject', { userIdentity: ui, accountId: A }), sessions);
    expect(a2).toBe(a1);
    expect(resolveActor(event('PutObject', { userIdentity: ui, accountId: B }), sessions)).toEqual(a1);
    // Another session index (another run) resolves afresh.
    expect(resolveActor(event('PutObject', { userIdentity: ui, accountId: A }), buildSessionIndex([]))).not.toBe(a1);
    // A SAML federation call names its user in the call itself: never shared.
    const saml: UserIdentity = { type: 'SAMLUser', principalId: 'x', identityProvider: 'arn:aws:iam::111111111111:saml-provider/Okta' };
    const s1 = resolveActor(event('AssumeRoleWithSAML', { userIdentity: saml, eventSource: 'sts.amazonaws.com', responseElements: { subject: 'jane@example.com' } }), sessions);
    const s2 = resolveActor(event('AssumeRoleWithSAML', { userIdentity: saml, eventSource: 'sts.amazonaws.com', responseElements: { subject: 'joe@example.com' } }), sessions);
    expect([s1.origin, s2.origin]).toEqual(['jane@example.com', 'joe@example.com']);
  });
});

describe('instance profiles and CloudFormation', () => {
  const INSTANCE = 'i-0abc1234def567890';
  const ec2 = { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } as UserIdentity;

  it('an instance-profile session is the instance and its role, through the AssumeRole EC2 made', () => {
    const issuing = assume(ec2, 'app-role', 'ASIAEC2', { name: INSTANCE });
    const a = resolve(call(session('app-role', INSTANCE, 'ASIAEC2')), [issuing]);
    expect(a).toMatchObject({ origin: `ec2-instance:${INSTANCE} (role app-role)`, originType: 'EC2Instance', resolved: true, type: 'AssumedRole' });
    expect(a.chain.map((s) => [s.type, s.name, s.via, s.eventId])).toEqual([
      ['EC2Instance', INSTANCE, undefined, undefined],
      ['AssumedRole', `app-role/${INSTANCE}`, 'AssumeRole', issuing.eventId],
    ]);
  });

  it('without the AssumeRole in the data, the ec2RoleDelivery of the session says it came from the instance', () => {
    const ui = session('app-role', INSTANCE, 'ASIAGONE');
    ui.sessionContext = { ...ui.sessionContext, ec2RoleDelivery: '2.0' };
    const a = resolve(call(ui), []);
    expect(a).toMatchObject({ origin: `ec2-instance:${INSTANCE} (role app-role)`, originType: 'EC2Instance', resolved: true });
    expect(a.chain.map((s) => [s.type, s.via])).toEqual([
      ['EC2Instance', undefined],
      ['AssumedRole', 'instance profile'],
    ]);
    // Named like an instance but nothing says EC2 issued it: the session stays unresolved.
    expect(resolve(call(session('app-role', INSTANCE, 'ASIAGONE2')), [])).toMatchObject({ originType: 'AssumedRole', resolved: false });
  });

  it('a session a person named like an instance is that person\'s', () => {
    const issuing = assume(user('mallory'), 'app-role', 'ASIAFAKE', { name: INSTANCE });
    const ui = session('app-role', INSTANCE, 'ASIAFAKE');
    ui.sessionContext = { ...ui.sessionContext, ec2RoleDelivery: '2.0' };
    expect(resolve(call(ui), [issuing])).toMatchObject({ origin: `arn:aws:iam::${A}:user/mallory`, originType: 'IAMUser' });
  });

  it('a call CloudFormation made with a user\'s credentials is the user\'s, with CloudFormation named beside', () => {
    const a = resolve(call({ ...user('alice'), invokedBy: 'cloudformation.amazonaws.com' }), []);
    expect(a).toMatchObject({ origin: `arn:aws:iam::${A}:user/alice`, originType: 'IAMUser', invokedBy: 'cloudformation.amazonaws.com' });
    expect(describeActor(a)).toBe(`arn:aws:iam::${A}:user/alice through cloudformation.amazonaws.com`);
    // With the stack's service role, CloudFormation itself assumed the role: CloudFormation, plainly.
    const cfn = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' } as UserIdentity;
    const issuing = assume(cfn, 'stack-role', 'ASIACFN', { name: 'AWSCloudFormation' });
    const b = resolve(call(session('stack-role', 'AWSCloudFormation', 'ASIACFN', A, { invokedBy: 'cloudformation.amazonaws.com' })), [issuing]);
    expect(b).toMatchObject({ origin: 'cloudformation.amazonaws.com', originType: 'AWSService' });
    expect(b.invokedBy).toBeUndefined();
  });
});
