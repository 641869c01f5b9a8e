import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CloudTrailEvent, ConfigItem, ParsedFile } from '../src/model/types.js';
import { buildReport } from '../src/report/build.js';
import { parseFile } from '../src/parse/index.js';
import { EvidenceStore } from '../src/store/index.js';
import { withEventLines } from '../src/store/event-lines.js';
import { isWrite, keepRule } from '../src/store/keep.js';
import { resolvePeriod } from '../src/util/period.js';
import { NO_COVERAGE, NO_CRITERIA } from './fixtures/report-fixture.js';
import { REAL_DATA } from './helpers/cli.js';

const period = resolvePeriod({ quarter: '2026-Q3' });
const HOUR = 3_600_000;

function item(resourceId: string, time: string, over: Partial<ConfigItem> = {}): ConfigItem {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId,
    captureTime: time,
    captureTimeMs: Date.parse(time),
    status: 'OK',
    configuration: { groupId: resourceId },
    supplementaryConfiguration: {},
    tags: {},
    relationships: [],
    relatedEvents: [],
    origin: 'history',
    source: { path: 'h.json', index: 0 },
    ...over,
  };
}

function event(eventId: string, time: string, over: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  return {
    eventId,
    eventTime: time,
    eventTimeMs: Date.parse(time),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: 'us-east-1',
    accountId: '111122223333',
    readOnly: false,
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    source: { path: 'ct.json', index: 0 },
    ...over,
  };
}

function parsed(path: string, contents: { items?: ConfigItem[]; events?: CloudTrailEvent[]; rejected?: ParsedFile['rejected']; records?: number; skipped?: boolean }): ParsedFile {
  const items = contents.items ?? [];
  const events = contents.events ?? [];
  const rejected = contents.rejected ?? [];
  return {
    input: {
      path,
      sha256: '0'.repeat(64),
      size: 10,
      kind: contents.skipped ? 'unknown' : events.length ? 'cloudtrail-log' : 'config-history',
      records: contents.records ?? items.length + events.length + rejected.filter((r) => r.record !== undefined).length,
      rejected: rejected.filter((r) => r.record !== undefined).length,
    },
    items,
    events,
    rejected,
    skipped: contents.skipped ? { path, reason: 'not a CloudTrail or AWS Config file' } : undefined,
  };
}

describe('store', () => {
  it('keeps only the last item before the period per resource, and every item inside it', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    store.addParsed(
      parsed('h1', {
        items: [
          item('sg-1', '2026-06-01T00:00:00.000Z'),
          item('sg-1', '2026-06-20T00:00:00.000Z'),
          item('sg-1', '2026-07-02T00:00:00.000Z'),
          item('sg-1', '2026-08-02T00:00:00.000Z'),
          item('sg-1', '2026-10-02T00:00:00.000Z'), // after the period
          item('sg-2', '2026-05-01T00:00:00.000Z'),
        ],
      }),
    );
    const ev = store.finish();
    expect(ev.items.map((i) => `${i.resourceId}@${i.captureTime.slice(0, 10)}`)).toEqual([
      'sg-2@2026-05-01',
      'sg-1@2026-06-20',
      'sg-1@2026-07-02',
      'sg-1@2026-08-02',
    ]);
    expect(ev.counts.configurationItems).toEqual({ read: 6, kept: 4 });
  });

  it('keeps writes, failed calls, sign-ins and session-issuing calls; drops read-only successes', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    store.addParsed(
      parsed('ct', {
        events: [
          event('write', '2026-07-10T00:00:00Z'),
          event('read', '2026-07-10T00:00:00Z', { readOnly: true, eventName: 'DescribeSecurityGroups' }),
          event('failed', '2026-07-10T00:00:00Z', { errorCode: 'AccessDenied', readOnly: true }),
          event('login', '2026-07-10T00:00:00Z', { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', readOnly: true }),
          event('sts-early', '2026-06-29T12:00:00Z', { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', readOnly: true }),
          event('sts-too-early', '2026-06-20T00:00:00Z', { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', readOnly: true }),
          event('write-in-window', '2026-06-30T23:30:00Z'),
          event('write-too-early', '2026-06-30T20:00:00Z'),
          event('write-after', '2026-10-01T00:00:00Z'),
        ],
      }),
    );
    const ev = store.finish();
    expect([...ev.events].map((e) => e.eventId).sort()).toEqual(['failed', 'login', 'sts-early', 'write', 'write-in-window'].sort());
    expect(ev.counts.events).toMatchObject({ read: 9, kept: 5, failed: 1, readOnly: 4 });
  });

  it('takes a file whose events a parse worker made into lines as it takes the events themselves: counts, kept events, data events and AWS services\' sessions', () => {
    const events = (): CloudTrailEvent[] => [
      event('write', '2026-07-10T00:00:00Z'),
      event('read', '2026-07-10T00:01:00Z', { readOnly: true, eventName: 'DescribeSecurityGroups' }),
      event('failed', '2026-07-10T00:02:00Z', { errorCode: 'AccessDenied', readOnly: true }),
      event('write-after', '2026-10-01T00:00:00Z'),
      // A data event a SIEM export carried as an event: counted by group, not kept.
      event('object', '2026-07-10T00:03:00Z', { eventSource: 's3.amazonaws.com', eventName: 'PutObject', managementEvent: false, eventCategory: 'Data' }),
      // An instance profile's credential refresh: kept as its session record.
      event('refresh', '2026-07-10T00:04:00Z', {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        readOnly: true,
        userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
        userAgent: 'ec2.amazonaws.com',
        requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/web', roleSessionName: 'i-0abc', durationSeconds: 3600 },
        responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLE', expiration: 'Jul 10, 2026, 6:04:00 AM', sessionToken: 'secret' }, assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/web/i-0abc' } },
      }),
    ];
    const finish = (asLines: boolean) => {
      const store = new EvidenceStore(period, { windowMs: HOUR });
      const file = parsed('ct', { events: events() });
      store.addParsed(asLines ? withEventLines(file, store.keep) : file);
      return store.finish();
    };
    const worker = finish(true);
    const inline = finish(false);
    expect([...worker.events]).toEqual([...inline.events]);
    expect(worker.counts).toEqual(inline.counts);
    expect(worker.dataEvents).toEqual(inline.dataEvents);
    expect([...worker.events].map((e) => e.eventId)).toEqual(['write', 'failed', 'refresh']);
    expect(worker.counts.events).toMatchObject({ read: 6, kept: 3, failed: 1, readOnly: 2, data: 1 });
    const refresh = [...worker.events].find((e) => e.eventId === 'refresh')!;
    expect(refresh.responseElements).toEqual({ assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/web/i-0abc' }, credentials: { accessKeyId: 'ASIAEXAMPLE', expiration: 'Jul 10, 2026, 6:04:00 AM' } });
    expect(refresh.userAgent).toBeUndefined();
  });

  it('keeps an event delivered twice (org trail + account trail) once', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    store.addParsed(parsed('a', { events: [event('same', '2026-07-10T00:00:00Z')] }));
    store.addParsed(parsed('b', { events: [event('same', '2026-07-10T00:00:00Z')] }));
    const { events } = store.finish();
    expect(events.count).toBe(1);
    expect([...events]).toHaveLength(1);
  });

  it('counts reconcile: files read = used + rejected + skipped; records read = used + rejected', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    store.addParsed(parsed('good', { events: [event('e1', '2026-07-10T00:00:00Z')], rejected: [{ path: 'good', record: 1, reason: 'no eventTime' }] }));
    store.addParsed(parsed('corrupt.json.gz', { rejected: [{ path: 'corrupt.json.gz', reason: 'unexpected end of file' }], records: 0 }));
    store.addParsed(parsed('README.txt', { skipped: true, records: 0 }));
    store.addSourceEvent({ type: 'rejected', rejection: { path: 'x.tgz!../evil', reason: 'path escapes the archive root' } });
    const ev = store.finish();
    const f = ev.counts.files;
    expect(f).toEqual({ read: 4, used: 1, rejected: 2, skipped: 1 });
    expect(f.read).toBe(f.used + f.rejected + f.skipped);
    expect(ev.counts.records).toEqual({ read: 2, used: 1, rejected: 1 });
    expect(ev.rejected.map((r) => r.path)).toEqual(['corrupt.json.gz', 'good', 'x.tgz!../evil']);
  });
});

describe('report assembly', () => {
  it('verifies CloudTrail log files against digests: match, mismatch, uncovered, missing', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    const logKey = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/07/10/111122223333_CloudTrail_us-east-1_20260710T0000Z_a.json.gz';
    const badKey = logKey.replace('_a.json', '_b.json');
    // A digest lists the SHA-256 of the log file uncompressed (contentSha256), not of the bytes as stored.
    const log = (key: string, sha: string): ParsedFile => ({
      ...parsed(`/x/${key}`, { events: [] }),
      input: { path: `/x/${key}`, sha256: '0'.repeat(64), size: 1, kind: 'cloudtrail-log', records: 0, rejected: 0 },
      contentSha256: sha,
    });
    store.addParsed(log(logKey, 'a'.repeat(64)));
    store.addParsed(log(badKey, 'b'.repeat(64)));
    store.addParsed(log(logKey.replace('_a.json', '_c.json'), 'c'.repeat(64)));
    store.addParsed({
      ...parsed('digest', {}),
      input: { path: 'digest', sha256: 'd'.repeat(64), size: 1, kind: 'cloudtrail-digest', records: 3, rejected: 0 },
      digest: {
        accountId: '111122223333',
        digestStartTime: '2026-07-10T00:00:00Z',
        digestEndTime: '2026-07-10T01:00:00Z',
        logFiles: [
          { s3Object: logKey, hashValue: 'A'.repeat(64) },
          { s3Object: badKey, hashValue: 'e'.repeat(64) },
          { s3Object: logKey.replace('_a.json', '_gone.json'), hashValue: 'f'.repeat(64) },
        ],
        source: { path: 'digest' },
      },
    });
    const report = buildReport(store.finish(), { changes: [], failedCalls: [], failedCallsTotal: 0 }, { generator: { name: 'configtrail', version: 't' }, generated: { at: '2026-10-01T00:00:00Z', by: 'clock' }, invocation: { argv: [], inputs: [] }, signoff: {}, frameworks: [], controls: [], coverage: NO_COVERAGE, criteria: NO_CRITERIA });
    expect(report.integrity.verified).toBe(1);
    expect(report.integrity.mismatched).toEqual([{ path: `/x/${badKey}`, expected: 'e'.repeat(64), actual: 'b'.repeat(64) }]);
    expect(report.integrity.uncovered).toBe(1);
    expect(report.integrity.missing).toBe(1);
  });

  it('lists AWS Config rule results from the latest ResourceCompliance item of each resource', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    const compliance = (time: string, type: string) =>
      item('AWS::EC2::SecurityGroup/sg-1', time, {
        resourceType: 'AWS::Config::ResourceCompliance',
        configuration: {
          complianceType: type,
          targetResourceId: 'sg-1',
          targetResourceType: 'AWS::EC2::SecurityGroup',
          configRuleList: [{ configRuleName: 'restricted-ssh', complianceType: type }],
        },
      });
    store.addParsed(parsed('c', { items: [compliance('2026-07-01T00:00:00.000Z', 'COMPLIANT'), compliance('2026-08-01T00:00:00.000Z', 'NON_COMPLIANT')] }));
    const report = buildReport(store.finish(), { changes: [], failedCalls: [], failedCallsTotal: 0 }, { generator: { name: 'configtrail', version: 't' }, generated: { at: '2026-10-01T00:00:00Z', by: 'clock' }, invocation: { argv: [], inputs: [] }, signoff: {}, frameworks: [], controls: [], coverage: NO_COVERAGE, criteria: NO_CRITERIA });
    expect(report.configRuleResults).toEqual([
      expect.objectContaining({ ruleName: 'restricted-ssh', resourceId: 'sg-1', complianceType: 'NON_COMPLIANT', captureTime: '2026-08-01T00:00:00.000Z' }),
    ]);
    expect(report.summary.byWeek).toHaveLength(14);
  });
});

describe('events kept as evidence', () => {
  it('drops a duplicate delivery of the same record, but keeps different records that reuse an id', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    const a = event('dup-1', '2026-07-10T10:00:00Z');
    const reused = event('dup-1', '2026-07-10T10:00:00Z', { userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/r/s' } });
    store.addParsed(parsed('org-trail.json', { events: [a] }));
    store.addParsed(parsed('account-trail.json', { events: [{ ...a, source: { path: 'account-trail.json', index: 0 } }, reused] }));
    const ev = store.finish();
    expect([...ev.events].map((e) => e.userIdentity.type)).toEqual(['IAMUser', 'AssumedRole']);
    expect(ev.counts.events).toMatchObject({ read: 3, kept: 2 });
  });

  it('keeps any use of the root user in the period, reads included', () => {
    const store = new EvidenceStore(period, { windowMs: HOUR });
    const rootRead = event('root-read', '2026-07-10T10:00:00Z', { eventName: 'DescribeInstances', readOnly: true, userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } });
    const userRead = event('user-read', '2026-07-10T10:00:00Z', { eventName: 'DescribeInstances', readOnly: true });
    store.addParsed(parsed('ct.json', { events: [rootRead, userRead] }));
    expect([...store.finish().events].map((e) => e.eventId)).toEqual(['root-read']);
  });
});

describe('oversized items', () => {
  it('keeps, as the last state before the period, the whole item over an oversized one of the same time, whatever the order read', () => {
    const at = '2026-06-20T00:00:00.000Z';
    const small = item('sg-1', at, { oversized: true, configuration: null, origin: 'notification', source: { path: 'z-oversized.json', index: 0 } });
    const whole = item('sg-1', at, { origin: 'notification', source: { path: 'a-whole.json', index: 0 } });
    for (const order of [[small, whole], [whole, small]]) {
      const store = new EvidenceStore(period, { windowMs: HOUR });
      for (const i of order) store.addParsed(parsed(i.source.path, { items: [i] }));
      expect(store.finish().items.map((i) => i.source.path)).toEqual(['a-whole.json']);
    }
  });
});

describe('counts of read-only events', () => {
  const real = (rel: string): Record<string, unknown>[] => {
    const doc = JSON.parse(readFileSync(join(REAL_DATA, rel), 'utf8')) as Record<string, unknown>;
    return (doc.Records as Record<string, unknown>[] | undefined) ?? [doc];
  };

  it('counts a call read-only by the rule attribution uses, readOnly or, where absent, its name, whether the store or the parse stage counts it', () => {
    // Real records without a readOnly field: a console sign-in (2019) and a 2014 StartInstances.
    const signIn = real('awsdocs-cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events-00.json')[0]!;
    const start = real('awsdocs-cloudtrail/cloudtrail-log-file-examples-02.json')[0]!;
    // Hand-written, on the 2014 record's documented shape (no readOnly): a Describe, and one that says it writes.
    const describe = { ...start, eventID: 'hand-describe', eventName: 'DescribeInstances' };
    const saysWrite = { ...start, eventID: 'hand-list', eventName: 'ListThings', readOnly: false };
    // In the period (all kept as evidence) and after it (none kept: with the store's rule the parse
    // stage counts them without building them, in both readers alike: test/native.test.ts).
    for (const eventTime of ['2026-07-10T00:00:00Z', '2026-10-02T00:00:00Z']) {
      const records = [signIn, start, describe, saysWrite].map((r) => ({ ...r, eventTime }));
      const file = { path: '/in/t.json.gz', key: 't.json.gz', bytes: gzipSync(JSON.stringify({ Records: records })) };
      for (const keep of [undefined, keepRule(period, HOUR)]) {
        const store = new EvidenceStore(period, { windowMs: HOUR });
        const p = parseFile(file, { maxFileBytes: 1 << 20, ...(keep ? { keep } : {}) });
        store.addParsed(p);
        const what = `${eventTime}, ${keep ? `parse stage given the rule (dropped ${p.dropped?.read ?? 0})` : 'all built'}`;
        expect(store.finish().counts.events, what).toMatchObject({ read: 4, readOnly: 2, failed: 0 });
      }
      // The same events attribution reads as non-writes.
      const built = parseFile(file, { maxFileBytes: 1 << 20 }).events;
      expect(built.filter((e) => !isWrite(e)).map((e) => e.eventName)).toEqual(['ConsoleLogin', 'DescribeInstances']);
    }
  });
});
