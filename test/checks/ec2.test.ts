import { describe, expect, it } from 'vitest';
import { securityGroupNoAdminPortsOpenIpv4 } from '../../src/controls/checks/ec2/security-group-no-admin-ports-open-ipv4.js';
import { runCheck } from '../../src/controls/evaluate.js';
import { evidenceOf, item } from '../helpers/evidence.js';

function sg(id: string, perms: unknown[], captureTime?: string) {
  return item('AWS::EC2::SecurityGroup', id, { groupId: id, groupName: id, ipPermissions: perms, ipPermissionsEgress: [] }, { captureTime });
}
const ssh = (cidr: string) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: cidr }], ipv6Ranges: [], ipRanges: [cidr] });

describe('security-group-no-admin-ports-open-ipv4', () => {
  const check = securityGroupNoAdminPortsOpenIpv4;

  it('fail: port 22 open to 0.0.0.0/0, naming the group and the rule', () => {
    const r = runCheck(check, evidenceOf({ items: [sg('sg-open', [ssh('0.0.0.0/0')]), sg('sg-closed', [ssh('10.0.0.0/8')])] }));
    expect(r.status).toBe('FAIL');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ resourceId: 'sg-open', status: 'FAIL', check: check.meta.id });
    expect(r.findings[0]!.detail).toContain('TCP port 22 open to 0.0.0.0/0');
  });

  it('fail: an all-traffic rule or a port range covering 3389', () => {
    const all = sg('sg-all', [{ ipProtocol: '-1', ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] }]);
    const range = sg('sg-range', [{ ipProtocol: 'tcp', fromPort: 3000, toPort: 4000, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] }]);
    const r = runCheck(check, evidenceOf({ items: [all, range] }));
    expect(r.findings.map((f) => f.resourceId).sort()).toEqual(['sg-all', 'sg-range']);
  });

  it('pass: admin ports only from private ranges; 443 open to the world is fine', () => {
    const web = sg('sg-web', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] }, ssh('10.0.0.0/8')]);
    expect(runCheck(check, evidenceOf({ items: [web] })).status).toBe('PASS');
  });

  it('pass: a group opened earlier but closed again by the end of the period', () => {
    const r = runCheck(check, evidenceOf({ items: [sg('sg-1', [ssh('0.0.0.0/0')]), sg('sg-1', [], '2026-08-01T00:00:00.000Z')] }));
    expect(r.status).toBe('PASS');
  });

  it('not applicable: Config data without security groups; insufficient data: no Config data at all', () => {
    expect(runCheck(check, evidenceOf({ items: [item('AWS::S3::Bucket', 'b', {})] })).status).toBe('NOT_APPLICABLE');
    expect(runCheck(check, evidenceOf({})).status).toBe('INSUFFICIENT_DATA');
  });
});
