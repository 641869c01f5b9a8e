import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse/index.js';
import { useNativeReader } from '../src/parse/native.js';
import { DataEvents, MAX_GROUPS, OTHER_ACTORS } from '../src/store/data-events.js';
import { keepRule } from '../src/store/keep.js';
import type { DataEventGroup } from '../src/model/types.js';
import { readReport, removeTempDirs, runCli, tempDir } from './helpers/cli.js';
import { cloudTrailEvent } from './helpers/records.js';

afterAll(removeTempDirs);

const ACCOUNT = '111111111111';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/etl`;
const Q3 = { startMs: Date.UTC(2026, 6, 1), endMs: Date.UTC(2026, 9, 1), from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' };

/** An S3 data event as CloudTrail delivers it (managementEvent false, eventCategory Data). */
function s3Data(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const session = `session-${i % 7}`;
  return cloudTrailEvent({
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/etl/${session}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIA${i}`,
      sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: ROLE, accountId: ACCOUNT, userName: 'etl' }, attributes: { creationDate: '2026-07-02T09:00:00Z', mfaAuthenticated: 'false' } },
    },
    eventTime: `2026-07-02T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 's3.amazonaws.com',
    eventName: i % 2 === 0 ? 'GetObject' : 'PutObject',
    readOnly: i % 2 === 0,
    requestParameters: { bucketName: 'data-lake', key: `part-${i}.parquet` },
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::data-lake/part-${i}.parquet` }, { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::data-lake' }],
    eventID: `d-${String(i).padStart(4, '0')}`,
    eventType: 'AwsApiCall',
    managementEvent: false,
    eventCategory: 'Data',
    ...overrides,
  });
}

function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [cloudTrailEvent({ eventID: 'm-1' })];
  for (let i = 0; i < 40; i++) out.push(s3Data(i));
  out.push(s3Data(100, { eventName: 'GetObject', readOnly: true, errorCode: 'AccessDenied', errorMessage: 'Access Denied' }));
  out.push(s3Data(101, { userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT }, eventName: 'GetObject', readOnly: true }));
  // Marked only by its category (older records carry no managementEvent).
  out.push(s3Data(102, { managementEvent: undefined, eventName: 'Invoke', eventSource: 'lambda.amazonaws.com', readOnly: false }));
  // Before the period: read and counted, not in the period's groups.
  out.push(s3Data(103, { eventTime: '2026-06-30T23:59:59Z' }));
  return out;
}

function logFile(recs: unknown[]): Buffer {
  return gzipSync(JSON.stringify({ Records: recs }));
}

describe('data events', () => {
  it('are counted by group, never kept, and both readers agree to the byte', () => {
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/07/02/f.json.gz`;
    const file = { path: `/in/${key}`, key, bytes: logFile(records()) };
    const keep = keepRule(Q3, 3_600_000);
    useNativeReader(true);
    const native = parseFile(file, { maxFileBytes: 1 << 24, keep });
    useNativeReader(false);
    const ts = parseFile(file, { maxFileBytes: 1 << 24, keep });
    useNativeReader(true);
    expect(JSON.stringify(native)).toBe(JSON.stringify(ts));
    // Only the management write is built.
    expect(ts.events.map((e) => e.eventId)).toEqual(['m-1']);
    const total = (ts.dataEvents ?? []).reduce((n, g) => n + g.count, 0);
    expect(total).toBe(44);
    expect(ts.dropped?.read).toBe(44);
    // The role's sessions are one actor: its role.
    const gets = ts.dataEvents!.filter((g) => g.eventName === 'GetObject' && g.actor === ROLE && !g.errorCode && g.dayMs === Date.UTC(2026, 6, 2));
    expect(gets).toHaveLength(1);
    expect(gets[0]!.count).toBe(20);
    expect(gets[0]!.samples.map((s) => s[1])).toEqual(['d-0000', 'd-0002', 'd-0004']);
  });

  it('reach report.json as a summary, data-events.csv in full, and the root and unauthorised-call checks', () => {
    const dir = tempDir('data-events');
    const logs = join(dir, 'export', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '07', '02');
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, `${ACCOUNT}_CloudTrail_us-east-1_20260702T1000Z_a.json.gz`), logFile(records()));
    const out = join(dir, 'out');
    const r = runCli(['report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json,csv', '--out', out, '--no-workspace', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const report = readReport(out);
    expect(report.counts.events).toMatchObject({ read: 45, data: 44, kept: 1 });
    expect(report.dataEvents).toMatchObject({ events: 43, failed: 1 });
    const denied = report.dataEvents.top.find((g) => g.errorCode === 'AccessDenied');
    expect(denied).toMatchObject({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', actor: ROLE, count: 1, sampleEventIds: ['d-0100'] });
    expect(report.dataEvents.top.find((g) => g.eventName === 'Invoke')).toMatchObject({ eventSource: 'lambda.amazonaws.com', count: 1 });
    const csv = readFileSync(join(out, 'data-events.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + report.dataEvents.groups);
    const byCheck = (id: string) => report.controls.flatMap((c) => [...c.findings, ...(c.supportingFindings ?? [])]).filter((f) => f.check === id);
    const root = byCheck('activity-root-account-used');
    expect(root.some((f) => f.resourceType === 'AWS::CloudTrail::DataEvents' && f.eventId === 'd-0101')).toBe(true);
    const unauthorised = byCheck('activity-unauthorized-api-calls');
    expect(unauthorised.some((f) => f.resourceType === 'AWS::CloudTrail::DataEvents' && f.eventId === 'd-0100')).toBe(true);
  });

  it('fold their actors past the group limit whatever order the files arrive in', () => {
    const groups: DataEventGroup[] = [];
    for (let i = 0; i <= MAX_GROUPS; i++) {
      groups.push({ dayMs: Q3.startMs, accountId: ACCOUNT, region: 'us-east-1', eventSource: 's3.amazonaws.com', eventName: 'GetObject', actorType: 'IAMUser', actor: `user-${i}`, errorCode: '', count: 1, lastMs: Q3.startMs + i, samples: [[Q3.startMs + i, `e-${i}`]] });
    }
    const forward = new DataEvents(Q3);
    forward.add(groups);
    const backward = new DataEvents(Q3);
    backward.add([...groups].reverse());
    const a = forward.finish();
    expect(a).toEqual(backward.finish());
    expect(a.folded).toBe(true);
    expect(a.groups).toHaveLength(1);
    expect(a.groups[0]).toMatchObject({ actor: OTHER_ACTORS, count: MAX_GROUPS + 1 });
    expect(a.groups[0]!.samples.map((s) => s[1])).toEqual(['e-0', 'e-1', 'e-2']);
  });
});

describe('sessions AWS services issue', () => {
  it('are kept as session records that resolve the actor as the whole event did', async () => {
    const { EvidenceStore } = await import('../src/store/index.js');
    const { buildSessionIndex, resolveActor } = await import('../src/correlate/index.js');
    const role = `arn:aws:iam::${ACCOUNT}:role/app-instance`;
    const issue = cloudTrailEvent({
      eventID: 's-1',
      eventTime: '2026-07-02T09:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      readOnly: true,
      userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
      sourceIPAddress: 'ec2.amazonaws.com',
      userAgent: 'ec2.amazonaws.com',
      requestParameters: { roleArn: role, roleSessionName: 'i-0abc123', durationSeconds: 3600 },
      responseElements: { credentials: { accessKeyId: 'ASIASERVICE1', sessionToken: 'x'.repeat(400), expiration: 'Jul 2, 2026, 3:00:00 PM' }, assumedRoleUser: { assumedRoleId: 'AROAAPP:i-0abc123', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-instance/i-0abc123` } },
      resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: role }],
      eventType: 'AwsApiCall',
    });
    const use = cloudTrailEvent({
      eventID: 'w-1',
      eventTime: '2026-07-02T10:00:00Z',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAAPP:i-0abc123',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-instance/i-0abc123`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIASERVICE1',
        sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAAPP', arn: role, accountId: ACCOUNT, userName: 'app-instance' }, attributes: { creationDate: '2026-07-02T09:00:00Z', mfaAuthenticated: 'false' }, ec2RoleDelivery: '2.0' },
      },
    });
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/07/02/f.json.gz`;
    const parse = () => parseFile({ path: `/in/${key}`, key, bytes: logFile([issue, use]) }, { maxFileBytes: 1 << 24, keep: keepRule(Q3, 3_600_000) });
    const whole = parse().events;
    const store = new EvidenceStore(Q3, { windowMs: 3_600_000 });
    store.addParsed(parse());
    const kept = [...store.finish().events];
    const record = kept.find((e) => e.eventId === 's-1')!;
    expect(record.resources).toBeUndefined();
    expect(record.userAgent).toBeUndefined();
    expect(record.requestParameters).toEqual({ roleArn: role, roleSessionName: 'i-0abc123' });
    expect(record.responseElements).toEqual({ assumedRoleUser: (issue.responseElements as Record<string, unknown>).assumedRoleUser, credentials: { accessKeyId: 'ASIASERVICE1', expiration: 'Jul 2, 2026, 3:00:00 PM' } });
    const before = resolveActor(whole.find((e) => e.eventId === 'w-1')!, buildSessionIndex(whole));
    const after = resolveActor(kept.find((e) => e.eventId === 'w-1')!, buildSessionIndex(kept));
    expect(after).toEqual(before);
    expect(after.chain.length).toBeGreaterThan(1);
  });
});

describe('activity findings', () => {
  it('group the calls of one actor, API, account and region with their count and earliest ids; activity.csv lists every call', () => {
    const dir = tempDir('activity-groups');
    const logs = join(dir, 'export', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '07', '02');
    mkdirSync(logs, { recursive: true });
    const calls = Array.from({ length: 30 }, (_, i) =>
      cloudTrailEvent({ eventID: `sg-${String(i).padStart(2, '0')}`, eventTime: `2026-07-02T10:${String(i).padStart(2, '0')}:00Z`, requestParameters: { groupId: `sg-${i}` } }),
    );
    writeFileSync(join(logs, `${ACCOUNT}_CloudTrail_us-east-1_20260702T1000Z_a.json.gz`), logFile(calls));
    const out = join(dir, 'out');
    const r = runCli(['report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json,csv', '--out', out, '--no-workspace', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const report = readReport(out);
    const sg = report.controls.flatMap((c) => [...c.findings, ...(c.supportingFindings ?? [])]).filter((f) => f.check === 'activity-security-group-changes');
    expect(sg.length).toBeGreaterThan(0);
    for (const f of sg) {
      expect(f).toMatchObject({ count: 30, resourceId: 'sg-00', time: '2026-07-02T10:00:00.000Z', lastTime: '2026-07-02T10:29:00.000Z', sampleEventIds: ['sg-00', 'sg-01', 'sg-02'] });
      expect(f.detail).toContain('30 calls ec2:AuthorizeSecurityGroupIngress');
    }
    const rows = readFileSync(join(out, 'activity.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(31);
    expect(rows.filter((l) => l.includes(',sg-')).length).toBe(30);
  });
});

describe('failed calls', () => {
  it('report.json lists the first 1,000 with their total; the document says so; activity.csv lists every one', () => {
    const dir = tempDir('failed-cap');
    const logs = join(dir, 'export', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '07', '02');
    mkdirSync(logs, { recursive: true });
    const denied = Array.from({ length: 1_200 }, (_, i) =>
      cloudTrailEvent({ eventID: `x-${String(i).padStart(4, '0')}`, eventTime: `2026-07-02T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`, errorCode: 'AccessDenied', errorMessage: 'denied' }),
    );
    writeFileSync(join(logs, `${ACCOUNT}_CloudTrail_us-east-1_20260702T1000Z_a.json.gz`), logFile(denied));
    const out = join(dir, 'out');
    const r = runCli(['report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json,csv,html', '--out', out, '--no-workspace', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const report = readReport(out);
    expect(report.failedCallsTotal).toBe(1_200);
    expect(report.failedCalls).toHaveLength(1_000);
    expect(report.failedCalls[0]!.eventId).toBe('x-0000');
    expect(report.failedCalls.at(-1)!.eventId).toBe('x-0999');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('The document lists the first 1,000 of 1,200 failed calls');
    const rows = readFileSync(join(out, 'activity.csv'), 'utf8').trim().split('\n');
    expect(rows.filter((l) => l.includes(',AccessDenied,'))).toHaveLength(1_200);
  });
});

describe('data events in the workspace', () => {
  it("are saved merged by day across files, and a replay's report equals the first run's", () => {
    const dir = tempDir('data-ws');
    const logs = join(dir, 'export', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '07', '02');
    mkdirSync(logs, { recursive: true });
    // Three files of the same day and groups: their groups are one line each in the saved ingest.
    for (const part of ['a', 'b', 'c']) writeFileSync(join(logs, `${ACCOUNT}_CloudTrail_us-east-1_20260702T1000Z_${part}.json.gz`), logFile(records().map((r) => ({ ...r, eventID: `${String(r.eventID)}-${part}` }))));
    const ws = join(dir, 'ws');
    const run = (out: string) => runCli(['report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json', '--out', join(dir, out), '--workspace', ws, '--json']);
    const first = run('one');
    expect(first.status, first.stderr).toBe(0);
    const second = run('two');
    expect(JSON.parse(second.stdout).workspace.replayed).toBe(true);
    const strip = (out: string) => JSON.stringify({ ...readReport(join(dir, out)), invocation: null });
    expect(strip('two')).toBe(strip('one'));
    const report = readReport(join(dir, 'one'));
    expect(report.dataEvents.events).toBe(3 * 43);
    const runs = join(ws, 'runs');
    const saved = readFileSync(join(runs, readdirSync(runs)[0]!, 'data-events.ndjson'), 'utf8').trim().split('\n');
    // Every day and group once: the period's groups and the day before the period's.
    expect(saved).toHaveLength(report.dataEvents.groups + 1);
  });
});
