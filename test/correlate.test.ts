import { describe, expect, it } from 'vitest';
import { correlate } from '../src/correlate/index.js';
import type { CloudTrailEvent, ConfigItem } from '../src/model/types.js';
import { ALICE, event, item, storeEvidence } from './helpers/evidence.js';

const sgConf = (cidrs: string[]) => ({ groupId: 'sg-1', ipPermissions: cidrs.map((c) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: c }] })) });
const sg = (id: string, captureTime: string, cidrs: string[], o: Partial<ConfigItem> = {}) =>
  ({ ...item('AWS::EC2::SecurityGroup', id, { ...sgConf(cidrs), groupId: id }, { captureTime, origin: 'history' }), ...o }) as ConfigItem;
const authorize = (groupId: string, time: string, o: { errorCode?: string; id?: string; region?: string; accountId?: string } = {}) =>
  event('AuthorizeSecurityGroupIngress', { time, requestParameters: { groupId }, readOnly: false, ...o });

const evidence = storeEvidence;
const run = (items: ConfigItem[], events: CloudTrailEvent[], windowMs = 3_600_000) => correlate(evidence(items, events), { windowMs });

describe('changes', () => {
  const before = sg('sg-1', '2026-06-30T12:00:00.000Z', ['10.0.0.0/8']);

  it('an update has a before from the last item before the period and a field-level diff', () => {
    const { changes } = run([before, sg('sg-1', '2026-08-01T10:05:00.000Z', ['10.0.0.0/8', '0.0.0.0/0'])], []);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ changeType: 'update', previousCaptureTime: '2026-06-30T12:00:00.000Z', resourceId: 'sg-1' });
    expect(changes[0]!.diff).toEqual([{ path: 'configuration.ipPermissions[1]', op: 'add', after: { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] } }]);
    expect(changes[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('creates, deletes; a snapshot baseline, an identical snapshot copy and rule results are not changes', () => {
    const created = sg('sg-new', '2026-08-02T00:00:00.000Z', [], { status: 'ResourceDiscovered' });
    const deleted = sg('sg-1', '2026-08-03T00:00:00.000Z', [], { status: 'ResourceDeleted', configuration: null });
    const baseline = sg('sg-base', '2026-07-01T01:00:00.000Z', [], { origin: 'snapshot' });
    const copy = { ...before, captureTime: '2026-07-02T00:00:00.000Z', captureTimeMs: Date.parse('2026-07-02T00:00:00.000Z'), origin: 'snapshot' } as ConfigItem;
    const compliance = item('AWS::Config::ResourceCompliance', 'AWS::EC2::SecurityGroup/sg-1', { complianceType: 'NON_COMPLIANT' }, { captureTime: '2026-08-05T00:00:00.000Z' });
    const { changes } = run([before, copy, created, deleted, baseline, compliance], []);
    expect(changes.map((c) => [c.resourceId, c.changeType])).toEqual([
      ['sg-1', 'delete'],
      ['sg-new', 'create'],
    ]);
    expect(changes[0]!.diff[0]).toMatchObject({ path: 'configuration', op: 'remove' });
  });
});

describe('attribution', () => {
  const before = sg('sg-1', '2026-06-30T12:00:00.000Z', ['10.0.0.0/8']);
  const after = sg('sg-1', '2026-08-01T10:05:00.000Z', ['10.0.0.0/8', '0.0.0.0/0']);

  it('picks the latest successful write naming the resource before the capture', () => {
    const early = authorize('sg-1', '2026-08-01T09:30:00Z', { id: 'early' });
    const late = authorize('sg-1', '2026-08-01T10:01:00Z', { id: 'late' });
    const { changes } = run([before, after], [early, late]);
    expect(changes[0]!.attribution).toMatchObject({ method: 'inferred', eventId: 'late', eventName: 'AuthorizeSecurityGroupIngress', candidates: 2 });
    expect(changes[0]!.attribution.confidence).toBeGreaterThan(0.7);
    expect(changes[0]!.attribution.reason).toMatch(/latest successful ec2:AuthorizeSecurityGroupIngress naming sg-1 4 min before the capture; 2 candidates/);
    expect(changes[0]!.actor).toMatchObject({ origin: ALICE.arn, originType: 'IAMUser' });
  });

  it('a failed call just before the change is never the cause, but is listed as a failed call', () => {
    const ok = authorize('sg-1', '2026-08-01T10:00:00Z', { id: 'ok' });
    const denied = authorize('sg-1', '2026-08-01T10:02:00Z', { id: 'denied', errorCode: 'Client.UnauthorizedOperation' });
    const r = run([before, after], [ok, denied]);
    expect(r.changes[0]!.attribution.eventId).toBe('ok');
    expect(r.failedCalls.map((f) => [f.eventId, f.errorCode])).toEqual([['denied', 'Client.UnauthorizedOperation']]);
  });

  it('a change to a different resource between a call and its capture does not steal the attribution', () => {
    const otherBefore = sg('sg-2', '2026-06-30T12:00:00.000Z', []);
    const otherAfter = sg('sg-2', '2026-08-01T10:06:00.000Z', ['0.0.0.0/0']);
    const callA = authorize('sg-1', '2026-08-01T10:00:00Z', { id: 'call-a' });
    const callB = authorize('sg-2', '2026-08-01T10:03:00Z', { id: 'call-b' });
    const { changes } = run([before, after, otherBefore, otherAfter], [callA, callB]);
    expect(changes.map((c) => [c.resourceId, c.attribution.eventId])).toEqual([
      ['sg-1', 'call-a'],
      ['sg-2', 'call-b'],
    ]);
  });

  it('ignores calls after the capture, before the previous capture, in another region, or read-only', () => {
    const prevInPeriod = sg('sg-1', '2026-08-01T09:00:00.000Z', ['10.0.0.0/8', '1.1.1.1/32']);
    const events = [
      authorize('sg-1', '2026-08-01T10:06:00Z', { id: 'after-capture' }),
      authorize('sg-1', '2026-08-01T08:59:00Z', { id: 'before-previous' }),
      authorize('sg-1', '2026-08-01T10:00:00Z', { id: 'other-region', region: 'eu-west-1' }),
      event('DescribeSecurityGroups', { time: '2026-08-01T10:01:00Z', requestParameters: { groupId: 'sg-1' }, id: 'read' }),
    ];
    const { changes } = run([before, prevInPeriod, after], events);
    const last = changes.find((c) => c.captureTime === after.captureTime)!;
    expect(last.attribution).toMatchObject({ method: 'none', confidence: 0, candidates: 0 });
    expect(last.actor).toBeNull();
    expect(last.attribution.reason).toMatch(/^no CloudTrail event in the input names sg-1 as a successful write/);
  });

  it('uses relatedEvents when Config filled it', () => {
    const e = authorize('sg-9', '2026-08-01T09:00:00Z', { id: 'named-by-config' });
    const { changes } = run([before, { ...after, relatedEvents: ['named-by-config'] }], [e]);
    expect(changes[0]!.attribution).toMatchObject({ method: 'relatedEvents', confidence: 1, eventId: 'named-by-config' });
  });

  it('matches global IAM resources by name across regions, and is deterministic', () => {
    const roleBefore = item('AWS::IAM::Role', 'AROAROLE1', { roleName: 'deployer', attachedManagedPolicies: [] }, { region: 'global', resourceName: 'deployer', origin: 'history' });
    const roleAfter = item('AWS::IAM::Role', 'AROAROLE1', { roleName: 'deployer', attachedManagedPolicies: [{ policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] }, { region: 'global', resourceName: 'deployer', captureTime: '2026-08-01T10:05:00.000Z', origin: 'history' });
    const attach = event('AttachRolePolicy', { eventSource: 'iam.amazonaws.com', time: '2026-08-01T10:00:00Z', requestParameters: { roleName: 'deployer', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, id: 'attach' });
    const a = run([roleBefore, roleAfter], [attach]);
    expect(a.changes[0]!.attribution).toMatchObject({ eventId: 'attach', method: 'inferred' });
    expect(a.changes[0]!.attribution.confidence).toBeLessThan(0.95);
    expect(JSON.stringify(run([roleAfter, roleBefore], [attach]))).toBe(JSON.stringify(a));
  });

  it('a name alone names an IAM user only as a userName: a role of the same name changed just before is not its cause', () => {
    const conf = (policies: string[]) => ({ userName: 'deploy', userPolicyList: policies.map((p) => ({ policyName: p })) });
    const before = item('AWS::IAM::User', 'AIDAUSER1', conf([]), { region: 'global', resourceName: 'deploy', origin: 'history' });
    const after = item('AWS::IAM::User', 'AIDAUSER1', conf(['s3-read']), { region: 'global', resourceName: 'deploy', captureTime: '2026-08-01T10:05:00.000Z', origin: 'history' });
    const onUser = event('PutUserPolicy', { eventSource: 'iam.amazonaws.com', time: '2026-08-01T09:58:00Z', requestParameters: { userName: 'deploy', policyName: 's3-read' }, id: 'on-user' });
    const onRole = event('PutRolePolicy', { eventSource: 'iam.amazonaws.com', time: '2026-08-01T10:01:00Z', requestParameters: { roleName: 'deploy', policyName: 's3-read' }, id: 'on-role' });
    const { changes } = run([before, after], [onUser, onRole]);
    expect(changes[0]!.attribution).toMatchObject({ eventId: 'on-user', candidates: 1 });
  });

  it('an RDS instance recorded under its DbiResourceId is matched by the dBInstanceIdentifier a call names', () => {
    const db = (retention: number, captureTime: string) => item('AWS::RDS::DBInstance', 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ', { dBInstanceIdentifier: 'orders', backupRetentionPeriod: retention }, { resourceName: 'orders', captureTime, origin: 'history' });
    const modify = event('ModifyDBInstance', { eventSource: 'rds.amazonaws.com', time: '2026-08-01T10:00:00Z', requestParameters: { dBInstanceIdentifier: 'orders', backupRetentionPeriod: 14 }, responseElements: null, id: 'modify' });
    const { changes } = run([db(7, '2026-06-30T12:00:00.000Z'), db(14, '2026-08-01T10:04:00.000Z')], [modify]);
    expect(changes[0]!.attribution).toMatchObject({ method: 'inferred', eventId: 'modify', confidence: 0.8 });
    expect(changes[0]!.attribution.reason).toBe('latest successful rds:ModifyDBInstance naming the name orders 4 min before the capture');
  });

  it('no call naming the resource: method none, said in words', () => {
    const db = (version: string, captureTime: string) => item('AWS::RDS::DBInstance', 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ', { dBInstanceIdentifier: 'orders', engineVersion: version }, { resourceName: 'orders', captureTime, origin: 'history' });
    const { changes } = run([db('16.3', '2026-06-30T12:00:00.000Z'), db('16.4', '2026-08-01T03:10:00.000Z')], []);
    expect(changes[0]!.attribution).toEqual({
      method: 'none',
      confidence: 0,
      candidates: 0,
      reason:
        'no CloudTrail event in the input names db-ABCDEFGHIJKLMNOPQRSTUVWXYZ (orders) as a successful write in 111111111111 within 60 min before the capture and after the previous one: AWS itself may have made the change (maintenance, an automatic update), or its call was not logged or is not in the input',
    });
  });
});
