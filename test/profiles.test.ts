import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { generateExport, type GroundTruth } from '../samples/generator.js';
import type { ProfileCounts } from '../samples/profiles.js';
import { runCli, tempDir } from './helpers/cli.js';
import { treeHash, walk } from './helpers/tree.js';

type Rec = Record<string, unknown> & { userIdentity: Record<string, unknown>; eventTime: string; eventName: string };

function records(dir: string): Rec[] {
  return walk(join(dir, 'export'))
    .filter((f) => f.includes('/CloudTrail/'))
    .flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: Rec[] }).Records);
}

/** The counts a profile's ground truth must hold, recomputed from the records as written. */
function countsOf(recs: Rec[]): Omit<ProfileCounts, 'roleSessions'> {
  const data = recs.filter((r) => r.managementEvent === false);
  return {
    managementEvents: recs.length - data.length,
    dataEvents: data.length,
    failedDataEvents: data.filter((r) => r.errorCode !== undefined).length,
    writes: recs.filter((r) => r.readOnly === false && r.errorCode === undefined && r.eventType === 'AwsApiCall').length,
    serviceAssumeRoles: recs.filter((r) => r.eventName === 'AssumeRole' && r.userIdentity.type === 'AWSService').length,
  };
}

const opts = { from: '2026-07-01', to: '2026-07-10', accounts: 2, regions: ['us-east-1', 'eu-west-1'], targetEvents: 21_000 };
const gen: Record<'automation' | 'data-events', { dir: string; truth: GroundTruth; recs: Rec[] }> = {} as never;

beforeAll(async () => {
  for (const profile of ['automation', 'data-events'] as const) {
    const dir = tempDir(`gen-${profile}`);
    const truth = await generateExport({ ...opts, seed: 5, outDir: dir, profile });
    gen[profile] = { dir, truth, recs: records(dir) };
  }
}, 120_000);

describe('generator profiles', () => {
  it('the default profile draws nothing: the same files and ground truth as a generation without the option', async () => {
    const a = tempDir('gen-plain');
    const b = tempDir('gen-default');
    const small = { ...opts, to: '2026-07-03', targetEvents: 2000, seed: 9 };
    const plain = await generateExport({ ...small, outDir: a });
    const named = await generateExport({ ...small, outDir: b, profile: 'default' });
    expect(treeHash(join(b, 'export'))).toBe(treeHash(join(a, 'export')));
    expect(readFileSync(join(b, 'ground-truth.json'), 'utf8')).toBe(readFileSync(join(a, 'ground-truth.json'), 'utf8'));
    expect(named.profile).toBeUndefined();
    expect(plain.counts).toBeUndefined();
  });

  it('ground truth names each profile and counts its records by category as written; --events stays the total', () => {
    for (const [profile, { truth, recs }] of Object.entries(gen)) {
      expect(truth.profile).toBe(profile);
      expect(recs.length).toBe(truth.events);
      expect(Math.abs(truth.events - opts.targetEvents) / opts.targetEvents, profile).toBeLessThan(0.02);
      const { roleSessions, ...counts } = truth.counts!;
      expect(counts).toEqual(countsOf(recs));
      expect(roleSessions).toBeGreaterThan(0);
    }
  });

  it('automation: about 12% of records are successful writes, nearly all by automation role sessions, across many sessions', () => {
    const { truth, recs } = gen.automation;
    expect(truth.counts!.writes / truth.events).toBeGreaterThan(0.115);
    expect(truth.counts!.writes / truth.events).toBeLessThan(0.135);
    const writes = recs.filter((r) => r.readOnly === false && r.errorCode === undefined && r.eventType === 'AwsApiCall');
    const bySession = writes.filter((r) => r.userIdentity.type === 'AssumedRole' && (r.userIdentity.sessionContext as { sessionIssuer?: { type?: string } } | undefined)?.sessionIssuer?.type === 'Role');
    expect(bySession.length / writes.length).toBeGreaterThan(0.9);
    const roles = new Set(bySession.map((r) => (r.userIdentity.sessionContext as { sessionIssuer: { userName: string } }).sessionIssuer.userName));
    for (const role of ['github-deploy', 'terraform-apply']) expect(roles).toContain(role);
    expect([...roles].some((r) => /^\w+-handler-role-[0-9a-f]{8}$/.test(r))).toBe(true);
    const sessions = new Set(recs.filter((r) => r.userIdentity.type === 'AssumedRole').map((r) => r.userIdentity.arn));
    expect(sessions.size).toBeGreaterThan(100);
    // Some writes are denied, with the message AWS writes for a session.
    const denied = recs.filter((r) => r.readOnly === false && r.errorCode === 'AccessDenied' && r.userIdentity.type === 'AssumedRole');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((r) => (r.errorMessage as string).startsWith(`User: ${r.userIdentity.arn as string} is not authorized to perform: `))).toBe(true);
  });

  it('automation: AWS services call AssumeRole at each credential refresh, in the shape AWS writes it', () => {
    const { truth, recs } = gen.automation;
    const calls = recs.filter((r) => r.eventName === 'AssumeRole' && r.userIdentity.type === 'AWSService');
    expect(calls.length / truth.events).toBeGreaterThan(0.05);
    const services = new Set<string>();
    for (const r of calls) {
      const by = r.userIdentity.invokedBy as string;
      services.add(by);
      expect(r.userIdentity).toEqual({ type: 'AWSService', invokedBy: by });
      expect([r.sourceIPAddress, r.userAgent]).toEqual([by, by]);
      const req = r.requestParameters as { roleArn: string; roleSessionName: string };
      expect(req.roleSessionName).toMatch(by === 'ec2.amazonaws.com' ? /^i-[0-9a-f]{17}$/ : /^\w+-handler$/);
      expect(r.resources).toEqual([{ accountId: r.recipientAccountId, type: 'AWS::IAM::Role', ARN: req.roleArn }]);
      expect((r.responseElements as { credentials: { accessKeyId: string; expiration: string } }).credentials.expiration).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/);
      expect(r.sharedEventID).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect([...services].sort()).toEqual(['ec2.amazonaws.com', 'lambda.amazonaws.com']);
  });

  it('every role session a profile uses was issued by a recorded call before its first use', () => {
    for (const [profile, { recs }] of Object.entries(gen)) {
      const issued = new Map<string, string>();
      for (const r of recs) {
        const key = (r.responseElements as { credentials?: { accessKeyId?: string } } | null)?.credentials?.accessKeyId;
        if (key && r.errorCode === undefined) issued.set(key, r.eventTime);
      }
      // The story's Auto Scaling service-linked sessions are not issued by a recorded call (AWS logs none).
      const used = recs.filter((r) => r.userIdentity.type === 'AssumedRole' && !(r.userIdentity.arn as string).includes('/AWSServiceRoleForAutoScaling/'));
      expect(used.length, profile).toBeGreaterThan(100);
      const orphans = used.filter((r) => !(issued.get(r.userIdentity.accessKeyId as string)! <= r.eventTime));
      expect(orphans.map((r) => `${r.eventName} ${r.userIdentity.arn as string} ${r.eventTime}`), profile).toEqual([]);
    }
  });

  it('data-events: twenty S3 data events to each management event, in the shape CloudTrail writes them, some denied', () => {
    const { truth, recs } = gen['data-events'];
    expect(truth.counts!.dataEvents / truth.events).toBeGreaterThan(0.945);
    expect(truth.counts!.dataEvents / truth.events).toBeLessThan(0.96);
    const data = recs.filter((r) => r.managementEvent === false);
    const readOnly: Record<string, boolean> = { GetObject: true, HeadObject: true, PutObject: false, DeleteObject: false };
    for (const r of data) {
      expect(r.eventCategory).toBe('Data');
      expect(r.eventSource).toBe('s3.amazonaws.com');
      expect(r.readOnly).toBe(readOnly[r.eventName]);
      const req = r.requestParameters as { bucketName: string; key: string; Host: string };
      expect(req.Host).toBe(`${req.bucketName}.s3.${r.awsRegion as string}.amazonaws.com`);
      expect(r.resources).toEqual([
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${req.bucketName}/${req.key}` },
        { accountId: r.recipientAccountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${req.bucketName}` },
      ]);
      expect(Object.keys(r.additionalEventData as object)).toEqual(expect.arrayContaining(['SignatureVersion', 'CipherSuite', 'bytesTransferredIn', 'AuthenticationMethod', 'x-amz-id-2', 'bytesTransferredOut']));
      expect((r.tlsDetails as { clientProvidedHostHeader: string }).clientProvidedHostHeader).toBe(req.Host);
      if (r.errorCode !== undefined) expect([r.errorCode, r.errorMessage, r.responseElements]).toEqual(['AccessDenied', 'Access Denied', null]);
    }
    expect(new Set(data.map((r) => r.eventName))).toEqual(new Set(Object.keys(readOnly)));
    const failed = truth.counts!.failedDataEvents / truth.counts!.dataEvents;
    expect(failed).toBeGreaterThan(0.005);
    expect(failed).toBeLessThan(0.03);
    // Writers include role sessions, IAM users and AWS services delivering logs.
    expect(new Set(data.map((r) => r.userIdentity.type))).toEqual(new Set(['AssumedRole', 'IAMUser', 'AWSService']));
  });

  it('a report over each profile reads every record and attributes every change to the call and origin that made it', () => {
    for (const [profile, { dir, truth }] of Object.entries(gen)) {
      const out = tempDir(`rep-${profile}`);
      const r = runCli(['report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json', '--out', out, '--quiet', '--no-workspace']);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      const { files, records: rc, events } = report.counts as unknown as { files: Record<string, number>; records: Record<string, number>; events: { read: number } };
      expect(events.read).toBe(truth.events);
      expect(files.read).toBe(files.used! + files.rejected! + files.skipped!);
      expect(rc.read).toBe(rc.used! + rc.rejected!);
      const changes = new Map(report.changes.map((c) => [`${c.resourceId}|${c.captureTime}`, c]));
      const wrong = truth.changes.filter((t) => {
        const c = changes.get(`${t.resourceId}|${t.captureTime}`);
        return !c || c.attribution.eventId !== t.eventId || c.actor?.origin !== t.origin;
      });
      expect(truth.changes.length).toBeGreaterThan(5);
      expect(wrong.map((t) => `${t.eventName} ${t.resourceId}`), profile).toEqual([]);
    }
  });
});
