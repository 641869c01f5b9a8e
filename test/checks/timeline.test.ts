import { describe, expect, it } from 'vitest';
import { securityGroupNoAdminPortsOpenIpv4 } from '../../src/controls/checks/ec2/security-group-no-admin-ports-open-ipv4.js';
import { runCheck } from '../../src/controls/evaluate.js';
import { buildControlEvidence } from '../../src/controls/evidence.js';
import { correlate } from '../../src/correlate/index.js';
import type { CloudTrailEvent, ConfigItem, UserIdentity } from '../../src/model/types.js';
import { ACCOUNT, ALICE, event, item, simpleActor, storeEvidence } from '../helpers/evidence.js';

/** State findings cite the change that introduced their fact, read from the resource's whole timeline. */

const BOB: UserIdentity = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob`, accountId: ACCOUNT, userName: 'bob', accessKeyId: 'AKIABOB' };
const ssh = (cidr: string) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: cidr }] });
const https = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] };
const sg = (time: string, perms: unknown[], tags: Record<string, string> = {}, status = 'OK') =>
  item('AWS::EC2::SecurityGroup', 'sg-1', status === 'ResourceDeleted' ? null : { groupId: 'sg-1', groupName: 'web', ipPermissions: perms }, { captureTime: time, tags, status, origin: 'history' });
const call = (name: string, time: string, who: UserIdentity, id: string) => event(name, { time, userIdentity: who, requestParameters: { groupId: 'sg-1', resourcesSet: { items: [{ resourceId: 'sg-1' }] } }, readOnly: false, id });

function evaluate(items: ConfigItem[], events: CloudTrailEvent[]) {
  const evidence = storeEvidence(items, events);
  const correlation = correlate(evidence, { windowMs: 3_600_000 });
  const ev = buildControlEvidence(evidence, correlation, { activity: [...evidence.events].map((e) => ({ event: e, actor: simpleActor(e.userIdentity) })) });
  return { result: runCheck(securityGroupNoAdminPortsOpenIpv4, ev), changes: correlation.changes };
}

describe('state findings cite their cause', () => {
  const baseline = sg('2026-06-30T12:00:00.000Z', [ssh('10.0.0.0/8')]);

  it('fail: port 22 opened by alice, a tag added eight minutes later by bob: the finding names alice and her call', () => {
    const opened = sg('2026-08-01T10:05:00.000Z', [ssh('10.0.0.0/8'), ssh('0.0.0.0/0')]);
    const tagged = sg('2026-08-01T10:13:00.000Z', [ssh('10.0.0.0/8'), ssh('0.0.0.0/0')], { Owner: 'bob' });
    const { result, changes } = evaluate(
      [baseline, opened, tagged],
      [call('AuthorizeSecurityGroupIngress', '2026-08-01T10:04:00Z', ALICE, 'ev-open'), call('CreateTags', '2026-08-01T10:12:00Z', BOB, 'ev-tag')],
    );
    expect(changes.map((c) => c.attribution.eventId)).toEqual(['ev-open', 'ev-tag']);
    expect(result.status).toBe('FAIL');
    const f = result.findings[0]!;
    expect(f).toMatchObject({ changeId: changes[0]!.id, eventId: 'ev-open', time: '2026-08-01T10:05:00.000Z', severity: 'high', check: securityGroupNoAdminPortsOpenIpv4.meta.id });
    expect(f.actor?.origin).toBe(ALICE.arn);
    expect(f.detail).toContain('since 2026-08-01T10:05:00.000Z, AuthorizeSecurityGroupIngress by arn:aws:iam::111111111111:user/alice');
    expect(f.detail).not.toContain('bob');
  });

  it('fail: RDP open before the period, a later rule for 443 added: the fact held since before the period', () => {
    const rdp = { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] };
    const { result } = evaluate(
      [sg('2026-06-20T00:00:00.000Z', [rdp]), sg('2026-09-21T08:00:00.000Z', [rdp, https])],
      [call('AuthorizeSecurityGroupIngress', '2026-09-21T07:59:00Z', BOB, 'ev-443')],
    );
    const f = result.findings[0]!;
    expect(f).toMatchObject({ sinceBeforePeriod: true, time: '2026-06-20T00:00:00.000Z' });
    expect(f.changeId).toBeUndefined();
    expect(f.eventId).toBeUndefined();
    expect(f.detail).toContain('since before the period; first seen 2026-06-20T00:00:00.000Z');
  });

  it('fail: a fact that changed (22 closed, 3389 opened in one change) is caused by that change, not the first opening', () => {
    const rdp = { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] };
    const { result, changes } = evaluate(
      [baseline, sg('2026-08-01T10:05:00.000Z', [ssh('0.0.0.0/0')]), sg('2026-08-10T10:05:00.000Z', [rdp])],
      [call('AuthorizeSecurityGroupIngress', '2026-08-01T10:04:00Z', ALICE, 'ev-22'), call('ModifySecurityGroupRules', '2026-08-10T10:04:00Z', BOB, 'ev-3389')],
    );
    expect(result.findings[0]).toMatchObject({ changeId: changes[1]!.id, eventId: 'ev-3389' });
    // The first fact held from 08-01 until the change of 08-10 turned it into another failing fact: no closed deviation.
    expect(result.deviations).toBeUndefined();
  });

  it('pass with a closed deviation: port 22 opened by alice and closed by bob inside the period', () => {
    const { result, changes } = evaluate(
      [baseline, sg('2026-08-01T10:05:00.000Z', [ssh('0.0.0.0/0')]), sg('2026-08-03T10:05:00.000Z', [ssh('10.0.0.0/8')])],
      [call('AuthorizeSecurityGroupIngress', '2026-08-01T10:04:00Z', ALICE, 'ev-open'), call('RevokeSecurityGroupIngress', '2026-08-03T10:04:00Z', BOB, 'ev-close')],
    );
    expect(result.status).toBe('PASS');
    expect(result.reason).toMatch(/1 deviation opened and closed during the period/);
    expect(result.deviations).toEqual([
      {
        check: securityGroupNoAdminPortsOpenIpv4.meta.id,
        severity: 'high',
        accountId: ACCOUNT,
        region: 'us-east-1',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-1',
        fact: 'TCP port 22 open to 0.0.0.0/0',
        opened: '2026-08-01T10:05:00.000Z',
        closed: '2026-08-03T10:05:00.000Z',
        durationMs: 2 * 86_400_000,
        closedBy: 'fixed',
        openedChangeId: changes[0]!.id,
        openedEventId: 'ev-open',
        openedActor: ALICE.arn,
        closedChangeId: changes[1]!.id,
        closedEventId: 'ev-close',
        closedActor: BOB.arn,
      },
    ]);
  });

  it('not applicable with a closed deviation: a group open since before the period, deleted inside it', () => {
    const { result } = evaluate([sg('2026-06-20T00:00:00.000Z', [ssh('0.0.0.0/0')]), sg('2026-07-10T00:00:00.000Z', [], {}, 'ResourceDeleted')], []);
    expect(result.status).toBe('NOT_APPLICABLE');
    expect(result.deviations).toMatchObject([{ openedBeforePeriod: true, opened: '2026-06-20T00:00:00.000Z', closed: '2026-07-10T00:00:00.000Z', closedBy: 'deleted' }]);
  });

  it('an oversized item (no configuration body) does not close a failing fact', () => {
    const oversized = { ...sg('2026-08-05T00:00:00.000Z', []), configuration: null, oversized: true } as ConfigItem;
    const { result } = evaluate([baseline, sg('2026-08-01T10:05:00.000Z', [ssh('0.0.0.0/0')]), oversized, sg('2026-08-06T00:00:00.000Z', [ssh('0.0.0.0/0')], { a: 'b' })], []);
    expect(result.deviations).toBeUndefined();
    expect(result.findings[0]!.time).toBe('2026-08-01T10:05:00.000Z');
  });
});
