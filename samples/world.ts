import type { Random } from './random.js';

/**
 * The simulated organisation: accounts, people, roles and the resources AWS Config records, with
 * configurations in the shapes Config delivers. Everything is derived from the seeded Random.
 */

export const DAY_MS = 86_400_000;

export interface Account {
  id: string;
  users: { name: string; id: string; key: string }[];
  ssoRole: string;
  ssoRoleId: string;
  samlProvider: string;
  identityStore: string;
  roleIds: Record<string, string>;
}

export interface Resource {
  key: string;
  type: string;
  id: string;
  name?: string;
  arn: string;
  account: string;
  /** Config's awsRegion ("global" for IAM). */
  region: string;
  /** The region whose Config folder holds the item. */
  folderRegion: string;
  conf: Record<string, unknown>;
  supp: Record<string, unknown>;
  tags: Record<string, string>;
  stateId: number;
  createdMs: number;
  /** Capture time of the latest item: the next change's call must come after it. */
  busyUntil: number;
  deleted: boolean;
  az: string;
}

export const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
export const SSO_PEOPLE = ['jane.doe@example.com', 'raj.patel@example.com', 'li.wei@example.com', 'maria.garcia@example.com'];
export const CI_SUBJECTS = ['repo:acme/infra:ref:refs/heads/main', 'repo:acme/platform:environment:production'];

export function makeAccounts(rng: Random, n: number): Account[] {
  const ids = new Set<string>();
  while (ids.size < n) ids.add(rng.digits(12));
  return [...ids].map((id) => ({
    id,
    users: PEOPLE.slice(0, 4).map((name) => ({ name, id: `AIDA${rng.alnum(17)}`, key: `AKIA${rng.alnum(16)}` })),
    ssoRole: `AWSReservedSSO_AdministratorAccess_${rng.hex(16)}`,
    ssoRoleId: `AROA${rng.alnum(17)}`,
    samlProvider: `arn:aws:iam::${id}:saml-provider/AWSSSO_${rng.hex(16)}_DO_NOT_DELETE`,
    identityStore: `arn:aws:identitystore::${id}:identitystore/d-${rng.hex(10)}`,
    roleIds: Object.fromEntries(['ops-admin', 'deployer', 'github-deploy', 'AWSServiceRoleForAutoScaling'].map((r) => [r, `AROA${rng.alnum(17)}`])),
  }));
}

function perm(port: number, cidr: string, proto = 'tcp'): Record<string, unknown> {
  const v6 = cidr.includes(':');
  return {
    ipProtocol: proto,
    fromPort: port,
    toPort: port,
    userIdGroupPairs: [],
    ipv4Ranges: v6 ? [] : [{ cidrIp: cidr }],
    ipv6Ranges: v6 ? [{ cidrIpv6: cidr }] : [],
    prefixListIds: [],
    ipRanges: v6 ? [] : [cidr],
  };
}

export function permission(port: number, cidr: string): Record<string, unknown> {
  return perm(port, cidr);
}

const POLICY = (name: string) => ({ policyArn: `arn:aws:iam::aws:policy/${name}`, policyName: name });

function urlPolicy(doc: unknown): string {
  return encodeURIComponent(JSON.stringify(doc));
}

export interface ResourceFactory {
  add(r: Omit<Resource, 'key' | 'stateId' | 'busyUntil' | 'deleted' | 'az' | 'tags'> & { tags?: Record<string, string>; az?: string }): Resource;
}

/**
 * The resources of one account at the start of the story: a mix of compliant and non-compliant
 * settings, so every framework section of the demo report has something to say.
 */
export function baselineResources(rng: Random, acct: Account, index: number, regions: string[], createdMs: number, f: ResourceFactory): void {
  const a = acct.id;
  const home = regions[0]!;
  const iamFolder = regions.includes('us-east-1') ? 'us-east-1' : home;
  for (const region of regions) {
    const vpc = `vpc-${rng.hex(17)}`;
    const sg = (name: string, perms: Record<string, unknown>[]) => {
      const id = `sg-${rng.hex(17)}`;
      f.add({
        type: 'AWS::EC2::SecurityGroup', id, name, arn: `arn:aws:ec2:${region}:${a}:security-group/${id}`, account: a, region, folderRegion: region, createdMs,
        conf: { description: `${name} security group`, groupName: name, ipPermissions: perms, ownerId: a, groupId: id, ipPermissionsEgress: [{ ipProtocol: '-1', ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }], ipRanges: ['0.0.0.0/0'], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] }], vpcId: vpc, tags: [] },
        supp: {},
      });
    };
    sg('default', index === 0 ? [{ ipProtocol: '-1', userIdGroupPairs: [{ groupId: 'self' }], ipv4Ranges: [], ipRanges: [], ipv6Ranges: [], prefixListIds: [] }] : []);
    sg('web', [perm(443, '0.0.0.0/0'), perm(443, '::/0')]);
    sg('bastion', [perm(22, '10.0.0.0/8')]);
    sg('app', [perm(8080, '10.0.0.0/16')]);
    f.add({ type: 'AWS::EC2::VPC', id: vpc, arn: `arn:aws:ec2:${region}:${a}:vpc/${vpc}`, account: a, region, folderRegion: region, createdMs, conf: { vpcId: vpc, cidrBlock: '10.0.0.0/16', isDefault: false, state: 'available' }, supp: {} });
    if (index === 0 || region === home) {
      const fl = `fl-${rng.hex(17)}`;
      f.add({ type: 'AWS::EC2::FlowLog', id: fl, arn: `arn:aws:ec2:${region}:${a}:vpc-flow-log/${fl}`, account: a, region, folderRegion: region, createdMs, conf: { flowLogId: fl, resourceId: vpc, trafficType: 'ALL', logDestinationType: 'cloud-watch-logs' }, supp: {} });
    }
    const acl = `acl-${rng.hex(17)}`;
    f.add({
      type: 'AWS::EC2::NetworkAcl', id: acl, arn: `arn:aws:ec2:${region}:${a}:network-acl/${acl}`, account: a, region, folderRegion: region, createdMs,
      conf: { networkAclId: acl, vpcId: vpc, isDefault: true, entries: [{ ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: false, cidrBlock: '0.0.0.0/0' }, { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: true, cidrBlock: '0.0.0.0/0' }] },
      supp: {},
    });
    const keyId = rng.uuid();
    f.add({ type: 'AWS::KMS::Key', id: keyId, arn: `arn:aws:kms:${region}:${a}:key/${keyId}`, account: a, region, folderRegion: region, createdMs, conf: { keyId, arn: `arn:aws:kms:${region}:${a}:key/${keyId}`, keyState: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', enabled: true, description: 'application data key' }, supp: {} });
    const inst = `i-${rng.hex(17)}`;
    f.add({
      type: 'AWS::EC2::Instance', id: inst, arn: `arn:aws:ec2:${region}:${a}:instance/${inst}`, account: a, region, folderRegion: region, createdMs, az: `${region}a`,
      conf: { instanceId: inst, instanceType: 't3.micro', state: { code: 16, name: 'running' }, vpcId: vpc, metadataOptions: { httpTokens: index === 0 ? 'optional' : 'required', httpEndpoint: 'enabled' }, ...(index === 0 && region !== home ? {} : { iamInstanceProfile: { arn: `arn:aws:iam::${a}:instance-profile/app`, id: `AIPA${rng.alnum(17)}` } }) },
      supp: {},
    });
    const vol = `vol-${rng.hex(17)}`;
    f.add({ type: 'AWS::EC2::Volume', id: vol, arn: `arn:aws:ec2:${region}:${a}:volume/${vol}`, account: a, region, folderRegion: region, createdMs, az: `${region}a`, conf: { volumeId: vol, size: 20, volumeType: 'gp3', encrypted: region === home, state: 'in-use' }, supp: {} });
    f.add({ type: 'AWS::SecurityHub::Hub', id: `arn:aws:securityhub:${region}:${a}:hub/default`, arn: `arn:aws:securityhub:${region}:${a}:hub/default`, account: a, region, folderRegion: region, createdMs, conf: { HubArn: `arn:aws:securityhub:${region}:${a}:hub/default`, AutoEnableControls: true }, supp: {} });
    f.add({ type: 'AWS::Config::ConfigurationRecorder', id: 'default', name: 'default', arn: `arn:aws:config:${region}:${a}:config-recorder/default`, account: a, region, folderRegion: region, createdMs, conf: { name: 'default', roleARN: `arn:aws:iam::${a}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`, recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === iamFolder }, recording: true }, supp: {} });
    if (region === home) {
      const an = `arn:aws:access-analyzer:${region}:${a}:analyzer/account-analyzer`;
      f.add({ type: 'AWS::AccessAnalyzer::Analyzer', id: an, name: 'account-analyzer', arn: an, account: a, region, folderRegion: region, createdMs, conf: { analyzerName: 'account-analyzer', type: 'ACCOUNT', status: 'ACTIVE' }, supp: {} });
      const db = `app-db-${index}`;
      f.add({
        type: 'AWS::RDS::DBInstance', id: `db-${rng.alnum(26)}`, name: db, arn: `arn:aws:rds:${region}:${a}:db:${db}`, account: a, region, folderRegion: region, createdMs, az: `${region}b`,
        conf: { dBInstanceIdentifier: db, engine: 'postgres', engineVersion: '16.3', backupRetentionPeriod: 7, storageEncrypted: index !== 0, publiclyAccessible: false, autoMinorVersionUpgrade: true, multiAZ: index !== 0, dBInstanceStatus: 'available' },
        supp: {},
      });
      for (const [suffix, good] of [['logs', true], ['data', index !== 0]] as const) {
        const name = `acme-${suffix}-${a}-${region}`;
        f.add({
          type: 'AWS::S3::Bucket', id: name, name, arn: `arn:aws:s3:::${name}`, account: a, region, folderRegion: region, createdMs,
          conf: { name, owner: { id: rng.hex(64) }, creationDate: new Date(createdMs).toISOString() },
          supp: {
            AccessControlList: '{"grantSet":null,"grantList":[{"grantee":{"id":"owner","displayName":null},"permission":"FullControl"}],"owner":{"displayName":null,"id":"owner"},"isRequesterCharged":false}',
            BucketVersioningConfiguration: { status: good ? 'Enabled' : 'Off', isMfaDeleteEnabled: null },
            BucketLoggingConfiguration: suffix === 'logs' ? { destinationBucketName: null, logFilePrefix: null } : { destinationBucketName: `acme-logs-${a}-${region}`, logFilePrefix: `${name}/` },
            PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: good, restrictPublicBuckets: good },
            ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }] },
            ...(good
              ? { BucketPolicy: { policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }) } }
              : {}),
          },
        });
      }
    }
  }
  // IAM is global: Config records it once, with awsRegion "global", in the region that records global types.
  const iam = { account: a, region: 'global', folderRegion: iamFolder, createdMs, supp: {} };
  const trustAccount = urlPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${a}:root` }, Action: 'sts:AssumeRole' }] });
  const role = (name: string, path: string, attached: unknown[]) =>
    f.add({ ...iam, type: 'AWS::IAM::Role', id: acct.roleIds[name] ?? `AROA${rng.alnum(17)}`, name, arn: `arn:aws:iam::${a}:role${path}${name}`, conf: { path, roleName: name, roleId: acct.roleIds[name], arn: `arn:aws:iam::${a}:role${path}${name}`, assumeRolePolicyDocument: trustAccount, instanceProfileList: [], rolePolicyList: [], attachedManagedPolicies: attached, tags: [] } });
  role('ops-admin', '/', [POLICY('AdministratorAccess')]);
  role('deployer', '/', [POLICY('PowerUserAccess')]);
  role('github-deploy', '/', [POLICY('ReadOnlyAccess')]);
  role(acct.ssoRole, '/aws-reserved/sso.amazonaws.com/', [POLICY('AdministratorAccess')]);
  if (index !== 0) role('support', '/', [POLICY('AWSSupportAccess')]);
  for (const u of acct.users) {
    const direct = u.name === 'carol' ? [POLICY('AmazonS3FullAccess')] : [];
    f.add({ ...iam, type: 'AWS::IAM::User', id: u.id, name: u.name, arn: `arn:aws:iam::${a}:user/${u.name}`, conf: { path: '/', userName: u.name, userId: u.id, arn: `arn:aws:iam::${a}:user/${u.name}`, groupList: ['engineers'], userPolicyList: [], attachedManagedPolicies: direct, tags: [] } });
  }
  const polId = `ANPA${rng.alnum(17)}`;
  f.add({
    ...iam, type: 'AWS::IAM::Policy', id: polId, name: 'ci-deploy', arn: `arn:aws:iam::${a}:policy/ci-deploy`,
    conf: { policyName: 'ci-deploy', policyId: polId, arn: `arn:aws:iam::${a}:policy/ci-deploy`, path: '/', defaultVersionId: 'v1', attachmentCount: 1, isAttachable: true, policyVersionList: [{ document: urlPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: index === 0 ? '*' : ['s3:*', 'cloudformation:*'], Resource: '*' }] }), versionId: 'v1', isDefaultVersion: true }] },
  });
  if (index === 0) {
    const name = 'organization-trail';
    f.add({
      type: 'AWS::CloudTrail::Trail', id: name, name, arn: `arn:aws:cloudtrail:${home}:${a}:trail/${name}`, account: a, region: home, folderRegion: home, createdMs,
      conf: { name, s3BucketName: `acme-logs-${a}-${home}`, includeGlobalServiceEvents: true, isMultiRegionTrail: true, isOrganizationTrail: true, logFileValidationEnabled: true, kmsKeyId: `arn:aws:kms:${home}:${a}:key/${rng.uuid()}`, trailARN: `arn:aws:cloudtrail:${home}:${a}:trail/${name}`, homeRegion: home, hasCustomEventSelectors: false },
      supp: {},
    });
  }
}
