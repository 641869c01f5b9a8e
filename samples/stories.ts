import type { Actor, Mutation, Story } from './generator.js';
import { expiration as awsExpiration } from './profiles.js';
import { Random } from './random.js';
import type { Account, Resource } from './world.js';

/**
 * Scripted stories for the attribution ground truth (issue #16): changes to resource types whose
 * AWS Config resourceId is not the name CloudTrail uses, made by the actors that are easy to get
 * wrong, in the shapes AWS writes them:
 *
 * - an RDS DB instance modified (Config: resourceId `db-…` = DbiResourceId, resourceName the
 *   identifier; CloudTrail: `dBInstanceIdentifier`);
 * - IAM inline policies put on a role and on a user (Config: `AROA…`/`AIDA…`, awsRegion "global";
 *   CloudTrail in us-east-1: `roleName`/`userName`);
 * - a KMS key's description changed, the key named by its ARN;
 * - a Lambda function's configuration updated by CloudFormation with a user's credentials
 *   (`UpdateFunctionConfiguration20150331v2`, `invokedBy: cloudformation.amazonaws.com`);
 * - an ELBv2 load balancer's security groups set by an EC2 instance-profile session (the session
 *   named with the instance id, issued by ec2.amazonaws.com);
 * - an RDS minor version upgrade applied by AWS in the maintenance window: no CloudTrail event.
 *
 * They draw from a stream of their own, so the rest of an export is what it was without them, and
 * happen on the period's last day, after every drawn change.
 */

/** Salt of the stories' own random stream. */
const STREAM = 0x5eed16;

const ROLE = 'app-instance-role';

/** Runs `f` with the stories' stream in place of the story's own. */
function drawing<T>(story: Story, rng: Random, f: () => T): T {
  const main = story.rng;
  story.rng = rng;
  try {
    return f();
  } finally {
    story.rng = main;
  }
}

export class ScriptedStories {
  private readonly rng: Random;
  private readonly roleIds = new Map<string, string>();

  constructor(private readonly story: Story) {
    this.rng = new Random((story.opts.seed ^ STREAM) >>> 0);
  }

  /** The resources only these stories change: a Lambda function and an application load balancer per account, in its home region. */
  addResources(createdMs: number): void {
    drawing(this.story, this.rng, () => {
      const rng = this.rng;
      const region = this.story.regions[0]!;
      this.story.accounts.forEach((acct, i) => {
        const a = acct.id;
        this.roleIds.set(a, `AROA${rng.alnum(17)}`);
        const fn = `thumbnailer-${i}`;
        const fnArn = `arn:aws:lambda:${region}:${a}:function:${fn}`;
        this.story.addResource({
          type: 'AWS::Lambda::Function', id: fn, name: fn, arn: fnArn, account: a, region, folderRegion: region, createdMs,
          conf: { functionName: fn, functionArn: fnArn, runtime: 'python3.12', role: `arn:aws:iam::${a}:role/lambda-exec`, handler: 'app.handler', codeSize: 4096, description: 'image thumbnails', timeout: 30, memorySize: 128, lastModified: new Date(createdMs).toISOString().replace('Z', '+0000'), codeSha256: rng.alnum(43), version: '$LATEST', tracingConfig: { mode: 'PassThrough' }, packageType: 'Zip', architectures: ['x86_64'] },
          supp: {},
        });
        const lb = `web-${i}`;
        const lbArn = `arn:aws:elasticloadbalancing:${region}:${a}:loadbalancer/app/${lb}/${rng.hex(16)}`;
        const sg = this.story.resources.find((r) => r.account === a && r.region === region && r.type === 'AWS::EC2::SecurityGroup' && r.name === 'web');
        // AWS Config records an ELBv2 load balancer under its ARN.
        this.story.addResource({
          type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', id: lbArn, name: lb, arn: lbArn, account: a, region, folderRegion: region, createdMs,
          conf: { loadBalancerArn: lbArn, dNSName: `${lb}-${rng.digits(10)}.${region}.elb.amazonaws.com`, canonicalHostedZoneId: `Z${rng.alnum(13)}`, createdTime: new Date(createdMs).toISOString(), loadBalancerName: lb, scheme: 'internet-facing', vpcId: sg?.conf.vpcId ?? `vpc-${rng.hex(17)}`, state: { code: 'active' }, type: 'application', availabilityZones: [{ zoneName: `${region}a`, subnetId: `subnet-${rng.hex(17)}` }, { zoneName: `${region}b`, subnetId: `subnet-${rng.hex(17)}` }], securityGroups: sg ? [sg.id] : [], ipAddressType: 'ipv4' },
          supp: {},
        });
      });
    });
  }

  /** The stories, on the day starting at `dayStart` (the period's last), each after its resource's latest capture. */
  run(dayStart: number): void {
    drawing(this.story, this.rng, () => {
      const [a0, a1 = a0] = this.story.accounts as [Account, Account?];
      const at = (hour: number, res: Resource) => Math.max(dayStart + hour * 3_600_000 + this.rng.int(0, 1_800) * 1000, res.busyUntil + 120_000);
      const find = (acct: Account, type: string, name?: string) => this.story.resources.find((r) => r.account === acct.id && r.type === type && !r.deleted && (name === undefined || r.name === name));

      // Each story: its resource, its hour, who makes the call (given the time of the call), the call.
      const stories: [Resource | undefined, number, (t: number) => Actor, (res: Resource) => Mutation][] = [
        [find(a0, 'AWS::RDS::DBInstance'), 3, (t) => this.story.actor(a0, 'iam-user', t), (r) => this.modifyDb(r)],
        [find(a1, 'AWS::IAM::Role', 'deployer'), 4, (t) => this.story.actor(a1, 'sso', t), (r) => this.putInlinePolicy(r)],
        [find(a0, 'AWS::IAM::User', 'bob'), 5, (t) => this.story.actor(a0, 'chain', t), (r) => this.putInlinePolicy(r)],
        [this.story.resources.find((r) => r.account === a1.id && r.type === 'AWS::KMS::Key' && r.conf.keyState !== 'PendingDeletion'), 6, (t) => this.story.actor(a1, 'web', t), (r) => this.describeKey(r)],
        [find(a0, 'AWS::Lambda::Function'), 7, () => this.byCloudFormation(a0, 'alice'), (r) => this.updateFunction(r)],
        [find(a1, 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 8, (t) => this.instanceProfile(a1, find(a1, 'AWS::EC2::Instance')!, t), (r) => this.setSecurityGroups(r)],
      ];
      for (const [res, hour, actor, op] of stories) {
        if (!res) continue;
        const t = at(hour, res);
        this.story.commit(res, t, actor(t), op(res), { inPeriod: true });
      }

      const upgraded = find(a1, 'AWS::RDS::DBInstance');
      if (upgraded) this.maintenance(upgraded, at(10, upgraded));
    });
  }

  // ─────────────── the calls ───────────────

  private modifyDb(db: Resource): Mutation {
    const c = db.conf;
    const days = c.backupRetentionPeriod === 14 ? 7 : 14;
    return {
      source: 'rds.amazonaws.com', name: 'ModifyDBInstance', changeType: 'update',
      req: { dBInstanceIdentifier: db.name, backupRetentionPeriod: days, applyImmediately: true },
      resp: { dBInstanceIdentifier: db.name, dBInstanceClass: 'db.t3.medium', engine: c.engine, dBInstanceStatus: 'available', backupRetentionPeriod: days, multiAZ: c.multiAZ, publiclyAccessible: c.publiclyAccessible, storageEncrypted: c.storageEncrypted, dbiResourceId: db.id, dBInstanceArn: db.arn, pendingModifiedValues: {} },
      apply: () => (c.backupRetentionPeriod = days),
    };
  }

  private putInlinePolicy(res: Resource): Mutation {
    const isRole = res.type === 'AWS::IAM::Role';
    const list = (res.conf[isRole ? 'rolePolicyList' : 'userPolicyList'] as Record<string, unknown>[] | undefined) ?? [];
    res.conf[isRole ? 'rolePolicyList' : 'userPolicyList'] = list;
    const policyName = `inline-s3-read-${this.rng.hex(4)}`;
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }] });
    return {
      source: 'iam.amazonaws.com', name: isRole ? 'PutRolePolicy' : 'PutUserPolicy', changeType: 'update',
      req: { [isRole ? 'roleName' : 'userName']: res.name, policyName, policyDocument: doc },
      apply: () => list.push({ policyName, policyDocument: encodeURIComponent(doc) }),
    };
  }

  private describeKey(key: Resource): Mutation {
    const description = `application data key (rotated ${this.rng.hex(4)})`;
    return {
      source: 'kms.amazonaws.com', name: 'UpdateKeyDescription', changeType: 'update',
      req: { keyId: key.arn, description },
      resources: [{ accountId: key.account, type: 'AWS::KMS::Key', ARN: key.arn }],
      apply: () => (key.conf.description = description),
    };
  }

  private updateFunction(fn: Resource): Mutation {
    const c = fn.conf;
    const timeout = c.timeout === 60 ? 30 : 60;
    return {
      source: 'lambda.amazonaws.com', name: 'UpdateFunctionConfiguration20150331v2', changeType: 'update',
      req: { functionName: fn.name, timeout, memorySize: 256 },
      resp: { ...c, timeout, memorySize: 256, state: 'Active', lastUpdateStatus: 'InProgress', lastUpdateStatusReason: 'The function is being created.' },
      extra: { userAgent: 'cloudformation.amazonaws.com' },
      apply: () => Object.assign(c, { timeout, memorySize: 256 }),
    };
  }

  private setSecurityGroups(lb: Resource): Mutation {
    const c = lb.conf;
    const groups = [...((c.securityGroups as string[] | undefined) ?? []), `sg-${this.rng.hex(17)}`];
    return {
      source: 'elasticloadbalancing.amazonaws.com', name: 'SetSecurityGroups', changeType: 'update',
      req: { loadBalancerArn: lb.id, securityGroups: groups },
      resp: { securityGroupIds: groups },
      apply: () => (c.securityGroups = groups),
    };
  }

  // ─────────────── the actors ───────────────

  /** CloudFormation calling with a user's credentials (a stack the user created or updated): the user is the origin. */
  private byCloudFormation(acct: Account, userName: string): Actor {
    const ui: Record<string, unknown> = { ...this.story.iamUserUi(acct, userName), invokedBy: 'cloudformation.amazonaws.com' };
    return { ui, issuing: [], origin: ui.arn as string, originType: 'IAMUser', chain: [ui.arn as string] };
  }

  /**
   * An instance profile's session: EC2 calls AssumeRole (logged as an AWSService identity) with the
   * instance id as session name, and delivers the keys to the instance, whose calls carry
   * `ec2RoleDelivery`. The instance and its role are the origin.
   */
  private instanceProfile(acct: Account, instance: Resource, t: number): Actor {
    const rng = this.rng;
    const a = acct.id;
    const at = t - rng.int(20, 50) * 60_000;
    const key = `ASIA${rng.alnum(16)}`;
    const roleId = this.roleIds.get(a)!;
    const roleArn = `arn:aws:iam::${a}:role/${ROLE}`;
    const sessionArn = `arn:aws:sts::${a}:assumed-role/${ROLE}/${instance.id}`;
    const rec = this.story.record({
      time: at, account: a, region: instance.region, source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true,
      ui: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
      req: { roleArn, roleSessionName: instance.id },
      resp: { credentials: { accessKeyId: key, sessionToken: 'HIDDEN_DUE_TO_SECURITY_REASONS', expiration: awsExpiration(at + 6 * 3_600_000) }, assumedRoleUser: { assumedRoleId: `${roleId}:${instance.id}`, arn: sessionArn } },
      resources: [{ accountId: a, type: 'AWS::IAM::Role', ARN: roleArn }],
      extra: { userAgent: 'ec2.amazonaws.com' },
      shared: rng.uuid(),
    });
    const ui = {
      type: 'AssumedRole', principalId: `${roleId}:${instance.id}`, arn: sessionArn, accountId: a, accessKeyId: key,
      sessionContext: { sessionIssuer: { type: 'Role', principalId: roleId, arn: roleArn, accountId: a, userName: ROLE }, webIdFederationData: {}, attributes: { creationDate: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' }, ec2RoleDelivery: '2.0' },
    };
    return { ui, issuing: [{ time: at, account: a, region: instance.region, rec }], origin: `ec2-instance:${instance.id} (role ${ROLE})`, originType: 'EC2Instance', chain: [instance.id, sessionArn] };
  }

  /** AWS applies a minor engine version in the maintenance window: Config records it; CloudTrail has no call. */
  private maintenance(db: Resource, t: number): void {
    const c = db.conf;
    c.engineVersion = c.engineVersion === '16.4' ? '16.6' : '16.4';
    const item = this.story.capture(db, t, 'OK');
    this.story.truth.push({ accountId: db.account, region: db.region, resourceType: db.type, resourceId: db.id, captureTime: item.configurationItemCaptureTime as string, changeType: 'update', chain: [] });
  }
}
