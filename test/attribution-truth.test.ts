import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Change, Report } from '../src/model/types.js';
import { generateExport, type GroundTruth, type GroundTruthChange } from '../samples/generator.js';
import { readReport, runCli, tempDir } from './helpers/cli.js';

// The scripted stories of samples/stories.ts (issue #16) happen on the period's last day, beside
// the drawn changes; the report must name each one's causing call and origin as the generator does.
const FROM = '2026-07-01';
const TO = '2026-07-04';

let truth: GroundTruth;
let report: Report;

const key = (c: { accountId: string; region: string; resourceType: string; resourceId: string; captureTime: string }) => [c.accountId, c.region, c.resourceType, c.resourceId, c.captureTime].join('|');

beforeAll(async () => {
  const dir = tempDir('attr-truth');
  truth = await generateExport({ seed: 16, outDir: join(dir, 'gen'), from: FROM, to: TO, accounts: 2, regions: ['us-east-1', 'eu-west-1'], targetEvents: 4000 });
  const out = join(dir, 'out');
  const r = runCli(['report', join(dir, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', out, '--no-workspace', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  report = readReport(out);
});

function reported(t: GroundTruthChange): Change {
  const c = report.changes.find((x) => key(x) === key(t));
  expect(c, key(t)).toBeDefined();
  return c!;
}

/** The ground truth's scripted change of this type (and API), the one the test is about. */
function scripted(resourceType: string, eventName?: string): GroundTruthChange {
  const hits = truth.changes.filter((t) => t.resourceType === resourceType && (eventName === undefined ? t.eventId === undefined : t.eventName === eventName));
  expect(hits, `${resourceType} ${eventName ?? '(no event)'}`).toHaveLength(1);
  return hits[0]!;
}

describe('attribution across resource types and actors, against the generated ground truth', () => {
  it('every change of the period, drawn or scripted, has the ground truth\'s causing event and origin', () => {
    expect(report.changes.map(key).sort()).toEqual(truth.changes.map(key).sort());
    const wrong: string[] = [];
    for (const t of truth.changes) {
      const c = reported(t);
      if (c.attribution.eventId !== t.eventId) wrong.push(`${key(t)}: event ${c.attribution.eventName}/${c.attribution.eventId} != ${t.eventName}/${t.eventId}`);
      if (c.actor?.origin !== t.origin) wrong.push(`${key(t)}: origin ${c.actor?.origin} != ${t.origin}`);
      if (c.actor?.originType !== t.originType) wrong.push(`${key(t)}: originType ${c.actor?.originType} != ${t.originType}`);
    }
    expect(wrong).toEqual([]);
  });

  it('RDS: the change recorded under the DbiResourceId (db-…) is the ModifyDBInstance naming the instance identifier', () => {
    const t = scripted('AWS::RDS::DBInstance', 'ModifyDBInstance');
    expect(t.resourceId).toMatch(/^db-[A-Z0-9]{26}$/);
    const c = reported(t);
    expect(c.resourceName).toMatch(/^app-db-\d$/);
    expect(c.attribution).toMatchObject({ method: 'inferred', eventId: t.eventId, eventSource: 'rds.amazonaws.com' });
    expect(c.summary).toEqual(['changed configuration.backupRetentionPeriod']);
  });

  it('IAM: role and user policies recorded under AROA…/AIDA… in region "global" are the us-east-1 calls naming roleName and userName', () => {
    for (const [type, api, prefix] of [['AWS::IAM::Role', 'PutRolePolicy', 'AROA'], ['AWS::IAM::User', 'PutUserPolicy', 'AIDA']] as const) {
      const t = scripted(type, api);
      expect(t.resourceId.startsWith(prefix)).toBe(true);
      expect(t.region).toBe('global');
      const c = reported(t);
      expect(c.attribution).toMatchObject({ method: 'inferred', eventId: t.eventId, eventName: api });
      expect(c.attribution.reason).toContain(`the name ${c.resourceName}`);
      expect(c.actor).toMatchObject({ origin: t.origin, originType: t.originType, resolved: true });
    }
  });

  it('KMS: a key named by its ARN in the call is the key Config records under its id', () => {
    const t = scripted('AWS::KMS::Key', 'UpdateKeyDescription');
    const c = reported(t);
    expect(c.attribution).toMatchObject({ eventId: t.eventId, confidence: 0.95 });
    expect(c.actor).toMatchObject({ originType: 'WebIdentityUser', origin: t.origin });
  });

  it('Lambda: UpdateFunctionConfiguration20150331v2 is read as UpdateFunctionConfiguration, and CloudFormation\'s call with a user\'s credentials is that user\'s', () => {
    const t = scripted('AWS::Lambda::Function', 'UpdateFunctionConfiguration20150331v2');
    const c = reported(t);
    expect(c.attribution.eventId).toBe(t.eventId);
    expect(c.attribution.reason).toMatch(/^latest successful lambda:UpdateFunctionConfiguration \(logged as UpdateFunctionConfiguration20150331v2\) naming /);
    expect(c.actor).toMatchObject({ origin: t.origin, originType: 'IAMUser', invokedBy: 'cloudformation.amazonaws.com', resolved: true });
    expect(c.actor!.origin).toMatch(/:user\/alice$/);
  });

  it('ELBv2 and an instance profile: the load balancer recorded under its ARN, changed by the EC2 instance and its role, not by ec2.amazonaws.com', () => {
    const t = scripted('AWS::ElasticLoadBalancingV2::LoadBalancer', 'SetSecurityGroups');
    expect(t.resourceId).toMatch(/^arn:aws:elasticloadbalancing:/);
    const c = reported(t);
    expect(c.attribution).toMatchObject({ eventId: t.eventId, eventSource: 'elasticloadbalancing.amazonaws.com' });
    expect(c.actor).toMatchObject({ origin: t.origin, originType: 'EC2Instance', resolved: true });
    expect(c.actor!.origin).toMatch(/^ec2-instance:i-[0-9a-f]{17} \(role app-instance-role\)$/);
    expect(c.actor!.chain.map((s) => [s.type, s.via])).toEqual([
      ['EC2Instance', undefined],
      ['AssumedRole', 'AssumeRole'],
    ]);
  });

  it('a change AWS made with no CloudTrail event (a maintenance upgrade) is method none, no actor, and says so in words', () => {
    const t = scripted('AWS::RDS::DBInstance');
    const c = reported(t);
    expect(c.attribution).toMatchObject({ method: 'none', confidence: 0, candidates: 0 });
    expect(c.attribution.eventId).toBeUndefined();
    expect(c.actor).toBeNull();
    expect(c.attribution.reason).toMatch(new RegExp(`^no CloudTrail event in the input names ${t.resourceId} \\(app-db-\\d\\) as a successful write`));
    expect(c.summary).toEqual(['changed configuration.engineVersion']);
  });
});
