import { emptyIntegrity } from '../src/store/integrity.js';
import { describe, expect, it } from 'vitest';
import { correlate } from '../src/correlate/index.js';
import type { CloudTrailEvent, ConfigItem, Evidence } from '../src/model/types.js';
import { ALICE, PERIOD, event, item } from './helpers/evidence.js';

const sgConf = (cidrs: string[]) => ({ groupId: 'sg-1', ipPermissions: cidrs.map((c) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: c }] })) });
const sg = (id: string, captureTime: string, cidrs: string[], o: Partial<ConfigItem> = {}) =>
  ({ ...item('AWS::EC2::SecurityGroup', id, { ...sgConf(cidrs), groupId: id }, { captureTime, origin: 'history' }), ...o }) as ConfigItem;
const authorize = (groupId: string, time: string, o: { errorCode?: string; id?: string; region?: string; accountId?: string } = {}) =>
  event('AuthorizeSecurityGroupIngress', { time, requestParameters: { groupId }, readOnly: false, ...o });

function evidence(items: ConfigItem[], events: CloudTrailEvent[]): Evidence {
  return {
    period: PERIOD,
    inputs: [],
    rejected: [],
    skipped: [],
    counts: { files: { read: 0, used: 0, rejected: 0, skipped: 0 }, records: { read: 0, used: 0, rejected: 0 }, events: { read: 0, kept: 0, readOnly: 0, failed: 0 }, configurationItems: { read: 0, kept: 0 } },
    items: [...items].sort((a, b) => a.captureTimeMs - b.captureTimeMs),
    events: [...events].sort((a, b) => a.eventTimeMs - b.eventTimeMs),
    integrity: emptyIntegrity(),
  };
}
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
    expect(last.attribution.reason).toMatch(/no successful write naming sg-1/);
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
});
