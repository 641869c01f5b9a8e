import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ProfileCounts, type ProfileName, makeProfile } from './profiles.js';
import { Random } from './random.js';
import { ScriptedStories } from './stories.js';
import { type Account, CI_SUBJECTS, DAY_MS, type Resource, SSO_PEOPLE, baselineResources, makeAccounts, permission } from './world.js';

/**
 * Writes a realistic multi-account, multi-region AWS export in the layouts AWS delivers to S3
 * (CloudTrail logs and digests, AWS Config history and snapshots), deterministic from a seed, with
 * the ground truth of who changed what. Streams day by day: memory does not grow with the number
 * of events, only with the number of configuration items.
 */

type Rec = Record<string, unknown>;

export interface GenerateOptions {
  seed: number;
  outDir: string;
  from: string;
  to: string;
  accounts?: number;
  regions?: string[];
  /** Approximate total CloudTrail records, read-only noise included. */
  targetEvents?: number;
  changesPerDay?: number;
  /** When set, CloudTrail uses the organization-trail layout `AWSLogs/<o-id>/<account>/…`. */
  organizationId?: string;
  /** What fills the trail beside the story (samples/profiles.ts); `default` when omitted. */
  profile?: ProfileName;
}

export interface GroundTruthChange {
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  captureTime: string;
  changeType: 'create' | 'update' | 'delete';
  /** The call that made the change, and who is behind it: absent when no CloudTrail event did (AWS maintenance). */
  eventId?: string;
  eventName?: string;
  origin?: string;
  originType?: string;
  chain: string[];
  /**
   * Security groups only: the ingress rules open to 0.0.0.0/0 that reach SSH or RDP, before and
   * after the change (`tcp 22`, …): which change introduced the world-open state a finding cites.
   */
  worldAdmin?: { before: string[]; after: string[] };
}

/** The API call that changes a resource, and what it does to the resource's configuration. */
export interface Mutation {
  source: string;
  name: string;
  req: Rec;
  resp?: Rec;
  /** The record's `resources` (KMS names the key's ARN there). */
  resources?: Rec[];
  /** Fields the record carries besides (a service's userAgent). */
  extra?: Rec;
  apply: () => void;
  changeType: 'update' | 'delete';
}

/** A change the story makes on purpose instead of drawing one: a security group rule opened, revoked, or a tag. */
export interface ScriptedRule {
  op: 'authorize' | 'revoke' | 'tags';
  port: number;
  cidr: string;
}

/** A security group's ingress rules open to 0.0.0.0/0 on port 22 or 3389, as the generator writes them. */
export function worldAdminRules(conf: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const p of (conf.ipPermissions as Record<string, unknown>[] | undefined) ?? []) {
    if (!((p.ipRanges as string[] | undefined) ?? []).includes('0.0.0.0/0')) continue;
    const from = p.fromPort as number;
    const to = p.toPort as number;
    if (p.ipProtocol === '-1' || [22, 3389].some((port) => from <= port && port <= to)) out.push(`${String(p.ipProtocol)} ${from === to ? from : `${from}-${to}`}`);
  }
  return out.sort();
}

/**
 * Changes whenever the same options stop giving the same files (2: one digest per hour; 3: digests
 * hash the uncompressed files, as CloudTrail's do; 4: the period's first day opens security groups
 * to the world on purpose, see debugWindows; 5: the attribution stories of samples/stories.ts, and
 * a Lambda function and a load balancer per account): caches of generated exports (the
 * benchmark's) are made anew when theirs differs.
 */
export const GENERATOR_VERSION = 6;

export interface GroundTruth {
  /** GENERATOR_VERSION of the generator that wrote the export. */
  generator: number;
  seed: number;
  from: string;
  to: string;
  accounts: string[];
  regions: string[];
  events: number;
  /** Set for a profile other than `default` (whose ground truth stays as it always was): the profile and its records by category. */
  profile?: ProfileName;
  counts?: ProfileCounts;
  changes: GroundTruthChange[];
}

/** The log files delivered in one hour for one account and region: what its digest lists. */
interface HourDigest {
  account: string;
  region: string;
  hour: number;
  logs: Rec[];
  oldest: number;
  newest: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
type Ui = Rec;

/** Who makes a change: the identity on the call, the STS calls that opened its session, and the ground truth of its origin. */
export interface Actor {
  ui: Ui;
  issuing: { time: number; account: string; region: string; rec: Rec }[];
  origin: string;
  originType: string;
  chain: string[];
}

const isoSec = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoMs = (ms: number) => new Date(ms).toISOString();
const compact = (ms: number, secs = true) => isoSec(ms).replace(/[-:]/g, '').slice(0, secs ? 15 : 13) + 'Z';
const ymd = (ms: number, pad: boolean) => {
  const d = new Date(ms);
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${d.getUTCFullYear()}/${pad ? String(m).padStart(2, '0') : m}/${pad ? String(day).padStart(2, '0') : day}`;
};

function parseDay(s: string): number {
  const ms = Date.parse(`${s}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`not a date: ${s}`);
  return ms;
}

const SERVICE_USER_AGENT: Record<string, string> = {
  'ec2.amazonaws.com': 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023',
  's3.amazonaws.com': '[Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8]',
  'iam.amazonaws.com': 'terraform/1.7.5 (+https://www.terraform.io) aws-sdk-go-v2/1.26.0',
};

export class Story {
  /** The stream every record draws from; the scripted stories swap in their own (samples/stories.ts). */
  rng: Random;
  readonly accounts: Account[];
  readonly resources: Resource[] = [];
  readonly configItems: { folderRegion: string; account: string; type: string; captureMs: number; item: Rec }[] = [];
  readonly truth: GroundTruthChange[] = [];
  /** CloudTrail records waiting to be written, by UTC day. */
  readonly pending = new Map<number, { account: string; fileRegion: string; time: number; rec: Rec }[]>();
  events = 0;
  /** Length of one CloudTrail delivery window: about 50 records a file, between 5 minutes and 6 hours. */
  windowMs = 600_000;
  private readonly previousDigest = new Map<string, { key: string; hash: string; sig: string }>();
  /**
   * Each account's and region's digest of an hour, listing the log files delivered in that hour:
   * written once no later log file can be delivered in it (see flushDay). The last window of a day
   * is delivered in the next day's first hour, beside that day's first files: one digest covers both.
   */
  private readonly hourly = new Map<string, HourDigest>();
  readonly logBucket: string;
  /** Called with the records of each CloudTrail log file as it is written (a profile's counts). */
  onLogFile?: (recs: Rec[]) => void;

  constructor(
    readonly opts: Required<Omit<GenerateOptions, 'organizationId' | 'changesPerDay' | 'targetEvents' | 'profile'>> & { organizationId?: string; targetEvents: number; changesPerDay: number },
  ) {
    this.rng = new Random(opts.seed);
    this.accounts = makeAccounts(this.rng, opts.accounts);
    this.logBucket = `aws-cloudtrail-logs-${this.accounts[0]!.id}-${this.rng.hex(8)}`;
  }

  get regions(): string[] {
    return this.opts.regions;
  }

  /** The region whose trail file carries global-service (IAM, STS global) events. */
  fileRegion(region: string): string {
    return this.regions.includes(region) ? region : this.regions[0]!;
  }

  addResource(r: Omit<Resource, 'key' | 'stateId' | 'busyUntil' | 'deleted' | 'az' | 'tags'> & { tags?: Record<string, string>; az?: string }): Resource {
    const res: Resource = { ...r, key: `${r.account}|${r.region}|${r.type}|${r.id}`, tags: r.tags ?? { Owner: 'platform-team' }, stateId: 0, busyUntil: r.createdMs, deleted: false, az: r.az ?? 'Not Applicable' };
    this.resources.push(res);
    this.capture(res, r.createdMs, 'ResourceDiscovered');
    return res;
  }

  capture(res: Resource, ms: number, status: string): Rec {
    res.stateId = ms;
    res.busyUntil = ms;
    const item: Rec = {
      relatedEvents: [],
      relationships: [],
      configuration: status === 'ResourceDeleted' ? null : structuredClone(res.conf),
      supplementaryConfiguration: status === 'ResourceDeleted' ? {} : structuredClone(res.supp),
      tags: status === 'ResourceDeleted' ? {} : { ...res.tags },
      configurationItemVersion: '1.3',
      configurationItemCaptureTime: isoMs(ms),
      configurationStateId: ms,
      awsAccountId: res.account,
      configurationItemStatus: status,
      resourceType: res.type,
      resourceId: res.id,
      ...(res.name ? { resourceName: res.name } : {}),
      ARN: res.arn,
      awsRegion: res.region,
      availabilityZone: res.az,
      configurationStateMd5Hash: '',
      resourceCreationTime: isoMs(res.createdMs),
    };
    this.configItems.push({ folderRegion: res.folderRegion, account: res.account, type: res.type, captureMs: ms, item });
    return item;
  }

  // ─────────────── CloudTrail records ───────────────

  record(o: { time: number; account: string; region: string; source: string; name: string; ui: Ui; req?: unknown; resp?: unknown; readOnly: boolean; error?: [string, string]; resources?: Rec[]; type?: string; extra?: Rec; shared?: string }): Rec {
    const rec: Rec = {
      eventVersion: '1.09',
      userIdentity: o.ui,
      eventTime: isoSec(o.time),
      eventSource: o.source,
      eventName: o.name,
      awsRegion: o.region,
      sourceIPAddress: o.ui.type === 'AWSService' || (o.ui.invokedBy as string | undefined) ? (o.ui.invokedBy as string) : `203.0.113.${this.rng.int(2, 250)}`,
      userAgent: SERVICE_USER_AGENT[o.source] ?? 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023',
    };
    if (o.error) {
      rec.errorCode = o.error[0];
      rec.errorMessage = o.error[1];
    }
    rec.requestParameters = o.req ?? null;
    rec.responseElements = o.error ? null : (o.resp ?? null);
    if (o.extra) Object.assign(rec, o.extra);
    rec.requestID = this.rng.uuid();
    rec.eventID = this.rng.uuid();
    rec.readOnly = o.readOnly;
    if (o.resources) rec.resources = o.resources;
    rec.eventType = o.type ?? 'AwsApiCall';
    rec.managementEvent = true;
    rec.recipientAccountId = o.account;
    if (o.shared) rec.sharedEventID = o.shared;
    rec.eventCategory = 'Management';
    return rec;
  }

  emit(time: number, account: string, region: string, rec: Rec): void {
    const day = Math.floor(time / DAY_MS);
    let list = this.pending.get(day);
    if (!list) this.pending.set(day, (list = []));
    list.push({ account, fileRegion: this.fileRegion(region), time, rec });
  }

  // ─────────────── identities ───────────────

  user(acct: Account, name?: string) {
    return name ? acct.users.find((u) => u.name === name)! : this.rng.pick(acct.users);
  }

  iamUserUi(acct: Account, name?: string): Ui {
    const u = this.user(acct, name);
    return { type: 'IAMUser', principalId: u.id, arn: `arn:aws:iam::${acct.id}:user/${u.name}`, accountId: acct.id, accessKeyId: u.key, userName: u.name };
  }

  sessionUi(acct: Account, roleName: string, rolePath: string, session: string, key: string, created: number, extra: Rec = {}): Ui {
    const roleId = roleName === acct.ssoRole ? acct.ssoRoleId : (acct.roleIds[roleName] ?? 'AROAUNKNOWN');
    return {
      type: 'AssumedRole',
      principalId: `${roleId}:${session}`,
      arn: `arn:aws:sts::${acct.id}:assumed-role/${roleName}/${session}`,
      accountId: acct.id,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${acct.id}:role${rolePath}${roleName}`, accountId: acct.id, userName: roleName },
        attributes: { creationDate: isoSec(created), mfaAuthenticated: 'false' },
        ...((extra.sessionContext as Rec | undefined) ?? {}),
      },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'sessionContext')),
    };
  }

  assumeRoleRec(time: number, caller: Ui, callerAccount: string, target: Account, roleName: string, session: string, key: string, sourceIdentity?: string): Rec[] {
    const roleArn = `arn:aws:iam::${target.id}:role/${roleName}`;
    const req: Rec = { roleArn, roleSessionName: session, durationSeconds: 3600, ...(sourceIdentity ? { sourceIdentity } : {}) };
    const resp: Rec = {
      credentials: { accessKeyId: key, sessionToken: this.rng.alnum(40), expiration: new Date(time + 3_600_000).toUTCString() },
      assumedRoleUser: { assumedRoleId: `${target.roleIds[roleName]}:${session}`, arn: `arn:aws:sts::${target.id}:assumed-role/${roleName}/${session}` },
      ...(sourceIdentity ? { sourceIdentity } : {}),
    };
    const resources = [{ accountId: target.id, type: 'AWS::IAM::Role', ARN: roleArn }];
    if (callerAccount === target.id) return [this.record({ time, account: target.id, region: 'us-east-1', source: 'sts.amazonaws.com', name: 'AssumeRole', ui: caller, req, resp, readOnly: true, resources })];
    // Cross-account: each account's trail logs its own copy, linked by sharedEventID.
    const shared = this.rng.uuid();
    return [
      this.record({ time, account: callerAccount, region: 'us-east-1', source: 'sts.amazonaws.com', name: 'AssumeRole', ui: caller, req, resp, readOnly: true, resources, shared }),
      this.record({ time, account: target.id, region: 'us-east-1', source: 'sts.amazonaws.com', name: 'AssumeRole', ui: caller, req, resp, readOnly: true, resources, shared }),
    ];
  }

  /** A principal that makes a change at `t`, with the STS calls that opened its session. */
  actor(acct: Account, kind: string, t: number, issuedAt?: number): Actor {
    const rng = this.rng;
    const a = acct.id;
    switch (kind) {
      case 'root': {
        const ui = { type: 'Root', principalId: a, arn: `arn:aws:iam::${a}:root`, accountId: a, accessKeyId: `ASIA${rng.alnum(16)}` };
        return { ui, issuing: [], origin: `arn:aws:iam::${a}:root`, originType: 'Root', chain: [`arn:aws:iam::${a}:root`] };
      }
      case 'sso': {
        const person = rng.pick(SSO_PEOPLE);
        const key = `ASIA${rng.alnum(16)}`;
        const at = issuedAt ?? t - rng.int(2, 30) * 60_000;
        const rolePath = '/aws-reserved/sso.amazonaws.com/';
        const samlUi = { type: 'SAMLUser', principalId: `${acct.samlProvider.split('/').pop()}:${person}`, userName: person, identityProvider: acct.samlProvider };
        const roleArn = `arn:aws:iam::${a}:role${rolePath}${acct.ssoRole}`;
        const rec = this.record({
          time: at, account: a, region: 'us-east-1', source: 'sts.amazonaws.com', name: 'AssumeRoleWithSAML', ui: samlUi, readOnly: true,
          req: { roleArn, principalArn: acct.samlProvider, durationSeconds: 43200 },
          resp: {
            credentials: { accessKeyId: key, sessionToken: rng.alnum(40), expiration: new Date(at + 43_200_000).toUTCString() },
            assumedRoleUser: { assumedRoleId: `${acct.ssoRoleId}:${person}`, arn: `arn:aws:sts::${a}:assumed-role/${acct.ssoRole}/${person}` },
            subject: person, subjectType: 'persistent', issuer: 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/' + rng.alnum(20), audience: 'https://signin.aws.amazon.com/saml', nameQualifier: rng.alnum(28),
          },
          resources: [{ accountId: a, type: 'AWS::IAM::Role', ARN: roleArn }, { accountId: a, type: 'AWS::IAM::SAMLProvider', ARN: acct.samlProvider }],
        });
        const onBehalf = rng.chance(0.5) ? { onBehalfOf: { userId: rng.uuid(), identityStoreArn: acct.identityStore } } : {};
        const ui = this.sessionUi(acct, acct.ssoRole, rolePath, person, key, at, onBehalf);
        return { ui, issuing: [{ time: at, account: a, region: 'us-east-1', rec }], origin: person, originType: 'SSOUser', chain: [person, roleArn, ui.arn as string] };
      }
      case 'chain': {
        // A person in the security account assumes ops-admin there, then deployer in the target account.
        const home = this.accounts[0]!;
        const person = this.user(home);
        const userUi = this.iamUserUi(home, person.name);
        const k1 = `ASIA${rng.alnum(16)}`;
        const k2 = `ASIA${rng.alnum(16)}`;
        const t1 = issuedAt ?? t - rng.int(8, 40) * 60_000;
        const t2 = t1 + rng.int(1, 5) * 60_000;
        const srcId = rng.chance(0.4) ? person.name : undefined;
        const s1 = this.sessionUi(home, 'ops-admin', '/', person.name, k1, t1, srcId ? { sessionContext: { sourceIdentity: srcId } } : {});
        const first = this.assumeRoleRec(t1, userUi, home.id, home, 'ops-admin', person.name, k1, srcId);
        const second = this.assumeRoleRec(t2, s1, home.id, acct, 'deployer', 'deploy', k2, srcId);
        const ui = this.sessionUi(acct, 'deployer', '/', 'deploy', k2, t2, srcId ? { sessionContext: { sourceIdentity: srcId } } : {});
        const issuing = [...first.map((rec) => ({ time: t1, account: home.id, region: 'us-east-1', rec })), ...second.map((rec) => ({ time: t2, account: rec.recipientAccountId as string, region: 'us-east-1', rec }))];
        return { ui, issuing, origin: userUi.arn as string, originType: 'IAMUser', chain: [userUi.arn as string, s1.arn as string, ui.arn as string] };
      }
      case 'web': {
        const subject = rng.pick(CI_SUBJECTS);
        const provider = `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`;
        const key = `ASIA${rng.alnum(16)}`;
        const at = issuedAt ?? t - rng.int(1, 10) * 60_000;
        const session = `GitHubActions-${rng.digits(10)}`;
        const roleArn = `arn:aws:iam::${a}:role/github-deploy`;
        const rec = this.record({
          time: at, account: a, region: 'us-east-1', source: 'sts.amazonaws.com', name: 'AssumeRoleWithWebIdentity', readOnly: true,
          ui: { type: 'WebIdentityUser', principalId: `${provider}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: provider },
          req: { roleArn, roleSessionName: session, durationSeconds: 3600 },
          resp: {
            credentials: { accessKeyId: key, sessionToken: rng.alnum(40), expiration: new Date(at + 3_600_000).toUTCString() },
            subjectFromWebIdentityToken: subject,
            assumedRoleUser: { assumedRoleId: `${acct.roleIds['github-deploy']}:${session}`, arn: `arn:aws:sts::${a}:assumed-role/github-deploy/${session}` },
            provider, audience: 'sts.amazonaws.com',
          },
          resources: [{ accountId: a, type: 'AWS::IAM::Role', ARN: roleArn }],
        });
        const ui = this.sessionUi(acct, 'github-deploy', '/', session, key, at, { sessionContext: { webIdFederationData: { federatedProvider: provider, attributes: {} } } });
        return { ui, issuing: [{ time: at, account: a, region: 'us-east-1', rec }], origin: subject, originType: 'WebIdentityUser', chain: [subject, ui.arn as string] };
      }
      case 'service': {
        const ui = this.sessionUi(acct, 'AWSServiceRoleForAutoScaling', '/aws-service-role/autoscaling.amazonaws.com/', 'AutoScaling', `ASIA${rng.alnum(16)}`, t - 600_000, { invokedBy: 'autoscaling.amazonaws.com' });
        return { ui, issuing: [], origin: 'autoscaling.amazonaws.com', originType: 'AWSService', chain: ['autoscaling.amazonaws.com', ui.arn as string] };
      }
      default: {
        const ui = this.iamUserUi(acct);
        return { ui, issuing: [], origin: ui.arn as string, originType: 'IAMUser', chain: [ui.arn as string] };
      }
    }
  }

  // ─────────────── changes ───────────────

  /** The API call that changes `res`, applied to its configuration. */
  mutation(res: Resource, scripted?: ScriptedRule): Mutation | undefined {
    const rng = this.rng;
    const c = res.conf;
    switch (res.type) {
      case 'AWS::EC2::SecurityGroup': {
        const perms = c.ipPermissions as Rec[];
        const choice = scripted?.op ?? rng.weighted([['authorize', 5], ['revoke', perms.length > 0 ? 3 : 0], ['tags', 2]] as const);
        if (choice === 'revoke' && scripted) {
          const i = perms.findIndex((x) => JSON.stringify(x) === JSON.stringify(permission(scripted.port, scripted.cidr)));
          if (i < 0) return undefined;
          return { source: 'ec2.amazonaws.com', name: 'RevokeSecurityGroupIngress', changeType: 'update', req: { groupId: res.id, ipPermissions: { items: [perms[i]!] } }, resp: { _return: true }, apply: () => perms.splice(i, 1) };
        }
        if (choice === 'authorize') {
          const port = scripted?.port ?? rng.pick([22, 443, 3389, 5432, 8443]);
          const cidr = scripted?.cidr ?? rng.pick(['0.0.0.0/0', '10.20.0.0/16', `198.51.100.${rng.int(1, 254)}/32`]);
          const p = permission(port, cidr);
          if (perms.some((x) => JSON.stringify(x) === JSON.stringify(p))) return undefined;
          return {
            source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', changeType: 'update',
            req: { groupId: res.id, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: { items: [{ cidrIp: cidr }] }, ipv6Ranges: {}, prefixListIds: {} }] } },
            resp: { _return: true, securityGroupRuleSet: { items: [{ groupId: res.id, groupOwnerId: res.account, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr, securityGroupRuleId: `sgr-${rng.hex(17)}` }] } },
            apply: () => perms.push(p),
          };
        }
        if (choice === 'revoke') {
          const i = rng.int(0, perms.length - 1);
          const p = perms[i]!;
          return { source: 'ec2.amazonaws.com', name: 'RevokeSecurityGroupIngress', changeType: 'update', req: { groupId: res.id, ipPermissions: { items: [p] } }, resp: { _return: true }, apply: () => perms.splice(i, 1) };
        }
        const value = `team-${rng.hex(4)}`;
        return { source: 'ec2.amazonaws.com', name: 'CreateTags', changeType: 'update', req: { resourcesSet: { items: [{ resourceId: res.id }] }, tagSet: { items: [{ key: 'CostCenter', value }] } }, resp: { _return: true }, apply: () => (res.tags = { ...res.tags, CostCenter: value }) };
      }
      case 'AWS::S3::Bucket': {
        const s = res.supp;
        const choice = rng.pick(['versioning', 'pab', 'encryption']);
        if (choice === 'versioning') {
          const status = (s.BucketVersioningConfiguration as Rec).status === 'Enabled' ? 'Suspended' : 'Enabled';
          return { source: 's3.amazonaws.com', name: 'PutBucketVersioning', changeType: 'update', req: { bucketName: res.id, Host: `${res.id}.s3.amazonaws.com`, versioning: '', VersioningConfiguration: { Status: status } }, apply: () => (s.BucketVersioningConfiguration = { status, isMfaDeleteEnabled: null }) };
        }
        if (choice === 'pab') {
          const on = !(s.PublicAccessBlockConfiguration as Rec).blockPublicPolicy;
          return { source: 's3.amazonaws.com', name: 'PutBucketPublicAccessBlock', changeType: 'update', req: { bucketName: res.id, publicAccessBlock: '', PublicAccessBlockConfiguration: { BlockPublicPolicy: on, RestrictPublicBuckets: on } }, apply: () => Object.assign(s.PublicAccessBlockConfiguration as Rec, { blockPublicPolicy: on, restrictPublicBuckets: on }) };
        }
        const algo = ((s.ServerSideEncryptionConfiguration as Rec).rules as Rec[])[0]!.applyServerSideEncryptionByDefault as Rec;
        const next = algo.sseAlgorithm === 'AES256' ? 'aws:kms' : 'AES256';
        return { source: 's3.amazonaws.com', name: 'PutBucketEncryption', changeType: 'update', req: { bucketName: res.id, encryption: '', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: next } } } }, apply: () => (algo.sseAlgorithm = next) };
      }
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User': {
        const isRole = res.type === 'AWS::IAM::Role';
        const attached = c.attachedManagedPolicies as Rec[];
        const pol = rng.pick(['ReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'SecurityAudit', 'AmazonEC2FullAccess']);
        const arn = `arn:aws:iam::aws:policy/${pol}`;
        const has = attached.findIndex((p) => p.policyArn === arn);
        const nameKey = isRole ? 'roleName' : 'userName';
        const verb = has >= 0 ? 'Detach' : 'Attach';
        return {
          source: 'iam.amazonaws.com', name: `${verb}${isRole ? 'Role' : 'User'}Policy`, changeType: 'update',
          req: { [nameKey]: res.name, policyArn: arn },
          apply: () => (has >= 0 ? attached.splice(has, 1) : attached.push({ policyArn: arn, policyName: pol })),
        };
      }
      case 'AWS::KMS::Key': {
        if (c.keyState === 'PendingDeletion') return undefined;
        const choice = rng.weighted([[c.keyState === 'Enabled' ? 'disable' : 'enable', 8], ['schedule', 1]] as const);
        if (choice === 'schedule') {
          return { source: 'kms.amazonaws.com', name: 'ScheduleKeyDeletion', changeType: 'update', req: { keyId: res.id, pendingWindowInDays: 30 }, resp: { keyId: res.arn, deletionDate: 'Oct 1, 2026, 12:00:00 AM', keyState: 'PendingDeletion', pendingWindowInDays: 30 }, apply: () => Object.assign(c, { keyState: 'PendingDeletion', enabled: false }) };
        }
        const enable = choice === 'enable';
        return { source: 'kms.amazonaws.com', name: enable ? 'EnableKey' : 'DisableKey', changeType: 'update', req: { keyId: rng.chance(0.5) ? res.arn : res.id }, apply: () => Object.assign(c, { keyState: enable ? 'Enabled' : 'Disabled', enabled: enable }) };
      }
      case 'AWS::CloudTrail::Trail': {
        const next = !c.logFileValidationEnabled;
        return { source: 'cloudtrail.amazonaws.com', name: 'UpdateTrail', changeType: 'update', req: { name: res.name, enableLogFileValidation: next }, resp: { name: res.name, trailARN: res.arn, logFileValidationEnabled: next }, apply: () => (c.logFileValidationEnabled = next) };
      }
      default:
        return undefined;
    }
  }

  changeable(): Resource[] {
    return this.resources.filter((r) => !r.deleted && ['AWS::EC2::SecurityGroup', 'AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::KMS::Key', 'AWS::CloudTrail::Trail'].includes(r.type));
  }

  /**
   * One change: the actor's session calls (if any), the successful write at `t`, the Config item
   * captured 1–10 minutes later. Returns the capture time, or undefined when nothing applied.
   */
  change(res: Resource, t: number, kind: string, o: { failedFirst?: boolean; captureAfter?: number; issuedAt?: number; inPeriod: boolean; scripted?: ScriptedRule }): number | undefined {
    const acct = this.accounts.find((a) => a.id === res.account)!;
    const op = this.mutation(res, o.scripted);
    if (!op) return undefined;
    const actor = this.actor(acct, kind === 'service' && res.type !== 'AWS::EC2::SecurityGroup' ? 'iam-user' : kind, t, o.issuedAt);
    if (res.type === 'AWS::KMS::Key') op.resources = [{ accountId: res.account, type: 'AWS::KMS::Key', ARN: res.arn }];
    return this.commit(res, t, actor, op, o);
  }

  /**
   * Makes `op` happen at `t` as `actor`: its session calls, the call, an access-denied attempt
   * when `failedFirst`, the Config item 1–10 minutes later and, in the period, the ground truth.
   */
  commit(res: Resource, t: number, actor: Actor, op: Mutation, o: { failedFirst?: boolean; captureAfter?: number; inPeriod: boolean }): number {
    const acct = this.accounts.find((a) => a.id === res.account)!;
    for (const i of actor.issuing) this.emit(i.time, i.account, i.region, i.rec);
    const callRegion = res.region === 'global' ? 'us-east-1' : res.region;
    const rec = this.record({ time: t, account: res.account, region: callRegion, source: op.source, name: op.name, ui: actor.ui, req: op.req, resp: op.resp, readOnly: false, resources: op.resources, extra: op.extra });
    this.emit(t, res.account, callRegion, rec);
    if (o.failedFirst) {
      // An access-denied attempt on the same resource between the call and the capture: never the cause.
      const intern = this.iamUserUi(acct, 'dave');
      const denied = this.record({ time: t + 20_000, account: res.account, region: callRegion, source: op.source, name: op.name, ui: intern, req: op.req, readOnly: false, error: ['AccessDenied', `User: ${intern.arn as string} is not authorized to perform: ${op.source.split('.')[0]}:${op.name} on resource: ${res.arn} because no identity-based policy allows the action`] });
      this.emit(t + 20_000, res.account, callRegion, denied);
    }
    const worldBefore = res.type === 'AWS::EC2::SecurityGroup' ? worldAdminRules(res.conf) : undefined;
    op.apply();
    const capture = Math.max(t + this.rng.int(60, 600) * 1000 + this.rng.int(0, 999), (o.captureAfter ?? 0) + 1000 + this.rng.int(0, 999));
    const item = this.capture(res, capture, op.changeType === 'delete' ? 'ResourceDeleted' : 'OK');
    if (o.inPeriod) {
      this.truth.push({
        accountId: res.account, region: res.region, resourceType: res.type, resourceId: res.id, captureTime: item.configurationItemCaptureTime as string,
        changeType: op.changeType, eventId: rec.eventID as string, eventName: op.name, origin: actor.origin, originType: actor.originType, chain: actor.chain,
        ...(worldBefore ? { worldAdmin: { before: worldBefore, after: worldAdminRules(res.conf) } } : {}),
      });
    }
    return capture;
  }

  /**
   * Two stories an auditor must read right, on the period's first day: SSH opened to the world on one
   * group and a tag added to it half an hour later by someone else (the finding must cite the opening,
   * not the tag); RDP opened to the world on another group and revoked two days later (a closed
   * deviation), when the period is long enough.
   */
  debugWindows(dayStart: number, periodEnd: number): void {
    const groups = this.changeable().filter((r) => r.type === 'AWS::EC2::SecurityGroup' && !r.name?.startsWith('temp-') && worldAdminRules(r.conf).length === 0);
    const [kept, fixed] = [groups[0], groups[1]];
    const at = dayStart + 9 * 3_600_000;
    if (kept) {
      const opened = this.change(kept, at, 'iam-user', { inPeriod: true, scripted: { op: 'authorize', port: 22, cidr: '0.0.0.0/0' } });
      if (opened !== undefined) this.change(kept, opened + 30 * 60_000, 'sso', { inPeriod: true, scripted: { op: 'tags', port: 0, cidr: '' } });
    }
    if (fixed && periodEnd - dayStart > 3 * DAY_MS) {
      const opened = this.change(fixed, at + 3_600_000, 'sso', { inPeriod: true, scripted: { op: 'authorize', port: 3389, cidr: '0.0.0.0/0' } });
      if (opened !== undefined) this.change(fixed, opened + 2 * DAY_MS, 'iam-user', { inPeriod: true, scripted: { op: 'revoke', port: 3389, cidr: '0.0.0.0/0' } });
    }
  }

  /** Security groups are also created and deleted, by IAM users and pipelines. */
  createOrDelete(acct: Account, region: string, t: number, kind: string, inPeriod: boolean): number | undefined {
    const rng = this.rng;
    const actor = this.actor(acct, kind === 'service' ? 'iam-user' : kind, t);
    const temp = this.resources.find((r) => r.account === acct.id && r.region === region && r.type === 'AWS::EC2::SecurityGroup' && !r.deleted && r.name?.startsWith('temp-') && r.busyUntil < t);
    for (const i of actor.issuing) this.emit(i.time, i.account, i.region, i.rec);
    let rec: Rec;
    let res: Resource;
    let status: string;
    if (temp) {
      res = temp;
      rec = this.record({ time: t, account: acct.id, region, source: 'ec2.amazonaws.com', name: 'DeleteSecurityGroup', ui: actor.ui, req: { groupId: temp.id }, resp: { _return: true }, readOnly: false });
      temp.deleted = true;
      status = 'ResourceDeleted';
    } else {
      const id = `sg-${rng.hex(17)}`;
      const name = `temp-${rng.hex(6)}`;
      rec = this.record({ time: t, account: acct.id, region, source: 'ec2.amazonaws.com', name: 'CreateSecurityGroup', ui: actor.ui, req: { groupName: name, groupDescription: 'temporary access', vpcId: `vpc-${rng.hex(17)}` }, resp: { _return: true, groupId: id }, readOnly: false });
      const captureMs = t + rng.int(60, 600) * 1000;
      res = { key: `${acct.id}|${region}|AWS::EC2::SecurityGroup|${id}`, type: 'AWS::EC2::SecurityGroup', id, name, arn: `arn:aws:ec2:${region}:${acct.id}:security-group/${id}`, account: acct.id, region, folderRegion: region, conf: { description: 'temporary access', groupName: name, ipPermissions: [], ownerId: acct.id, groupId: id, ipPermissionsEgress: [], tags: [] }, supp: {}, tags: {}, stateId: 0, createdMs: captureMs, busyUntil: t, deleted: false, az: 'Not Applicable' };
      this.resources.push(res);
      status = 'ResourceDiscovered';
    }
    this.emit(t, acct.id, region, rec);
    const capture = status === 'ResourceDiscovered' ? res.createdMs : t + rng.int(60, 600) * 1000;
    const item = this.capture(res, capture, status);
    if (inPeriod) {
      this.truth.push({
        accountId: acct.id, region, resourceType: res.type, resourceId: res.id, captureTime: item.configurationItemCaptureTime as string,
        changeType: status === 'ResourceDeleted' ? 'delete' : 'create', eventId: rec.eventID as string, eventName: rec.eventName as string, origin: actor.origin, originType: actor.originType, chain: actor.chain,
      });
    }
    return capture;
  }

  // ─────────────── noise ───────────────

  noise(day: number, count: number): void {
    const rng = this.rng;
    const reads: [string, string, (acct: Account, region: string) => Rec | null][] = [
      ['ec2.amazonaws.com', 'DescribeInstances', () => ({ instancesSet: {}, filterSet: {} })],
      ['ec2.amazonaws.com', 'DescribeSecurityGroups', () => ({ securityGroupSet: {}, securityGroupIdSet: {} })],
      ['s3.amazonaws.com', 'ListBuckets', () => ({ Host: 's3.amazonaws.com' })],
      ['s3.amazonaws.com', 'GetBucketAcl', (a, r) => ({ bucketName: `acme-logs-${a.id}-${r}`, acl: '' })],
      ['iam.amazonaws.com', 'ListRoles', () => null],
      ['kms.amazonaws.com', 'DescribeKey', () => ({ keyId: `alias/app-${rng.hex(4)}` })],
      ['sts.amazonaws.com', 'GetCallerIdentity', () => null],
      ['cloudtrail.amazonaws.com', 'LookupEvents', () => ({ maxResults: 50 })],
    ];
    for (let i = 0; i < count; i++) {
      const acct = rng.pick(this.accounts);
      const region = rng.pick(this.regions);
      const t = day * DAY_MS + rng.int(0, DAY_MS - 1000);
      const roll = rng.next();
      if (roll < 0.004) {
        // Console sign-ins: with and without MFA, and failures (which carry no errorCode).
        const ui = this.iamUserUi(acct);
        const ok = rng.chance(0.75);
        const mfa = rng.chance(0.6) ? 'Yes' : 'No';
        this.emit(t, acct.id, 'us-east-1', this.record({ time: t, account: acct.id, region: 'us-east-1', source: 'signin.amazonaws.com', name: 'ConsoleLogin', ui, readOnly: false, type: 'AwsConsoleSignIn', resp: { ConsoleLogin: ok ? 'Success' : 'Failure' }, extra: { additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: ok ? mfa : 'No' }, ...(ok ? {} : { errorMessage: 'Failed authentication' }) } }));
        continue;
      }
      const [source, name, req] = rng.pick(reads);
      const global = source === 'iam.amazonaws.com' || source === 'sts.amazonaws.com';
      const r = global ? 'us-east-1' : region;
      const ui = rng.chance(0.15) ? { type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' } : this.iamUserUi(acct);
      const denied = rng.chance(0.003) ? (['AccessDenied', `User is not authorized to perform: ${source.split('.')[0]}:${name}`] as [string, string]) : undefined;
      this.emit(t, acct.id, r, this.record({ time: t, account: acct.id, region: r, source, name, ui, req: req(acct, r), readOnly: true, error: denied }));
    }
  }

  // ─────────────── writing ───────────────

  write(key: string, body: Buffer): Buffer {
    const path = join(this.opts.outDir, 'export', key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    return body;
  }

  trailPrefix(account: string): string {
    return this.opts.organizationId ? `AWSLogs/${this.opts.organizationId}/${account}` : `AWSLogs/${account}`;
  }

  /**
   * Writes one day's CloudTrail files (one per account, region and delivery window) and the hourly
   * digests that are complete: the next day's records are delivered from its first hour on.
   */
  flushDay(day: number): void {
    const list = this.pending.get(day);
    this.pending.delete(day);
    if (list && list.length > 0) this.writeLogs(list);
    this.flushDigests((day + 1) * 24);
  }

  /** Writes the digests of the hours before `beforeHour` (every one pending when omitted), in key order. */
  flushDigests(beforeHour = Infinity): void {
    for (const hk of [...this.hourly.keys()].sort()) {
      const h = this.hourly.get(hk)!;
      if (h.hour >= beforeHour) continue;
      this.hourly.delete(hk);
      this.writeDigest(h);
    }
  }

  /** Writes records as log files, one per account, region and delivery window, each noted in its hour's digest. */
  writeLogs(list: { account: string; fileRegion: string; time: number; rec: Rec }[]): void {
    list.sort((a, b) => a.time - b.time || cmp(a.rec.eventID as string, b.rec.eventID as string));
    const files = new Map<string, { account: string; region: string; window: number; recs: Rec[]; times: number[] }>();
    for (const e of list) {
      const window = Math.floor(e.time / this.windowMs);
      const k = `${e.account}|${e.fileRegion}|${String(window).padStart(12, '0')}`;
      let f = files.get(k);
      if (!f) files.set(k, (f = { account: e.account, region: e.fileRegion, window, recs: [], times: [] }));
      f.recs.push(e.rec);
      f.times.push(e.time);
    }
    for (const k of [...files.keys()].sort()) {
      const f = files.get(k)!;
      const deliver = (f.window + 1) * this.windowMs + this.rng.int(0, 299) * 1000;
      const key = `${this.trailPrefix(f.account)}/CloudTrail/${f.region}/${ymd(deliver, true)}/${f.account}_CloudTrail_${f.region}_${compact(deliver, false)}_${this.rng.alnum(16)}.json.gz`;
      const json = JSON.stringify({ Records: f.recs });
      this.write(key, gzipSync(json, { level: 1 }));
      this.events += f.recs.length;
      this.onLogFile?.(f.recs);
      const hour = Math.floor(deliver / 3_600_000);
      const hk = `${f.account}|${f.region}|${String(hour).padStart(10, '0')}`;
      let h = this.hourly.get(hk);
      if (!h) this.hourly.set(hk, (h = { account: f.account, region: f.region, hour, logs: [], oldest: Infinity, newest: 0 }));
      const oldest = Math.min(...f.times);
      const newest = Math.max(...f.times);
      h.logs.push({ s3Bucket: this.logBucket, s3Object: key, hashValue: createHash('sha256').update(json).digest('hex'), hashAlgorithm: 'SHA-256', newestEventTime: isoSec(newest), oldestEventTime: isoSec(oldest) });
      h.oldest = Math.min(h.oldest, oldest);
      h.newest = Math.max(h.newest, newest);
    }
  }

  writeDigest(h: HourDigest): void {
    const end = (h.hour + 1) * 3_600_000 + 1_500_000;
    const key = `${this.trailPrefix(h.account)}/CloudTrail-Digest/${h.region}/${ymd(end, true)}/${h.account}_CloudTrail-Digest_${h.region}_organization-trail_${this.regions[0]}_${compact(end)}.json.gz`;
    const prev = this.previousDigest.get(`${h.account}|${h.region}`);
    const digest: Rec = {
      awsAccountId: h.account,
      digestStartTime: isoSec(end - 3_600_000),
      digestEndTime: isoSec(end),
      digestS3Bucket: this.logBucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: createHash('md5').update(`${this.opts.seed}|${h.region}`).digest('hex'),
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: isoSec(h.newest),
      oldestEventTime: isoSec(h.oldest),
      previousDigestS3Bucket: prev ? this.logBucket : null,
      previousDigestS3Object: prev?.key ?? null,
      previousDigestHashValue: prev?.hash ?? null,
      previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
      previousDigestSignature: prev?.sig ?? null,
      logFiles: h.logs,
    };
    const json = JSON.stringify(digest);
    this.write(key, gzipSync(json, { level: 1 }));
    // CloudTrail hashes the digest uncompressed. Signatures need the trail's private key; the export
    // only carries them. A stable stand-in:
    this.previousDigest.set(`${h.account}|${h.region}`, { key, hash: createHash('sha256').update(json).digest('hex'), sig: createHash('sha512').update(json).digest('hex') });
  }

  /** Config history files (per account, region, type and 6-hour window) and snapshots. */
  writeConfig(snapshots: number[]): void {
    const groups = new Map<string, { account: string; region: string; type: string; window: number; items: Rec[] }>();
    for (const c of this.configItems) {
      const window = Math.floor(c.captureMs / 21_600_000);
      const k = `${c.account}|${c.folderRegion}|${c.type}|${String(window).padStart(8, '0')}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { account: c.account, region: c.folderRegion, type: c.type, window, items: [] }));
      g.items.push(c.item);
    }
    for (const k of [...groups.keys()].sort()) {
      const g = groups.get(k)!;
      const start = g.window * 21_600_000;
      const end = start + 21_600_000;
      const deliver = end + 300_000;
      const key = `AWSLogs/${g.account}/Config/${g.region}/${ymd(deliver, false)}/ConfigHistory/${g.account}_Config_${g.region}_ConfigHistory_${g.type}_${compact(start)}_${compact(end)}_1.json.gz`;
      this.write(key, gzipSync(JSON.stringify({ fileVersion: '1.0', configurationItems: g.items }), { level: 1 }));
    }
    for (const at of snapshots) {
      for (const acct of this.accounts) {
        for (const region of this.regions) {
          const items = this.configItems
            .filter((c) => c.account === acct.id && c.folderRegion === region && c.captureMs <= at)
            .reduce((m, c) => m.set(`${c.type}|${c.item.resourceId as string}`, c.item), new Map<string, Rec>());
          const live = [...items.values()].filter((i) => i.configurationItemStatus !== 'ResourceDeleted').map((i) => ({ ...i, configurationItemStatus: 'OK' }));
          const id = this.rng.uuid();
          const key = `AWSLogs/${acct.id}/Config/${region}/${ymd(at, false)}/ConfigSnapshot/${acct.id}_Config_${region}_ConfigSnapshot_${compact(at)}_${id}.json.gz`;
          this.write(key, gzipSync(JSON.stringify({ fileVersion: '1.0', configSnapshotId: id, configurationItems: live }), { level: 1 }));
        }
      }
    }
  }

  /** Config rule results as AWS Config records them: AWS::Config::ResourceCompliance items. */
  ruleResults(at: number): void {
    for (const res of this.resources.filter((r) => r.type === 'AWS::EC2::SecurityGroup' && !r.deleted)) {
      const open = (res.conf.ipPermissions as Rec[]).some((p) => p.fromPort === 22 && (p.ipRanges as string[] | undefined)?.includes('0.0.0.0/0'));
      const complianceType = open ? 'NON_COMPLIANT' : 'COMPLIANT';
      const id = `AWS::EC2::SecurityGroup/${res.id}`;
      const rc: Resource = { ...res, key: `${res.account}|${res.region}|AWS::Config::ResourceCompliance|${id}`, type: 'AWS::Config::ResourceCompliance', id, name: undefined, arn: `arn:aws:config:${res.region}:${res.account}:resource-compliance/${id}`, conf: { complianceType, configRuleList: [{ configRuleName: 'restricted-ssh', configRuleArn: `arn:aws:config:${res.region}:${res.account}:config-rule/config-rule-${this.rng.hex(6)}`, configRuleId: `config-rule-${this.rng.hex(6)}`, complianceType }], targetResourceId: res.id, targetResourceType: res.type }, supp: {}, tags: {}, createdMs: at };
      this.capture(rc, at, 'OK');
    }
  }

  /** An IAM credential report per account (`aws iam get-credential-report`), as of the end of the period. */
  credentialReports(endMs: number): void {
    const header = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
    const t = (daysAgo: number) => new Date(endMs - daysAgo * DAY_MS).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    this.accounts.forEach((acct, i) => {
      const rows = [`<root_account>,arn:aws:iam::${acct.id}:root,${t(900)},not_supported,${t(i === 0 ? 20 : 200)},not_supported,not_supported,${i === 0 ? 'false' : 'true'},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`];
      acct.users.forEach((u, j) => {
        const mfa = j !== 1 || i !== 0;
        const stale = j === 3;
        rows.push(`${u.name},arn:aws:iam::${acct.id}:user/${u.name},${t(700)},true,${t(stale ? 120 : 2)},${t(300)},N/A,${mfa},true,${t(j === 2 ? 200 : 30)},${t(stale ? 100 : 1)},us-east-1,ec2,${j === 0 && i === 0 ? 'true' : 'false'},${j === 0 && i === 0 ? t(40) : 'N/A'},N/A,N/A,N/A,false,N/A,false,N/A`);
      });
      const path = join(this.opts.outDir, 'credential-reports', `${acct.id}.csv`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
    });
  }
}

const KINDS = [
  ['iam-user', 20],
  ['sso', 25],
  ['chain', 22],
  ['web', 18],
  ['service', 10],
  ['root', 2],
] as const;

export async function generateExport(options: GenerateOptions): Promise<GroundTruth> {
  const from = parseDay(options.from);
  const to = parseDay(options.to);
  if (to < from) throw new Error('--to is before --from');
  const days = Math.round((to - from) / DAY_MS) + 1;
  const accounts = options.accounts ?? 3;
  const regions = options.regions ?? ['us-east-1', 'eu-west-1'];
  const changesPerDay = options.changesPerDay ?? Math.max(0.5, accounts * 0.4);
  const targetEvents = options.targetEvents ?? days * 400;
  const story = new Story({ seed: options.seed, outDir: options.outDir, from: options.from, to: options.to, accounts, regions, targetEvents, changesPerDay, organizationId: options.organizationId });
  const rng = story.rng;
  const perGroupPerDay = targetEvents / ((days + 3) * accounts * regions.length);
  const windowsPerDay = Math.min(288, Math.max(1, Math.round(perGroupPerDay / 50)));
  story.windowMs = Math.round(DAY_MS / windowsPerDay / 300_000) * 300_000 || 300_000;

  // Before the period: every resource is discovered, and some change, so in-period changes have a real "before".
  const preDays = 3;
  const firstDay = from / DAY_MS - preDays;
  story.accounts.forEach((acct, i) => baselineResources(rng, acct, i, regions, from - preDays * DAY_MS + 3_600_000 + i * 60_000, { add: (r) => story.addResource(r) }));
  const scripted = new ScriptedStories(story);
  scripted.addResources(from - preDays * DAY_MS + 3_600_000);

  const expectedChangeEvents = days * changesPerDay * 3;
  const noisePerDay = Math.max(0, Math.round((targetEvents - expectedChangeEvents) / (days + preDays)));
  const profile = makeProfile(options.profile ?? 'default', story, targetEvents / (days + preDays));
  let changeCredit = 0;
  for (let day = firstDay; day <= to / DAY_MS; day++) {
    const dayStart = day * DAY_MS;
    const inPeriod = dayStart >= from;
    if (day === from / DAY_MS) {
      // A session opened the evening before the period and used on its first morning: only resolvable
      // by a reader that keeps STS calls from before the period.
      const res = story.changeable().find((r) => r.type === 'AWS::EC2::SecurityGroup' && r.account !== story.accounts[0]!.id) ?? story.changeable()[0]!;
      story.change(res, dayStart + 20 * 60_000, 'chain', { issuedAt: dayStart - 40 * 60_000, inPeriod: true });
      story.ruleResults(dayStart + 6 * 3_600_000);
      story.debugWindows(dayStart, to);
    }
    changeCredit += inPeriod ? changesPerDay : 1;
    let n = 0;
    while (changeCredit >= 1) {
      changeCredit -= 1;
      const t = dayStart + 3_600_000 + rng.int(0, 21 * 3_600_000) + n++ * 1000;
      const kind = rng.weighted(KINDS);
      if (rng.chance(0.08)) {
        const acct = rng.pick(story.accounts);
        story.createOrDelete(acct, rng.pick(regions), t, kind, inPeriod);
        continue;
      }
      const candidates = story.changeable().filter((r) => r.busyUntil < t - 60_000);
      if (candidates.length === 0) continue;
      const res = rng.pick(candidates);
      const failedFirst = rng.chance(0.12);
      const capture = story.change(res, t, kind, { failedFirst, inPeriod });
      if (capture !== undefined && rng.chance(0.15)) {
        // Another resource of the same account changed between this call and its capture.
        const other = story.changeable().find((r) => r !== res && r.account === res.account && r.type === res.type && r.busyUntil < t);
        if (other) story.change(other, t + 60_000, rng.weighted(KINDS), { captureAfter: capture, inPeriod });
      }
    }
    profile.noise(day, noisePerDay);
    // Calls land in their own day's bucket; nothing is emitted more than a day back.
    story.flushDay(day - 1);
  }
  // The attribution stories, on the last day (still unwritten), after every drawn change.
  scripted.run(to);
  story.flushDay(to / DAY_MS);
  story.flushDay(to / DAY_MS + 1);
  story.flushDigests();
  story.writeConfig([from + 5 * 60_000]);
  story.credentialReports(to + DAY_MS);

  const truth: GroundTruth = {
    generator: GENERATOR_VERSION,
    seed: options.seed,
    from: options.from,
    to: options.to,
    accounts: story.accounts.map((a) => a.id).sort(),
    regions: [...regions].sort(),
    events: story.events,
    ...(profile.name === 'default' ? {} : { profile: profile.name, counts: profile.counts() }),
    changes: story.truth
      .filter((c) => Date.parse(c.captureTime) < to + DAY_MS)
      .sort((a, b) => cmp(a.captureTime, b.captureTime) || cmp(a.resourceId, b.resourceId)),
  };
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}
