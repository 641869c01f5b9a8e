import type { Story } from './generator.js';
import type { Random } from './random.js';
import { type Account, DAY_MS } from './world.js';

/**
 * Benchmark profiles: what fills a generated export beside the story's changes. `default` is the
 * generator as it always was (read-only noise by IAM users and Auto Scaling, 0.7% of events are
 * evidence); the others model what real organisations log (docs/performance.md, "Profiles"):
 *
 * - `automation`: CI/CD pipelines and workloads with role sessions. About 12% of the records are
 *   successful writes by sessions of automation roles (GitHub Actions through OIDC, Terraform run
 *   from a CI runner's instance role, Lambda functions), each session short-lived, so there are many
 *   distinct sessions; AWS services (EC2 for instance profiles, Lambda for execution roles) call
 *   AssumeRole at every credential refresh, with the `AWSService` identity AWS writes for them.
 * - `data-events`: a trail that also logs S3 data events (GetObject, HeadObject, PutObject,
 *   DeleteObject), twenty of them to every management event, some denied; the management events are
 *   the default profile's, plus the AssumeRoles of the workloads' instance and function roles.
 *
 * `--events N` stays the total number of CloudTrail records. Only the default profile must give the
 * files it always gave (the demo export and golden report depend on it): it draws nothing here.
 */

export const PROFILES = ['default', 'automation', 'data-events'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** Records by category, counted as the log files are written (the ground truth of a non-default profile). */
export interface ProfileCounts {
  managementEvents: number;
  dataEvents: number;
  /** Data events with an errorCode (AccessDenied). */
  failedDataEvents: number;
  /** Successful API calls that are not read-only, management and data events alike (sign-ins excluded). */
  writes: number;
  /** AssumeRole calls whose caller is an AWS service (userIdentity.type AWSService). */
  serviceAssumeRoles: number;
  /** Role sessions the profile opened (each with its own access key). */
  roleSessions: number;
}

export interface Profile {
  readonly name: ProfileName;
  /** Fills one day with `count` records beside the story's changes. */
  noise(day: number, count: number): void;
  /** The counts by category, or undefined for the default profile (its ground truth stays as it was). */
  counts(): ProfileCounts | undefined;
}

export function isProfile(s: string): s is ProfileName {
  return (PROFILES as readonly string[]).includes(s);
}

type Rec = Record<string, unknown>;

/**
 * The profile `name` over `story`; `perDay` is the day's share of all records (targetEvents over the
 * generated days), which the data-events profile splits 20:1.
 */
export function makeProfile(name: ProfileName, story: Story, perDay: number): Profile {
  if (name === 'default') return { name, noise: (day, count) => story.noise(day, count), counts: () => undefined };
  const tally = new Tally();
  story.onLogFile = (recs) => tally.add(recs);
  const services = new ServiceSessions(story, tally);
  const noise = name === 'automation' ? automation(story, services, tally) : dataEvents(story, services, perDay);
  return { name, noise, counts: () => ({ ...tally.counts }) };
}

class Tally {
  readonly counts: ProfileCounts = { managementEvents: 0, dataEvents: 0, failedDataEvents: 0, writes: 0, serviceAssumeRoles: 0, roleSessions: 0 };

  add(recs: Rec[]): void {
    const c = this.counts;
    for (const r of recs) {
      if (r.managementEvent === false) {
        c.dataEvents++;
        if (r.errorCode !== undefined) c.failedDataEvents++;
      } else c.managementEvents++;
      if (r.readOnly === false && r.errorCode === undefined && r.eventType === 'AwsApiCall') c.writes++;
      if (r.eventName === 'AssumeRole' && (r.userIdentity as Rec).type === 'AWSService') c.serviceAssumeRoles++;
    }
  }
}

// ─────────────── sessions ───────────────

interface Session {
  ui: Rec;
  account: Account;
  region: string;
  /** Calls left before the session ends (a CI job, a function's execution environment). */
  uses: number;
  /** When its credentials expire (a CI session's: an hour after they were issued). */
  expires: number;
  /** For a workload's session: the refresh period it was issued for. */
  slot?: number;
}

/** A workload whose credentials an AWS service obtains: an EC2 instance's profile role or a Lambda function's execution role. */
interface Workload {
  account: Account;
  region: string;
  service: 'ec2.amazonaws.com' | 'lambda.amazonaws.com';
  role: string;
  rolePath: string;
  /** The instance id or function name: the session name AWS uses. */
  session: string;
  current?: Session;
}

const SERVICES = ['api', 'web', 'worker', 'billing', 'search', 'ingest'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** What AWS writes as a credentials' expiration in AssumeRole responses: "Jul 4, 2026, 4:29:29 PM". */
export function expiration(ms: number): string {
  const d = new Date(ms);
  const month = MONTHS[d.getUTCMonth()]!;
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Registers a role of the profile in its account (only the session identities name it; AWS Config does not record it here). */
function roleId(rng: Random, acct: Account, role: string): string {
  return (acct.roleIds[role] ??= `AROA${rng.alnum(17)}`);
}

/**
 * The workloads of every account and region, and the AssumeRole an AWS service makes for each at
 * every credential refresh: `{type: AWSService, invokedBy: <service>}`, from the service's own
 * address, the instance id or function name as session name, and a sharedEventID (the call is the
 * service's, delivered to the role's account). Shape of real records: the flaws.cloud CloudTrail
 * dataset (EC2) and the AWS documentation's Lambda examples (docs/performance.md).
 */
class ServiceSessions {
  private readonly workloads = new Map<string, Workload[]>();

  constructor(
    readonly story: Story,
    readonly tally: Tally,
  ) {}

  of(acct: Account, region: string): Workload[] {
    const k = `${acct.id}|${region}`;
    let list = this.workloads.get(k);
    if (!list) {
      const rng = this.story.rng;
      list = [
        ...['app-instance', 'app-instance', 'ci-runner'].map((role) => ({ account: acct, region, service: 'ec2.amazonaws.com' as const, role, rolePath: '/', session: `i-${rng.hex(17)}` })),
        ...SERVICES.slice(0, 3).map((svc) => ({ account: acct, region, service: 'lambda.amazonaws.com' as const, role: `${svc}-handler-role-${rng.hex(8)}`, rolePath: '/service-role/', session: `${svc}-handler` })),
      ];
      for (const w of list) roleId(rng, acct, w.role);
      this.workloads.set(k, list);
    }
    return list;
  }

  /** The service refreshes the workload's credentials at `t`: one AssumeRole, a new session. */
  refresh(w: Workload, t: number): Session {
    const { story } = this;
    const rng = story.rng;
    const acct = w.account;
    const key = `ASIA${rng.alnum(16)}`;
    const roleArn = `arn:aws:iam::${acct.id}:role${w.rolePath}${w.role}`;
    const rec = story.record({
      time: t, account: acct.id, region: w.region, source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true,
      ui: { type: 'AWSService', invokedBy: w.service },
      req: { roleArn, roleSessionName: w.session },
      resp: { credentials: { accessKeyId: key, sessionToken: rng.alnum(40), expiration: expiration(t + (w.service === 'ec2.amazonaws.com' ? 6 : 12) * 3_600_000) } },
      resources: [{ accountId: acct.id, type: 'AWS::IAM::Role', ARN: roleArn }],
      shared: rng.uuid(),
    });
    rec.userAgent = w.service;
    story.emit(t, acct.id, w.region, rec);
    this.tally.counts.roleSessions++;
    const extra = w.service === 'ec2.amazonaws.com' ? { sessionContext: { ec2RoleDelivery: '2.0' } } : {};
    w.current = { ui: story.sessionUi(acct, w.role, w.rolePath, w.session, key, t, extra), account: acct, region: w.region, uses: Infinity, expires: Infinity };
    return w.current;
  }

  /** The workload's current session, refreshed first when it has none. Returns the records emitted (0 or 1). */
  session(w: Workload, t: number): [Session, number] {
    return w.current ? [w.current, 0] : [this.refresh(w, t - 60_000), 1];
  }
}

// ─────────────── automation ───────────────

type Call = [source: string, name: string, req: (s: string, acct: Account, region: string, rng: Random) => Rec | null, resp?: (s: string, acct: Account, region: string, rng: Random) => Rec];

/** Writes automation makes to resources this export's AWS Config does not record: deployments, parameters, images, scaling. */
const WRITES: Call[] = [
  ['ssm.amazonaws.com', 'PutParameter', (s) => ({ name: `/release/${s}/image-tag`, type: 'String', overwrite: true, tier: 'Standard' }), (_s, _a, _r, rng) => ({ version: rng.int(2, 900), tier: 'Standard' })],
  ['ecs.amazonaws.com', 'RegisterTaskDefinition', (s) => ({ family: s, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }), (s, a, r, rng) => {
    const revision = rng.int(2, 400);
    return { taskDefinition: { taskDefinitionArn: `arn:aws:ecs:${r}:${a.id}:task-definition/${s}:${revision}`, family: s, revision, status: 'ACTIVE' } };
  }],
  ['ecs.amazonaws.com', 'UpdateService', (s, _a, _r, rng) => ({ cluster: 'prod', service: s, taskDefinition: `${s}:${rng.int(2, 400)}`, forceNewDeployment: false }), (s, a, r) => ({ service: { serviceName: s, serviceArn: `arn:aws:ecs:${r}:${a.id}:service/prod/${s}`, status: 'ACTIVE', launchType: 'FARGATE' } })],
  ['ecr.amazonaws.com', 'PutImage', (s, a, _r, rng) => ({ repositoryName: s, imageTag: rng.hex(7), registryId: a.id }), (s, a, _r, rng) => ({ image: { registryId: a.id, repositoryName: s, imageId: { imageDigest: `sha256:${rng.hex(64)}` } } })],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', (s) => ({ functionName: `${s}-handler`, publish: true }), (s, a, r, rng) => ({ functionName: `${s}-handler`, functionArn: `arn:aws:lambda:${r}:${a.id}:function:${s}-handler`, version: String(rng.int(2, 300)), lastUpdateStatus: 'InProgress' })],
  ['autoscaling.amazonaws.com', 'SetDesiredCapacity', (s, _a, _r, rng) => ({ autoScalingGroupName: `${s}-asg`, desiredCapacity: rng.int(2, 12), honorCooldown: false })],
  ['logs.amazonaws.com', 'CreateLogStream', (s, _a, _r, rng) => ({ logGroupName: `/aws/lambda/${s}-handler`, logStreamName: `2026/07/01/[$LATEST]${rng.hex(32)}` })],
];

const READS: Call[] = [
  ['sts.amazonaws.com', 'GetCallerIdentity', () => null],
  ['ecr.amazonaws.com', 'GetAuthorizationToken', () => null],
  ['ssm.amazonaws.com', 'GetParameter', (s) => ({ name: `/release/${s}/image-tag`, withDecryption: true })],
  ['ecs.amazonaws.com', 'DescribeServices', (s) => ({ cluster: 'prod', services: [s] })],
  ['ec2.amazonaws.com', 'DescribeInstances', () => ({ instancesSet: {}, filterSet: {} })],
  ['lambda.amazonaws.com', 'GetFunction20150331v2', (s) => ({ functionName: `${s}-handler` })],
];

/** Shares of the automation profile's records; the rest is the default profile's noise. */
const AUTOMATION = { writes: 0.12, deniedWrites: 0.006, serviceRefresh: 0.06, reads: 0.35 };

function automation(story: Story, services: ServiceSessions, tally: Tally): (day: number, count: number) => void {
  const rng = story.rng;
  /** Open CI sessions (GitHub Actions jobs, Terraform runs) per account. */
  const ci = new Map<string, Session[]>();

  /** A CI session of the account usable at `t`, a new one (and the records that opened it) when none is left. */
  const ciSession = (acct: Account, t: number): [Session, number] => {
    const open = (ci.get(acct.id) ?? []).filter((s) => s.uses > 0 && s.expires > t);
    ci.set(acct.id, open);
    if (open.length > 0 && !rng.chance(0.02)) return [rng.pick(open), 0];
    const region = rng.pick(story.regions);
    let s: Session;
    let emitted: number;
    if (rng.chance(0.55)) {
      // GitHub Actions through the account's OIDC provider: the story's web-identity actor.
      const actor = story.actor(acct, 'web', t);
      for (const i of actor.issuing) story.emit(i.time, i.account, i.region, i.rec);
      s = { ui: actor.ui, account: acct, region, uses: 0, expires: t + 3_000_000 };
      emitted = actor.issuing.length;
    } else {
      // Terraform on a CI runner: the runner's instance-profile session assumes terraform-apply.
      const runner = services.of(acct, region).find((w) => w.role === 'ci-runner')!;
      const [runnerSession, refreshed] = services.session(runner, t);
      const session = `terraform-${rng.hex(12)}`;
      const key = `ASIA${rng.alnum(16)}`;
      const at = t - rng.int(5, 60) * 1000;
      roleId(rng, acct, 'terraform-apply');
      for (const rec of story.assumeRoleRec(at, runnerSession.ui, acct.id, acct, 'terraform-apply', session, key)) story.emit(at, acct.id, 'us-east-1', rec);
      s = { ui: story.sessionUi(acct, 'terraform-apply', '/', session, key, at), account: acct, region, uses: 0, expires: at + 3_600_000 };
      emitted = refreshed + 1;
    }
    s.uses = rng.int(5, 60);
    tally.counts.roleSessions++;
    open.push(s);
    return [s, emitted];
  };

  return (day, count) => {
    // The day's calls of each kind; each call takes a kind in proportion to what is left of it, so
    // the shares hold exactly whatever the sessions cost to open.
    const left = { serviceRefresh: 0, writes: 0, deniedWrites: 0, reads: 0 };
    for (const k of Object.keys(left) as (keyof typeof left)[]) left[k] = Math.round(count * AUTOMATION[k]);
    const auto = left.serviceRefresh + left.writes + left.deniedWrites + left.reads;
    // The calls in time order, so that every session is opened before it is used.
    const times = Array.from({ length: auto }, () => day * DAY_MS + rng.int(0, DAY_MS - 1000)).sort((a, b) => a - b);
    let made = 0;
    for (const t of times) {
      const kind = rng.weighted(Object.entries(left) as [keyof typeof left, number][]);
      left[kind]--;
      const acct = rng.pick(story.accounts);
      if (kind === 'serviceRefresh') {
        services.refresh(rng.pick(services.of(acct, rng.pick(story.regions))), t);
        made++;
        continue;
      }
      const write = kind !== 'reads';
      // Writes come from CI sessions and functions, reads from any workload too.
      let session: Session;
      let opened: number;
      if (rng.chance(write ? 0.75 : 0.5)) [session, opened] = ciSession(acct, t);
      else {
        const workloads = services.of(acct, rng.pick(story.regions)).filter((w) => !write || w.service === 'lambda.amazonaws.com');
        [session, opened] = services.session(rng.pick(workloads), t);
      }
      session.uses--;
      const [source, name, req, resp] = rng.pick(write ? WRITES : READS);
      const svc = rng.pick(SERVICES);
      const region = source === 'sts.amazonaws.com' ? 'us-east-1' : session.region;
      const action = `${source.split('.')[0]}:${name.replace(/\d{8}v\d$/, '')}`;
      const error: [string, string] | undefined = kind === 'deniedWrites' ? ['AccessDenied', `User: ${session.ui.arn as string} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`] : undefined;
      story.emit(t, acct.id, region, story.record({ time: t, account: acct.id, region, source, name, ui: session.ui, req: req(svc, acct, region, rng), resp: resp?.(svc, acct, region, rng), readOnly: !write, error }));
      made += 1 + opened;
    }
    story.noise(day, Math.max(0, count - made));
  };
}

// ─────────────── data events ───────────────

/** S3 object-level APIs logged as data events, with their weight and readOnly as CloudTrail writes it. */
const S3_DATA: readonly (readonly [readonly [name: string, readOnly: boolean], number])[] = [
  [['GetObject', true], 55],
  [['HeadObject', true], 15],
  [['PutObject', false], 24],
  [['DeleteObject', false], 6],
];
const DATA_PER_MANAGEMENT = 20;

function dataEvents(story: Story, services: ServiceSessions, perDay: number): (day: number, count: number) => void {
  const rng = story.rng;
  const buckets = new Map<string, { name: string; region: string }[]>();
  /** The account's buckets: those AWS Config records here (data events on them must never explain their changes) and two application buckets per region. */
  const bucketsOf = (acct: Account) => {
    let list = buckets.get(acct.id);
    if (!list) {
      list = story.resources.filter((r) => r.type === 'AWS::S3::Bucket' && r.account === acct.id).map((r) => ({ name: r.id, region: r.region }));
      for (const region of story.regions) list.push({ name: `acme-assets-${acct.id}-${region}`, region }, { name: `acme-uploads-${acct.id}-${region}`, region });
      buckets.set(acct.id, list);
    }
    return list;
  };
  let credit = 0;

  return (day, count) => {
    credit += (perDay * DATA_PER_MANAGEMENT) / (DATA_PER_MANAGEMENT + 1);
    const n = Math.min(count, Math.floor(credit));
    credit -= n;
    // Times in order, so that each workload's credentials are refreshed before they are used.
    const times = Array.from({ length: n }, () => day * DAY_MS + rng.int(0, DAY_MS - 1000)).sort((a, b) => a - b);
    let management = 0;
    for (const t of times) {
      const acct = rng.pick(story.accounts);
      const bucket = rng.pick(bucketsOf(acct));
      const [name, readOnly] = rng.weighted(S3_DATA);
      const who = rng.next();
      let ui: Rec;
      let ip: string | undefined;
      if (who < 0.08 && name === 'PutObject') {
        // AWS services delivering into the account's buckets (CloudTrail, Config): no session, the service's name as address.
        ui = { type: 'AWSService', invokedBy: rng.pick(['cloudtrail.amazonaws.com', 'config.amazonaws.com']) };
      } else if (who < 0.8) {
        // A workload (an application instance or a function) whose credentials are refreshed every six hours.
        const all = services.of(acct, bucket.region);
        const w = rng.pick([all.find((x) => x.role === 'app-instance')!, all.find((x) => x.service === 'lambda.amazonaws.com')!]);
        const period = 6 * 3_600_000;
        const slot = Math.floor(t / period);
        if (w.current?.slot !== slot) {
          services.refresh(w, slot * period - rng.int(60, 300) * 1000).slot = slot;
          management++;
        }
        ui = w.current!.ui;
        ip = `198.51.100.${rng.int(2, 250)}`;
      } else ui = story.iamUserUi(acct);
      const key = `${rng.pick(['images', 'exports', 'reports', 'tmp'])}/${new Date(t).toISOString().slice(0, 10).replace(/-/g, '/')}/${rng.hex(12)}.${rng.pick(['json', 'jpg', 'parquet', 'csv'])}`;
      const denied = rng.chance(0.015);
      const size = rng.int(200, 5_000_000);
      const host = `${bucket.name}.s3.${bucket.region}.amazonaws.com`;
      const rec = story.record({
        time: t, account: acct.id, region: bucket.region, source: 's3.amazonaws.com', name, ui, readOnly,
        req: { bucketName: bucket.name, Host: host, key },
        resp: name === 'PutObject' ? { 'x-amz-server-side-encryption': 'AES256' } : undefined,
        error: denied ? ['AccessDenied', 'Access Denied'] : undefined,
        resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket.name}/${key}` }, { accountId: acct.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket.name}` }],
        extra: {
          additionalEventData: {
            SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: name === 'PutObject' && !denied ? size : 0, AuthenticationMethod: 'AuthHeader',
            'x-amz-id-2': Buffer.from(rng.hex(96), 'hex').toString('base64'), bytesTransferredOut: name === 'GetObject' && !denied ? size : 0,
            ...(name === 'PutObject' && !denied ? { SSEApplied: 'Default_SSE_S3' } : {}),
          },
        },
      });
      if (ip) rec.sourceIPAddress = ip;
      if (ui.type === 'AWSService') rec.userAgent = ui.invokedBy;
      rec.requestID = rng.alnum(16);
      rec.managementEvent = false;
      rec.eventCategory = 'Data';
      rec.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host };
      story.emit(t, acct.id, bucket.region, rec);
    }
    story.noise(day, Math.max(0, count - n - management));
  };
}
