import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParsedFile } from '../src/model/types.js';
import { LISTED_PER_FILE, parseFile } from '../src/parse/index.js';
import { ELASTIC_DATA as ELASTIC, noElasticData } from './helpers/cli.js';
import { cloudTrailEvent as event } from './helpers/records.js';

const MB = 1 << 20;

function parse(key: string, content: string | Buffer, maxFileBytes = 16 * MB): ParsedFile {
  return parseFile({ path: `/in/${key}`, key, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content) }, { maxFileBytes });
}

function deliveredItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    relatedEvents: [],
    relationships: [],
    configuration: { groupId: 'sg-1', ipPermissions: [] },
    supplementaryConfiguration: {},
    tags: { Owner: 'ops' },
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2026-07-02T10:03:12.345Z',
    configurationStateId: 1751450592345,
    awsAccountId: '111111111111',
    configurationItemStatus: 'OK',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-1',
    resourceName: 'web',
    ARN: 'arn:aws:ec2:us-east-1:111111111111:security-group/sg-1',
    awsRegion: 'us-east-1',
    availabilityZone: 'Not Applicable',
    configurationStateMd5Hash: '',
    ...overrides,
  };
}

describe.skipIf(noElasticData)('real CloudTrail samples (elastic/integrations)', () => {
  const files = noElasticData ? [] : readdirSync(ELASTIC).sort();
  const parsed = new Map(files.map((f) => [f, parse(f, readFileSync(join(ELASTIC, f)))]));

  it('loads every sample file without rejections', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const [name, p] of parsed) {
      expect(p.rejected, name).toEqual([]);
      expect(p.skipped, name).toBeUndefined();
    }
  });

  it('reads the SSO session AssumeRole with the issued access key', () => {
    const p = parsed.get('test-assume-role-email-session-json.log')!;
    expect(p.input.kind).toBe('cloudtrail-ndjson');
    const ev = p.events.find((e) => e.eventName === 'AssumeRole')!;
    expect(ev.userIdentity.type).toBe('AssumedRole');
    expect(ev.userIdentity.sessionContext?.sessionIssuer?.userName).toMatch(/^AWSReservedSSO_/);
    expect(JSON.stringify(ev.responseElements)).toContain('ASIAWHOJDLGPOEXAMPLE');
  });

  it('reads the AWS service identity', () => {
    const ev = parsed.get('test-assume-role-aws-service-json.log')!.events[0]!;
    expect(ev.userIdentity.type).toBe('AWSService');
    expect(ev.userIdentity.invokedBy).toBe('ec2.amazonaws.com');
  });

  it('reads AuthorizeSecurityGroupIngress with its group id', () => {
    const ev = parsed.get('test-authorize-security-group-ingress-json.log')!.events[0]!;
    expect(ev.eventName).toBe('AuthorizeSecurityGroupIngress');
    expect((ev.requestParameters as { groupId?: string }).groupId).toMatch(/^sg-/);
  });

  it('reads three ConsoleLogin events, keeping the non-ISO creationDate as recorded', () => {
    const p = parsed.get('test-console-login-json.log')!;
    expect(p.events.filter((e) => e.eventName === 'ConsoleLogin')).toHaveLength(3);
    expect(p.input.records).toBe(3);
    const dates = p.events.map((e) => e.userIdentity.sessionContext?.attributes?.creationDate).filter(Boolean);
    expect(dates).toContain('20131102T010628Z');
  });

  it('reads the digest body as a CloudTrail digest', () => {
    const p = parsed.get('test-cloudtrail-digest-json.log')!;
    expect(p.input.kind).toBe('cloudtrail-digest');
    expect(p.digest?.logFiles.length).toBe(p.input.records);
    expect(p.digest!.logFiles.length).toBeGreaterThan(0);
    for (const f of p.digest!.logFiles) expect(f.hashValue).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the same records wrapped as a delivered, gzipped log file', () => {
    const lines = readFileSync(join(ELASTIC, 'test-console-login-json.log'), 'utf8').split('\n').filter(Boolean);
    const body = `{"Records":[${lines.join(',')}]}`;
    const p = parse('AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/x.json.gz', gzipSync(body));
    expect(p.input.kind).toBe('cloudtrail-log');
    expect(p.events.map((e) => e.eventName)).toEqual(['ConsoleLogin', 'ConsoleLogin', 'ConsoleLogin']);
    expect(p.input.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('CloudTrail formats', () => {
  it('reads lookup-events output (CloudTrailEvent as a JSON string)', () => {
    const doc = { Events: [{ EventId: 'e-1', EventName: 'AuthorizeSecurityGroupIngress', CloudTrailEvent: JSON.stringify(event()) }], NextToken: 'x' };
    const p = parse('lookup.json', JSON.stringify(doc));
    expect(p.input.kind).toBe('cloudtrail-lookup');
    expect(p.events[0]).toMatchObject({ eventId: 'e-1', accountId: '111111111111', readOnly: false, eventTimeMs: Date.parse('2026-07-02T10:00:00Z') });
  });

  it('falls back to userIdentity.accountId when recipientAccountId is absent', () => {
    const p = parse('a.json', JSON.stringify({ Records: [event({ recipientAccountId: undefined })] }));
    expect(p.events[0]!.accountId).toBe('111111111111');
  });
});

describe('AWS Config formats', () => {
  it('reads a snapshot and a history file', () => {
    const snap = parse('snap.json', JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'abc', configurationItems: [deliveredItem()] }));
    expect(snap.input.kind).toBe('config-snapshot');
    expect(snap.items[0]).toMatchObject({ origin: 'snapshot', resourceId: 'sg-1', accountId: '111111111111', stateId: '1751450592345', tags: { Owner: 'ops' } });
    const hist = parse('hist.json.gz', gzipSync(JSON.stringify({ fileVersion: '1.0', configurationItems: [deliveredItem(), deliveredItem({ resourceId: 'sg-2' })] })));
    expect(hist.input.kind).toBe('config-history');
    expect(hist.items.map((i) => i.resourceId)).toEqual(['sg-1', 'sg-2']);
    expect(hist.items[0]!.captureTime).toBe('2026-07-02T10:03:12.345Z');
  });

  it('reads change notifications, also inside an SNS envelope, and oversized ones without a body', () => {
    const note = { messageType: 'ConfigurationItemChangeNotification', configurationItem: deliveredItem(), configurationItemDiff: { changeType: 'UPDATE' } };
    const p = parse('n.json', JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: JSON.stringify(note) }));
    expect(p.input.kind).toBe('config-notification');
    expect(p.items[0]!.origin).toBe('notification');
    const big = parse('o.json', JSON.stringify({ messageType: 'OversizedConfigurationItemChangeNotification', configurationItemSummary: deliveredItem({ configuration: undefined }) }));
    expect(big.items[0]).toMatchObject({ oversized: true, configuration: null, resourceId: 'sg-1' });
    const other = parse('c.json', JSON.stringify({ messageType: 'ConfigurationSnapshotDeliveryCompleted' }));
    expect(other.skipped?.reason).toMatch(/ConfigurationSnapshotDeliveryCompleted/);
  });

  it('normalises get-resource-config-history output (epoch seconds, JSON-string configuration)', () => {
    const apiItem = {
      version: '1.3',
      accountId: '222222222222',
      configurationItemCaptureTime: 1539799966.921,
      configurationItemStatus: 'OK',
      configurationStateId: '1539799966921',
      arn: 'arn:aws:s3:::my-bucket',
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'my-bucket',
      resourceName: 'my-bucket',
      awsRegion: 'eu-west-1',
      resourceCreationTime: 1500000000,
      tags: {},
      relatedEvents: [],
      relationships: [],
      configuration: '{"name":"my-bucket","owner":{"id":"x"}}',
      supplementaryConfiguration: { BucketVersioningConfiguration: '{"status":"Enabled"}', Broken: '{not json' },
    };
    const p = parse('hist-api.json', JSON.stringify({ configurationItems: [apiItem], nextToken: 'x' }));
    expect(p.input.kind).toBe('config-api-history');
    expect(p.items[0]).toMatchObject({
      origin: 'api',
      accountId: '222222222222',
      arn: 'arn:aws:s3:::my-bucket',
      captureTime: '2018-10-17T18:12:46.921Z',
      configuration: { name: 'my-bucket', owner: { id: 'x' } },
      supplementaryConfiguration: { BucketVersioningConfiguration: { status: 'Enabled' }, Broken: '{not json' },
      resourceCreationTime: '2017-07-14T02:40:00.000Z',
    });
    const batch = parse('batch.json', JSON.stringify({ baseConfigurationItems: [apiItem], unprocessedResourceKeys: [] }));
    expect(batch.input.kind).toBe('config-api-batch');
    expect(batch.items[0]!.captureTime).toBe('2018-10-17T18:12:46.921Z');
  });

  it('keeps AWS::Config::ResourceCompliance items (Config rule results)', () => {
    const rc = deliveredItem({
      resourceType: 'AWS::Config::ResourceCompliance',
      resourceId: 'AWS::S3::Bucket/my-bucket',
      configuration: { complianceType: 'NON_COMPLIANT', configRuleList: [{ configRuleName: 's3-bucket-versioning-enabled', complianceType: 'NON_COMPLIANT' }] },
    });
    const p = parse('h.json', JSON.stringify({ fileVersion: '1.0', configurationItems: [rc] }));
    expect(p.items[0]!.resourceType).toBe('AWS::Config::ResourceCompliance');
  });
});

describe('bad input', () => {
  const good = JSON.stringify({ Records: [event()] });

  it('rejects: truncated gzip', () => {
    const gz = gzipSync(good);
    const p = parse('t.json.gz', gz.subarray(0, gz.length - 10));
    expect(p.rejected).toEqual([{ path: '/in/t.json.gz', reason: expect.stringMatching(/^corrupt gzip: /) as unknown }]);
    expect(p.events).toEqual([]);
    expect(p.input.records).toBe(0);
  });

  it('rejects: gzip bomb beyond the decompressed size limit', () => {
    const bomb = gzipSync(Buffer.alloc(50 * MB));
    expect(bomb.length).toBeLessThan(MB);
    const p = parse('bomb.json.gz', bomb, MB);
    expect(p.rejected[0]!.reason).toMatch(/decompressed size exceeds the 1048576-byte limit/);
  });

  it('rejects: invalid and truncated JSON with the parser message', () => {
    expect(parse('a.json', '{"Records": [}').rejected[0]!.reason).toMatch(/^invalid JSON: /);
    expect(parse('b.json', good.slice(0, good.length - 5)).rejected[0]!.reason).toMatch(/^invalid JSON: /);
  });

  it('rejects: records of the wrong shape, keeping the others (records = used + rejected)', () => {
    const doc = { Records: [event(), 42, event({ eventID: 'e-2', awsRegion: undefined }), event({ eventID: 'e-3', eventTime: 'yesterday' }), event({ eventID: 'e-4', userIdentity: 'x' })] };
    const p = parse('w.json', JSON.stringify(doc));
    expect(p.events.map((e) => e.eventId)).toEqual(['e-1']);
    expect(p.rejected.map((r) => [r.record, r.reason])).toEqual([
      [1, 'record is number, not a CloudTrail event object'],
      [2, 'CloudTrail record has no awsRegion'],
      [3, 'CloudTrail record has no valid eventTime ("yesterday")'],
      [4, 'CloudTrail record has a userIdentity that is not an object'],
    ]);
    expect(p.input.records).toBe(p.events.length + p.input.rejected);
  });

  it('lists a file\'s first LISTED_PER_FILE bad records one by one, and the rest a line per reason with their number', () => {
    const n = LISTED_PER_FILE + 2_500;
    // Bad records of two kinds, alternating, around one good record.
    const records: unknown[] = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 7 : 'x'));
    records.splice(3, 0, event());
    const p = parse('flood.json', JSON.stringify({ Records: records }));
    expect(p.events).toHaveLength(1);
    expect(p.input.records).toBe(n + 1);
    expect(p.input.rejected).toBe(n);
    expect(p.rejected).toHaveLength(LISTED_PER_FILE + 2);
    expect(p.rejected.slice(0, 4).map((r) => r.record)).toEqual([0, 1, 2, 4]);
    // Listed records 0..10000 (the good one at 3 aside): the rest start at 10001.
    expect(p.rejected.slice(-2)).toEqual([
      { path: '/in/flood.json', record: 10_001, reason: 'record is number, not a CloudTrail event object (and 1,249 more records for this reason, up to #12499, not listed one by one)' },
      { path: '/in/flood.json', record: 10_002, reason: 'record is string, not a CloudTrail event object (and 1,249 more records for this reason, up to #12500, not listed one by one)' },
    ]);
  });

  it('summarises at most a hundred reasons of a file apart, and the records of any other together', () => {
    // Every broken line has a reason of its own (it names the line).
    const lines = [JSON.stringify(event()), ...Array.from({ length: LISTED_PER_FILE + 300 }, () => '{broken')];
    const p = parse('lines.log', lines.join('\n'));
    expect(p.input.rejected).toBe(LISTED_PER_FILE + 300);
    expect(p.rejected).toHaveLength(LISTED_PER_FILE + 100 + 1);
    const other = p.rejected.at(-1)!;
    expect(other.record).toBe(LISTED_PER_FILE + 101);
    expect(other.reason).toMatch(/^invalid JSON on line 10102: .* \(and 199 more records for other reasons, up to #10300, not listed one by one\)$/);
  });

  it('rejects: configuration items without identity, keeping the others', () => {
    const doc = { fileVersion: '1.0', configurationItems: [deliveredItem(), deliveredItem({ resourceId: '' }), deliveredItem({ configurationItemCaptureTime: 'soon' })] };
    const p = parse('h.json', JSON.stringify(doc));
    expect(p.items).toHaveLength(1);
    expect(p.rejected.map((r) => r.record)).toEqual([1, 2]);
  });

  it('rejects NDJSON lines that are not JSON, keeping the rest', () => {
    const p = parse('x.log', `${JSON.stringify(event())}\n{broken\n${JSON.stringify(event({ eventID: 'e-2' }))}\n`);
    expect(p.input.kind).toBe('cloudtrail-ndjson');
    expect(p.events.map((e) => e.eventId)).toEqual(['e-1', 'e-2']);
    expect(p.rejected).toEqual([{ path: '/in/x.log', record: 1, reason: expect.stringMatching(/^invalid JSON on line 2/) as unknown }]);
  });

  it('skips: unknown JSON, text and binary files; rejects binary where JSON is expected', () => {
    expect(parse('x.json', '{"hello":"world"}').skipped?.reason).toMatch(/not a CloudTrail or AWS Config file: JSON object with keys hello/);
    expect(parse('README.txt', 'Exported by ops').skipped?.reason).toMatch(/not JSON/);
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9f, 0xc3, 0x28]);
    expect(parse('junk.bin', junk).skipped?.reason).toMatch(/binary/);
    expect(parse('AWSLogs/1/CloudTrail/x.json', junk).rejected[0]!.reason).toMatch(/not UTF-8/);
  });

  it('never lets a __proto__ key reach an object prototype', () => {
    const p = parse('p.json', `{"fileVersion":"1.0","configurationItems":[${JSON.stringify(deliveredItem()).replace('"tags":{"Owner":"ops"}', '"tags":{"__proto__":{"polluted":"yes"}}')}]}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(p.items).toHaveLength(1);
  });
});

describe('IAM credential report', () => {
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    '<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2026-07-01T00:00:00+00:00,not_supported,not_supported,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'alice,arn:aws:iam::111111111111:user/alice,2021-01-01T00:00:00+00:00,true,2026-07-02T00:00:00+00:00,2021-01-01T00:00:00+00:00,N/A,true,true,2021-01-01T00:00:00+00:00,2026-07-02T00:00:00+00:00,us-east-1,ec2,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'broken,not-an-arn',
  ].join('\n');

  it('reads the CSV, one row per user, rejecting rows without an IAM ARN', () => {
    const p = parse('credential-report.csv', csv);
    expect(p.input.kind).toBe('iam-credential-report');
    expect(p.credentialReport?.accountId).toBe('111111111111');
    expect(p.credentialReport?.rows.map((r) => r.user)).toEqual(['<root_account>', 'alice']);
    expect(p.credentialReport?.rows[0]!.access_key_1_active).toBe('true');
    expect(p.rejected).toEqual([{ path: '/in/credential-report.csv', record: 2, reason: 'credential report row has no user or no IAM ARN' }]);
    expect(p.input.records).toBe(3);
  });

  it('reads the get-credential-report JSON envelope with its generation time', () => {
    const p = parse('cr.json', JSON.stringify({ Content: Buffer.from(csv).toString('base64'), ReportFormat: 'text/csv', GeneratedTime: '2026-09-30T12:00:00Z' }));
    expect(p.credentialReport?.generatedTime).toBe('2026-09-30T12:00:00Z');
    expect(p.credentialReport?.rows).toHaveLength(2);
  });
});

describe('JSON lines of another kind', () => {
  it('skips them instead of rejecting every line', () => {
    const p = parse('.configtrail-pull.jsonl', '{"key":"a","size":1,"etag":"x","sha256":"y"}\n{"key":"b","size":2,"etag":"x","sha256":"y"}\n');
    expect(p.skipped?.reason).toBe('not a CloudTrail or AWS Config file: JSON lines with keys key, size, etag, sha256');
    expect(p.rejected).toEqual([]);
  });
});

describe('timestamps', () => {
  it('reads CloudTrail times as Date.parse does, day by day from a cache, and refuses what is not a time', async () => {
    const { parseTime } = await import('../src/parse/values.js');
    for (const t of ['2026-07-03T10:15:42Z', '2026-02-28T23:59:59Z', '2024-02-29T00:00:00Z', '1999-12-31T23:59:59Z', '2026-07-03T10:15:42Z']) expect(parseTime(t)).toBe(Date.parse(t));
    for (const t of ['2026-07-03T10:60:00Z', '2026-07-0xT10:15:42Z', '2026-07-03T10:15:4xZ']) expect(parseTime(t)).toBeUndefined();
    expect(parseTime('20131102T010628Z')).toBe(Date.UTC(2013, 10, 2, 1, 6, 28));
  });
});
