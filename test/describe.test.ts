import { describe, expect, it } from 'vitest';
import { describeChange } from '../src/correlate/describe.js';
import { diffConfig } from '../src/correlate/diff.js';
import { item } from './helpers/evidence.js';

const rule = (port: number, cidrs: string[]) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, ipv4Ranges: cidrs.map((cidrIp) => ({ cidrIp })), ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] });
const sg = (perms: unknown[], tags: Record<string, string> = {}) => item('AWS::EC2::SecurityGroup', 'sg-1', { groupId: 'sg-1', ipPermissions: perms, ipPermissionsEgress: [] }, { tags });

describe('what a change did, in words', () => {
  it('security group rules by what they admit, tags by key', () => {
    const before = sg([rule(22, ['10.0.0.0/8']), rule(443, ['0.0.0.0/0'])], { Owner: 'alice', Env: 'prod' });
    const after = sg([rule(3389, ['0.0.0.0/0']), rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8', '0.0.0.0/0'])], { Owner: 'bob', Team: 'web' });
    const diff = diffConfig(before.configuration, after.configuration, 'configuration');
    expect(describeChange(before, after, 'update', diff)).toEqual([
      'added ingress tcp 22 from 0.0.0.0/0',
      'added ingress tcp 3389 from 0.0.0.0/0',
      'tag Env removed (was prod)',
      'tag Owner changed from alice to bob',
      'tag Team added: web',
    ]);
  });

  it('names the fields that changed where it has no sentence for them; creations and deletions are said as such', () => {
    const a = item('AWS::S3::Bucket', 'b', { versioning: 'Off', encryption: 'none' });
    const b = item('AWS::S3::Bucket', 'b', { versioning: 'Enabled', encryption: 'none' });
    expect(describeChange(a, b, 'update', diffConfig(a.configuration, b.configuration, 'configuration'))).toEqual(['changed configuration.versioning']);
    expect(describeChange(undefined, b, 'create', [])).toEqual(['created']);
    expect(describeChange(a, b, 'delete', [])).toEqual(['deleted']);
  });
});

describe('diffs compare list elements by identity', () => {
  it('a security group rule gaining a source is that rule changed, not a rule replaced', () => {
    const before = { ipPermissions: [rule(22, ['10.0.0.0/8']), rule(443, ['0.0.0.0/0'])] };
    const after = { ipPermissions: [rule(443, ['0.0.0.0/0']), rule(22, ['10.0.0.0/8', '0.0.0.0/0'])] };
    expect(diffConfig(before, after, 'configuration')).toEqual([{ path: 'configuration.ipPermissions[1].ipv4Ranges[1]', op: 'add', after: { cidrIp: '0.0.0.0/0' } }]);
  });

  it('one rule removed and another added, the same count on each side: a removal and an addition, not one rule edited', () => {
    const before = { ipPermissions: [rule(22, ['0.0.0.0/0'])] };
    const after = { ipPermissions: [rule(3389, ['0.0.0.0/0'])] };
    expect(diffConfig(before, after, 'configuration')).toEqual([
      { path: 'configuration.ipPermissions[0]', op: 'remove', before: rule(22, ['0.0.0.0/0']) },
      { path: 'configuration.ipPermissions[0]', op: 'add', after: rule(3389, ['0.0.0.0/0']) },
    ]);
  });

  it('policy statements are matched by Sid', () => {
    const before = { Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject' }] };
    const after = { Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:*' }] };
    expect(diffConfig(before, after, 'policy')).toEqual([{ path: 'policy.Statement[0].Action', op: 'replace', before: 's3:GetObject', after: 's3:*' }]);
  });
});
