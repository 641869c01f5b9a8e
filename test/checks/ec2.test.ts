import { describe, expect, it } from 'vitest';
import { EC2_CHECKS } from '../../src/controls/checks/ec2/index.js';
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

describe('more EC2 and network checks', () => {
  const all = new Map(EC2_CHECKS.map((c) => [c.meta.id, c]));
  const run = (id: string, items: ReturnType<typeof item>[]) => runCheck(all.get(id)!, evidenceOf({ items }));
  const v6 = (port: number) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, ipv4Ranges: [], ipv6Ranges: [{ cidrIpv6: '::/0' }] });

  it('security-group-no-admin-ports-open-ipv6: pass for 443, fail for 3389 from ::/0', () => {
    expect(run('security-group-no-admin-ports-open-ipv6', [sg('sg-a', [v6(443)])]).status).toBe('PASS');
    expect(run('security-group-no-admin-ports-open-ipv6', [sg('sg-a', [v6(3389)])]).findings[0]!.detail).toContain('TCP port 3389 open to ::/0');
  });

  it('security-group-no-cifs-open: pass for private 445, fail for 445 from the internet', () => {
    expect(run('security-group-no-cifs-open', [sg('sg-a', [{ ipProtocol: 'tcp', fromPort: 445, toPort: 445, ipv4Ranges: [{ cidrIp: '10.0.0.0/8' }] }])]).status).toBe('PASS');
    expect(run('security-group-no-cifs-open', [sg('sg-a', [{ ipProtocol: 'tcp', fromPort: 445, toPort: 445, ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] }])]).status).toBe('FAIL');
  });

  it('network-acl-no-admin-ports-open: pass for a deny-by-default ACL, fail for allow-all inbound from 0.0.0.0/0', () => {
    const acl = (entries: unknown[]) => item('AWS::EC2::NetworkAcl', 'acl-1', { networkAclId: 'acl-1', entries });
    expect(run('network-acl-no-admin-ports-open', [acl([{ ruleNumber: 100, protocol: '6', ruleAction: 'allow', egress: false, cidrBlock: '0.0.0.0/0', portRange: { from: 443, to: 443 } }])]).status).toBe('PASS');
    const r = run('network-acl-no-admin-ports-open', [acl([{ ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: false, cidrBlock: '0.0.0.0/0' }])]);
    expect(r.findings[0]!.detail).toContain('inbound rule 100 allows 0.0.0.0/0');
  });

  it('default-security-group-restricts-all: pass when empty, fail with rules; not applicable without a default group', () => {
    const def = (perms: unknown[]) => item('AWS::EC2::SecurityGroup', 'sg-def', { groupName: 'default', ipPermissions: perms, ipPermissionsEgress: [] });
    expect(run('default-security-group-restricts-all', [def([])]).status).toBe('PASS');
    expect(run('default-security-group-restricts-all', [def([{ ipProtocol: '-1' }])]).findings[0]!.detail).toContain('1 inbound and 0 outbound');
    expect(run('default-security-group-restricts-all', [sg('sg-x', [])]).status).toBe('NOT_APPLICABLE');
  });

  it('vpc-flow-logs-enabled: pass with a flow log for the VPC, fail without', () => {
    const vpc = item('AWS::EC2::VPC', 'vpc-1', { vpcId: 'vpc-1' });
    expect(run('vpc-flow-logs-enabled', [vpc, item('AWS::EC2::FlowLog', 'fl-1', { resourceId: 'vpc-1' })]).status).toBe('PASS');
    expect(run('vpc-flow-logs-enabled', [vpc, item('AWS::EC2::FlowLog', 'fl-1', { resourceId: 'vpc-2' })]).findings[0]!.resourceId).toBe('vpc-1');
  });

  it('securityhub-enabled: pass when every region has a hub, fail naming the region without', () => {
    const hub = (region: string) => item('AWS::SecurityHub::Hub', `hub-${region}`, {}, { region });
    expect(run('securityhub-enabled', [hub('us-east-1')]).status).toBe('PASS');
    expect(run('securityhub-enabled', [hub('us-east-1'), sg('sg-x', [])].concat(item('AWS::EC2::VPC', 'v', {}, { region: 'eu-west-1' }))).findings.map((f) => f.resourceId)).toEqual(['111111111111/eu-west-1']);
  });

  it('ec2-instances-use-instance-profile and ec2-imdsv2-required: pass and fail', () => {
    const inst = (conf: Record<string, unknown>) => item('AWS::EC2::Instance', 'i-1', { instanceId: 'i-1', state: { name: 'running' }, ...conf });
    expect(run('ec2-instances-use-instance-profile', [inst({ iamInstanceProfile: { arn: 'x' } })]).status).toBe('PASS');
    expect(run('ec2-instances-use-instance-profile', [inst({})]).findings[0]!.detail).toContain('no IAM instance profile');
    expect(run('ec2-imdsv2-required', [inst({ metadataOptions: { httpTokens: 'required' } })]).status).toBe('PASS');
    expect(run('ec2-imdsv2-required', [inst({ metadataOptions: { httpTokens: 'optional' } })]).findings[0]!.detail).toContain('httpTokens optional');
  });
});
