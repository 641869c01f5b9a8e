import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParsedFile } from '../src/model/types.js';
import { parseFile } from '../src/parse/index.js';
import { isoTime, parseTime } from '../src/parse/values.js';
import { findChanges } from '../src/correlate/changes.js';
import { resolvePeriod } from '../src/util/period.js';
import { REAL_DATA } from './helpers/cli.js';
import { cloudTrailEvent } from './helpers/records.js';

/**
 * The shapes users have on disk besides delivered log and Config files, each read from AWS's own
 * samples in test/fixtures/real (SOURCES.md says where each comes from). Where a test reshapes a
 * sample (wraps it, joins several), it says how.
 */

const MB = 1 << 20;

function parseText(key: string, content: string | Buffer): ParsedFile {
  return parseFile({ path: `/in/${key}`, key, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content) }, { maxFileBytes: 16 * MB });
}

const raw = (rel: string): string => readFileSync(join(REAL_DATA, rel), 'utf8');
const json = (rel: string): Record<string, unknown> => JSON.parse(raw(rel)) as Record<string, unknown>;
const parseReal = (rel: string): ParsedFile => parseText(rel, raw(rel));

/** The counts a file must reconcile: every record used or rejected. */
function expectReconciled(p: ParsedFile): void {
  expect(p.input.rejected).toBe(p.rejected.filter((r) => r.record !== undefined).length);
  expect(p.input.records).toBeGreaterThanOrEqual(p.events.length + p.items.length + p.input.rejected);
}

const CT_ENVELOPES = [
  'custodian/cwe/event-cloud-trail-appelb-add-tags.json',
  'custodian/cwe/event-cloud-trail-catalog-put-resource-policy.json',
  'custodian/cwe/event-cloud-trail-catalog-set-encryption.json',
  'custodian/cwe/event-cloud-trail-create-bucket.json',
  'custodian/cwe/event-cloud-trail-create-distribution.json',
  'custodian/cwe/event-cloud-trail-s3.json',
  'custodian/cwe/event-cloud-trail-tag-distribution.json',
  'custodian/cwe/event-cloud-trail-tag-rest-stage.json',
  'custodian/cwe/event-cloud-trail-update-distribution.json',
  'custodian/cwe/event-transit-gateway-delete-vpc-attachment.json',
];
const OTHER_ENVELOPES: [string, string][] = [
  ['custodian/cwe/ec2-duty-event.json', 'GuardDuty Finding'],
  ['custodian/cwe/event-asg-instance-failed.json', 'EC2 Instance Launch Unsuccessful'],
  ['custodian/cwe/event-instance-state.json', 'EC2 Instance State-change Notification'],
  ['custodian/cwe/event-phd-ec2-retire.json', 'AWS Health Event'],
  ['custodian/cwe/event-scheduled.json', 'Scheduled Event'],
  ['custodian/cwe/event-securityhub-insight-2.json', 'Security Hub Insight Results'],
];

describe('EventBridge events (as EventBridge → Firehose → S3 delivers them)', () => {
  it('reads the CloudTrail record in every "AWS API Call via CloudTrail" event as that record', () => {
    for (const rel of CT_ENVELOPES) {
      const p = parseReal(rel);
      const detail = json(rel).detail as Record<string, unknown>;
      expect(p.input.kind, rel).toBe('eventbridge');
      expect(p.skipped, rel).toBeUndefined();
      expect(p.rejected, rel).toEqual([]);
      expect(p.events.map((e) => [e.eventId, e.eventName, e.eventSource]), rel).toEqual([[detail.eventID, detail.eventName, detail.eventSource]]);
    }
  });

  it('takes the envelope\'s account, region and time only where the record lacks them', () => {
    const env = json('custodian/cwe/event-cloud-trail-s3.json');
    const detail = env.detail as Record<string, unknown>;
    // The sample's detail has no recipientAccountId: the envelope's account fills it.
    expect(detail.recipientAccountId).toBeUndefined();
    expect(parseReal('custodian/cwe/event-cloud-trail-s3.json').events[0]).toMatchObject({ accountId: '101010101111', awsRegion: 'us-east-1', eventTime: '2015-11-23T07:45:25.000Z' });
    // Reshaped: the detail without region and time, in an envelope naming other ones.
    const { awsRegion: _r, eventTime: _t, ...bare } = detail;
    const moved = parseText('e.json', JSON.stringify({ ...env, region: 'eu-west-3', time: '2015-11-23T07:45:26Z', account: '999999999999', detail: { ...bare, recipientAccountId: '222222222222' } }));
    expect(moved.events[0]).toMatchObject({ accountId: '222222222222', awsRegion: 'eu-west-3', eventTime: '2015-11-23T07:45:26.000Z' });
    // The detail is left as it was: the record read is a copy.
    expect(detail.recipientAccountId).toBeUndefined();
  });

  it('reads an "AWS Console Sign In via CloudTrail" event as the sign-in it carries', () => {
    // Reshaped: AWS's documented ConsoleLogin record in the envelope EventBridge sends it in.
    const rec = json('awsdocs-cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events-01.json');
    const env = { version: '0', id: 'x', 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin', account: rec.recipientAccountId, time: rec.eventTime, region: rec.awsRegion, resources: [], detail: rec };
    const p = parseText('signin.json', JSON.stringify(env));
    expect(p.input.kind).toBe('eventbridge');
    expect(p.events).toHaveLength(1);
    expect(p.events[0]).toMatchObject({ eventSource: 'signin.amazonaws.com', eventName: rec.eventName, eventId: rec.eventID });
  });

  it('reads the configuration item of a "Config Configuration Item Change" event', () => {
    const p = parseReal('custodian/cwe/sqs-discover.json');
    expect(p.input.kind).toBe('eventbridge');
    expect(p.rejected).toEqual([]);
    expect(p.items).toHaveLength(1);
    expect(p.items[0]).toMatchObject({
      origin: 'notification',
      accountId: '662108712480',
      region: 'us-east-1',
      resourceType: 'AWS::SQS::Queue',
      status: 'ResourceDiscovered',
      captureTime: '2020-10-06T22:39:22.579Z',
    });
  });

  it('skips an event of any other detail-type, naming the detail-type', () => {
    for (const [rel, type] of OTHER_ENVELOPES) {
      const p = parseReal(rel);
      expect(p.skipped?.reason, rel).toBe(`EventBridge event of detail-type "${type}" (not a CloudTrail or AWS Config record)`);
      expect(p.rejected, rel).toEqual([]);
      expect(p.events.length + p.items.length, rel).toBe(0);
    }
  });

  it('reads a stream of events alike concatenated, one per line, or as an array, counting the others without rejecting them', () => {
    // Reshaped: the samples joined as Firehose writes them (`{…}{…}`), as NDJSON, and as a JSON array.
    const rels = [...CT_ENVELOPES.slice(0, 3), 'custodian/cwe/sqs-discover.json', OTHER_ENVELOPES[0]![0]];
    const docs = rels.map(json);
    const forms: [string, string][] = [
      ['concatenated', docs.map((d) => JSON.stringify(d)).join('')],
      ['pretty, concatenated', docs.map((d) => JSON.stringify(d, null, 2)).join('\n')],
      ['ndjson', docs.map((d) => JSON.stringify(d)).join('\n')],
      ['array', JSON.stringify(docs)],
    ];
    const expected = rels.flatMap((rel) => parseReal(rel).events.map((e) => e.eventId));
    for (const [name, text] of forms) {
      const p = parseText(`firehose-${name}.gz`, gzipSync(text));
      expect(p.input.kind, name).toBe('eventbridge');
      expect(p.input.records, name).toBe(5);
      expect(p.input.rejected, name).toBe(0);
      expect(p.skipped, name).toBeUndefined();
      expect(p.events.map((e) => e.eventId), name).toEqual(expected);
      expect(p.items.map((i) => i.resourceType), name).toEqual(['AWS::SQS::Queue']);
      expect(p.events.map((e) => e.source.index), name).toEqual([0, 1, 2]);
      expect(p.items[0]!.source.index, name).toBe(3);
    }
    // A stream of other detail-types only is skipped, naming them.
    const others = OTHER_ENVELOPES.slice(0, 4).map(([rel]) => raw(rel).trim()).join('\n');
    expect(parseText('others.json', others).skipped?.reason).toBe(
      'EventBridge events of detail-type "GuardDuty Finding", "EC2 Instance Launch Unsuccessful", "EC2 Instance State-change Notification" and others (not CloudTrail or AWS Config records)',
    );
  });

  it('rejects a broken event in a stream by its place, and an envelope without its detail', () => {
    const good = JSON.stringify(json(CT_ENVELOPES[0]!));
    const p = parseText('s.json', `${good}{"detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":null}${good.slice(0, -1)}x}`);
    expect(p.input.records).toBe(3);
    expect(p.events).toHaveLength(1);
    expect(p.rejected.map((r) => [r.record, r.reason.replace(/:.*/, '')])).toEqual([
      [1, 'EventBridge "AWS API Call via CloudTrail" event has no detail object'],
      [2, 'invalid JSON in value 3'],
    ]);
  });
});

describe('CloudTrail Insights', () => {
  it('skips a delivered Insights log file as Insights events, rejecting none of its records', () => {
    const p = parseReal('awsdocs-cloudtrail/cloudtrail-log-file-examples-09.json');
    expect(p.input).toMatchObject({ kind: 'cloudtrail-log', records: 2, rejected: 0 });
    expect(p.rejected).toEqual([]);
    expect(p.skipped?.reason).toBe('CloudTrail Insights events (summaries of unusual API activity, not API calls)');
    // Gzipped as CloudTrail delivers it, the same.
    const gz = parseText('AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2019/11/14/x.json.gz', gzipSync(raw('awsdocs-cloudtrail/cloudtrail-log-file-examples-09.json')));
    expect(gz.skipped?.reason).toBe(p.skipped?.reason);
  });

  it('counts Insights records among a log file\'s records beside its API calls, neither used as events nor rejected', () => {
    // Reshaped: the sample's two Insights records and a call in one file.
    const insights = (json('awsdocs-cloudtrail/cloudtrail-log-file-examples-09.json').Records as unknown[]).slice();
    const p = parseText('mixed.json', JSON.stringify({ Records: [insights[0], cloudTrailEvent(), insights[1]] }));
    expect(p.skipped).toBeUndefined();
    expect(p.input).toMatchObject({ records: 3, rejected: 0 });
    expect(p.events.map((e) => e.eventName)).toEqual(['AuthorizeSecurityGroupIngress']);
  });

  it('skips lookup-events output of Insights events, whether the events are JSON strings or objects', () => {
    const page = parseReal('awsdocs-cloudtrail/view-insights-events-cli-02.json');
    expect(page.input).toMatchObject({ kind: 'cloudtrail-lookup', records: 2, rejected: 0 });
    expect(page.skipped?.reason).toMatch(/^CloudTrail Insights events/);
    // Reshaped: as the CLI prints it, each event a CloudTrailEvent JSON string.
    const doc = json('awsdocs-cloudtrail/view-insights-events-cli-02.json');
    const cli = { Events: (doc.Events as Record<string, unknown>[]).map((e) => ({ EventId: e.eventID, EventName: 'CompleteLifecycleAction', CloudTrailEvent: JSON.stringify(e) })) };
    const p = parseText('lookup.json', JSON.stringify(cli));
    expect(p.input).toMatchObject({ kind: 'cloudtrail-lookup', records: 2, rejected: 0 });
    expect(p.skipped?.reason).toBe(page.skipped?.reason);
    // One record on its own, as AWS's event reference shows it.
    expect(parseReal('awsdocs-cloudtrail/cloudtrail-event-reference-01.json').skipped?.reason).toBe('CloudTrail Insights event (summaries of unusual API activity, not API calls)');
  });

  it('reads a record that names an eventName as an event, whatever category it claims', () => {
    const p = parseText('claim.json', JSON.stringify({ Records: [cloudTrailEvent({ eventCategory: 'Insight', eventType: 'AwsCloudTrailInsight' })] }));
    expect(p.skipped).toBeUndefined();
    expect(p.events).toHaveLength(1);
  });

  it('names lookup-events request parameters as what they are', () => {
    for (const rel of ['awsdocs-cloudtrail/view-insights-events-cli-15.json', 'awsdocs-cloudtrail/view-insights-events-cli-16.json']) {
      expect(parseReal(rel).skipped?.reason, rel).toMatch(/^`aws cloudtrail lookup-events` request parameters/);
    }
  });
});

describe('CloudTrail records without eventID (eventVersion 1.0, 2014)', () => {
  const FILES = [2, 3, 4, 5, 6].map((n) => `awsdocs-cloudtrail/cloudtrail-log-file-examples-0${n}.json`);

  it('reads every 2014 sample record with a synthetic id marked as such', () => {
    const ids = FILES.map((rel) => {
      const p = parseReal(rel);
      expect(p.rejected, rel).toEqual([]);
      expect(p.events, rel).toHaveLength(1);
      return p.events[0]!.eventId;
    });
    for (const id of ids) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseReal(FILES[0]!).events[0]).toMatchObject({ eventName: 'StartInstances', accountId: '123456789012', awsRegion: 'us-east-2', eventTime: '2014-03-06T21:22:54.000Z' });
  });

  it('derives the id from the record\'s content alone: the same record spaced or ordered otherwise gets the same id, another record another', () => {
    const rec = (json(FILES[0]!).Records as Record<string, unknown>[])[0]!;
    const id = parseReal(FILES[0]!).events[0]!.eventId;
    const reordered = Object.fromEntries(Object.entries(rec).reverse());
    expect(parseText('r.json.gz', gzipSync(JSON.stringify({ Records: [reordered] }))).events[0]!.eventId).toBe(id);
    expect(parseText('one.json', JSON.stringify(rec, null, 4)).events[0]!.eventId).toBe(id);
    expect(parseText('o.json', JSON.stringify({ Records: [{ ...rec, sourceIPAddress: '205.251.233.177' }] })).events[0]!.eventId).not.toBe(id);
    // An id AWS wrote is kept as written.
    expect(parseText('w.json', JSON.stringify({ Records: [{ ...rec, eventID: 'aws-id' }] })).events[0]!.eventId).toBe('aws-id');
  });

  it('reads the bare record a custodian capture holds without eventID, and rejects it only for its missing eventTime', () => {
    const p = parseReal('custodian/cwe/event-cloud-trail-bedrock-create-customization-jobs.json');
    expect(p.rejected.map((r) => r.reason)).toEqual(['CloudTrail record has no eventTime and no @timestamp (where a SIEM export keeps the event time)']);
  });
});

/**
 * No SIEM export is among the real samples: these reshape AWS's 2014 log file example the way each
 * SIEM documents its pipeline. Logstash's date filter (target @timestamp, eventTime removed), Datadog's
 * CloudTrail pipeline remappers (which drop the source attribute unless told to keep it).
 */
describe('SIEM exports', () => {
  const LOG = 'awsdocs-cloudtrail/cloudtrail-log-file-examples-02.json';
  const records = (): Record<string, unknown>[] => json(LOG).Records as Record<string, unknown>[];
  const ndjson = (recs: unknown[]): string => recs.map((r) => JSON.stringify(r)).join('\n');

  it('reads a Logstash/Elastic export\'s @timestamp as the event time where eventTime is absent', () => {
    const logstash = records().map(({ eventTime, ...rest }) => ({ '@timestamp': `${String(eventTime).slice(0, -1)}.000Z`, '@version': '1', ...rest }));
    const p = parseText('logstash.ndjson', ndjson(logstash));
    const native = parseReal(LOG);
    expect(p.rejected).toEqual([]);
    expect(p.events.map((e) => [e.eventName, e.eventTime])).toEqual(native.events.map((e) => [e.eventName, e.eventTime]));
    // The record's own eventTime wins over a SIEM's time of ingestion.
    const both = { ...records()[0], '@timestamp': '2026-01-01T00:00:00.000Z' };
    expect(parseText('both.json', JSON.stringify(both)).events[0]!.eventTime).toBe('2014-03-06T21:22:54.000Z');
  });

  it('rejects a record with neither eventTime nor @timestamp naming both, and a bad @timestamp naming it', () => {
    const [first] = records();
    const { eventTime: _, ...timeless } = first!;
    const p = parseText('t.ndjson', ndjson([timeless, { ...timeless, '@timestamp': 'soon' }]));
    expect(p.rejected.map((r) => [r.record, r.reason])).toEqual([
      [0, 'CloudTrail record has no eventTime and no @timestamp (where a SIEM export keeps the event time)'],
      [1, 'CloudTrail record has no valid @timestamp ("soon")'],
    ]);
    expectReconciled(p);
  });

  it('reads the source address, user agent and event name a Datadog export moved, nested or dotted', () => {
    const datadog = records().map(({ sourceIPAddress, userAgent, eventName, ...rest }) => ({
      ...rest,
      network: { client: { ip: sourceIPAddress } },
      http: { useragent: userAgent },
      evt: { name: eventName },
    }));
    const dotted = records().map(({ sourceIPAddress, ...rest }) => ({ ...rest, 'network.client.ip': sourceIPAddress }));
    const expected = parseReal(LOG).events.map((e) => [e.eventName, e.sourceIPAddress, e.userAgent]);
    expect(expected[0]).toEqual(['StartInstances', '205.251.233.176', 'ec2-api-tools 1.6.12.2']);
    for (const [key, recs] of [['datadog.ndjson', datadog], ['datadog-dotted.json', dotted]] as const) {
      const p = parseText(key, key.endsWith('.json') ? JSON.stringify(recs) : ndjson(recs));
      expect(p.rejected, key).toEqual([]);
      expect(p.events.map((e) => [e.eventName, e.sourceIPAddress, e.userAgent]), key).toEqual(expected);
    }
    // A field the record keeps is read from the record, whatever a SIEM added beside it.
    const kept = { ...records()[0], network: { client: { ip: '10.0.0.1' } } };
    expect(parseText('k.json', JSON.stringify(kept)).events[0]!.sourceIPAddress).toBe('205.251.233.176');
  });
});

describe('oversized configuration item change notifications', () => {
  const OVERSIZED = 'awsdocs-config/oversized-notification-example-00.json';
  const LOCATION = (json(OVERSIZED).s3DeliverySummary as { s3BucketLocation: string }).s3BucketLocation;
  const Q4_2016 = resolvePeriod({ quarter: '2016-Q4' });

  /**
   * The object AWS Config put at the oversized item's location: a change notification of the whole
   * item. No such object is among the samples; this is AWS's 2017 instance notification
   * (wrapped/bare-message-01) given the oversized item's identity and capture time.
   */
  function wholeItem(): string {
    const doc = json('awsdocs-config/wrapped/bare-message-01.json');
    const summary = json(OVERSIZED).configurationItemSummary as Record<string, unknown>;
    const item = { ...(doc.configurationItem as Record<string, unknown>) };
    for (const k of ['resourceId', 'ARN', 'awsAccountId', 'awsRegion', 'configurationItemCaptureTime', 'configurationStateId']) item[k] = summary[k];
    return JSON.stringify({ ...doc, configurationItem: item });
  }

  it('keeps where AWS put the item, and makes its change say so as data, not prose', () => {
    const p = parseReal(OVERSIZED);
    expect(p.items[0]).toMatchObject({ oversized: true, configuration: null, s3BucketLocation: LOCATION });
    const [change, ...more] = findChanges(p.items, Q4_2016);
    expect(more).toEqual([]);
    expect(change!.diff).toEqual([{ path: 'configuration', op: 'replace', after: { notDelivered: true, s3BucketLocation: LOCATION } }]);
    expect(change!.diff[0]).not.toHaveProperty('before');
    expect(change!.summary).toEqual([`changed; the configuration was not delivered (oversized notification); AWS Config put it at s3://${LOCATION}`]);
    // A rule invocation's oversized message carries no delivery summary: the diff says only that.
    const invoked = parseReal('awsdocs-config/evaluate-config_develop-rules_example-events-01.json');
    expect(findChanges(invoked.items, Q4_2016)[0]!.diff).toEqual([{ path: 'configuration', op: 'replace', after: { notDelivered: true } }]);
  });

  it('is superseded by the whole item when that is among the inputs, whichever is read first', () => {
    const small = parseReal(OVERSIZED).items;
    const whole = parseText('AWSLogs/123456789012/Config/us-west-2/2016/10/6/OversizedChangeNotification/whole.json', wholeItem()).items;
    expect(whole).toHaveLength(1);
    for (const items of [[...small, ...whole], [...whole, ...small]]) {
      const changes = findChanges(items, Q4_2016);
      expect(changes.map((c) => [c.item.oversized ?? false, c.item.source.path])).toEqual([[false, whole[0]!.source.path]]);
      expect(JSON.stringify(changes[0]!.diff)).not.toContain('notDelivered');
    }
  });
});

describe('configurationItemDiff in change notifications', () => {
  const VOLUME = 'awsdocs-config/wrapped/bare-message-00.json';
  const INSTANCE = 'awsdocs-config/wrapped/bare-message-01.json';
  const delivered = (rel: string): Record<string, unknown> => json(rel).configurationItemDiff as Record<string, unknown>;

  it('keeps the diff on the item as delivered', () => {
    expect(parseReal(VOLUME).items[0]!.configurationItemDiff).toEqual(delivered(VOLUME));
    expect(parseReal(INSTANCE).items[0]!.configurationItemDiff).toEqual(delivered(INSTANCE));
    // A null one (custodian's capture of a rule invocation event) is left out.
    const rule = parseReal('custodian/cwe/event-config-rule-security-group.json');
    expect((JSON.parse(json('custodian/cwe/event-config-rule-security-group.json').invokingEvent as string) as Record<string, unknown>).configurationItemDiff).toBeNull();
    expect(rule.items[0]).not.toHaveProperty('configurationItemDiff');
  });

  it('builds the change\'s diff from it when the previous item is not in the input, entry by entry', () => {
    const [volume] = findChanges(parseReal(VOLUME).items, resolvePeriod({ quarter: '2014-Q1' }));
    expect(volume!.diff).toEqual([
      {
        path: 'Configuration.Attachments.0',
        op: 'add',
        after: { VolumeId: 'vol-ce676ccc', InstanceId: 'i-344c463d', Device: '/dev/sdf', State: 'attached', AttachTime: 'FriMar0723: 46: 28UTC2014', DeleteOnTermination: 'false' },
      },
      { path: 'Configuration.State', op: 'replace', before: 'available', after: 'in-use' },
    ]);
    expect(volume!.summary).toEqual(["changed Configuration.Attachments, Configuration.State (as AWS Config's configurationItemDiff says; the previous state is not in the input)"]);
    const [instance] = findChanges(parseReal(INSTANCE).items, resolvePeriod({ quarter: '2017-Q1' }));
    const props = delivered(INSTANCE).changedProperties as Record<string, { previousValue: unknown; updatedValue: unknown }>;
    expect(instance!.diff.map((d) => [d.path, d.op])).toEqual(
      Object.keys(props)
        .sort()
        .map((k) => [k, props[k]!.previousValue === null ? 'add' : props[k]!.updatedValue === null ? 'remove' : 'replace']),
    );
    expect(instance!.diff.find((d) => d.path === 'Relationships.0')).toEqual({ path: 'Relationships.0', op: 'remove', before: props['Relationships.0']!.previousValue });
  });

  it('compares with the previous item instead when that is in the input', () => {
    const [now] = parseReal(VOLUME).items;
    // Reshaped: the volume an hour before, detached and available (what the delivered diff says it was).
    const config = now!.configuration as Record<string, unknown>;
    const before = { ...now!, captureTime: '2014-03-07T22:47:08.918Z', captureTimeMs: Date.parse('2014-03-07T22:47:08.918Z'), configuration: { ...config, state: 'available', attachments: [] } };
    delete before.configurationItemDiff;
    const [change] = findChanges([before, now!], resolvePeriod({ quarter: '2014-Q1' })).filter((c) => c.item === now);
    expect(change!.diff.map((d) => d.path)).toEqual(expect.arrayContaining(['configuration.state']));
    expect(change!.diff.every((d) => d.path.startsWith('configuration.'))).toBe(true);
  });
});

describe('times in one form', () => {
  it('writes botocore\'s microsecond offsets, epoch seconds and Z times alike, so they sort as strings', () => {
    const micro = parseReal('custodian/cli-form/test_sg_config_diff--config.GetResourceConfigHistory_1.json');
    expect(micro.rejected).toEqual([]);
    expect(micro.items.map((i) => i.captureTime)).toEqual(['2016-12-11T06:04:03.800Z', '2016-12-11T06:04:02.376Z']);
    const epoch = parseReal('awsdocs-config/view-manage-resource-console-00.json');
    expect(epoch.items.map((i) => i.captureTime)).toEqual(['2014-10-30T22:35:29.922Z']);
    const z = parseReal('custodian/cwe/sqs-discover.json');
    const all = [...micro.items, ...epoch.items, ...z.items];
    for (const i of all) expect(i.captureTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const byString = [...all].sort((a, b) => (a.captureTime < b.captureTime ? -1 : 1)).map((i) => i.captureTimeMs);
    expect(byString).toEqual(all.map((i) => i.captureTimeMs).sort((a, b) => a - b));
    // resourceCreationTime too.
    const created = parseReal('custodian/cli-form/test_ebs_health_events_filter--config.GetResourceConfigHistory_1.json');
    expect(created.rejected.length).toBe(2); // the sample's items name no account: still rejected
    const withAccount = { configurationItems: (json('custodian/cli-form/test_ebs_health_events_filter--config.GetResourceConfigHistory_1.json').configurationItems as object[]).map((i) => ({ ...i, accountId: '111111111111' })) };
    const read = parseText('h.json', JSON.stringify(withAccount));
    expect(read.items.map((i) => [i.captureTime, i.resourceCreationTime ?? null])).toEqual([
      ['2017-01-19T03:37:01.401Z', null],
      ['2017-01-17T22:17:03.382Z', '2017-01-17T21:20:33.122Z'],
    ]);
  });

  it('parses ISO forms exports write, in UTC whatever the machine\'s zone, and refuses days and hours that do not exist', () => {
    const t = (v: unknown) => isoTime(v)?.iso;
    expect(t('2023-01-01T10:00:00.376000+00:00')).toBe('2023-01-01T10:00:00.376Z');
    expect(t('2014-02-27T21:43:53.0885+0000')).toBe('2014-02-27T21:43:53.088Z');
    expect(t('2023-01-01T10:00:00+05:30')).toBe('2023-01-01T04:30:00.000Z');
    expect(t('2023-01-01 10:00:00')).toBe('2023-01-01T10:00:00.000Z');
    expect(t('2023-01-01T10:00')).toBe('2023-01-01T10:00:00.000Z');
    expect(t('2023-01-01')).toBe('2023-01-01T00:00:00.000Z');
    expect(t('20131102T010628Z')).toBe('2013-11-02T01:06:28.000Z');
    expect(t('2026-07-02T10:00:00Z')).toBe('2026-07-02T10:00:00.000Z');
    expect(t(1414708529.922)).toBe('2014-10-30T22:35:29.922Z');
    expect(t('1414708529')).toBe('2014-10-30T22:35:29.000Z');
    // Milliseconds from 1e11 on (1973 in ms; the year 5138 in seconds).
    expect(t(1414708529922)).toBe('2014-10-30T22:35:29.922Z');
    for (const bad of ['2026-02-30T10:00:00.5Z', '2026-02-30', '2023-01-01T24:00:00Z', '2023-01-01T10:00:00+24:00', '2023-01-01T10:60:00Z', 'yesterday', 1e17, -5, 0, '']) {
      expect(parseTime(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('configuration items without awsRegion', () => {
  it('takes the region from the ARN (AWS\'s 2014 examples write a zone there) or the availability zone', () => {
    for (const rel of ['awsdocs-config/deliver-snapshot-cli-01.json', 'awsdocs-config/view-manage-resource-console-01.json']) {
      const p = parseReal(rel);
      expect(p.rejected, rel).toEqual([]);
      expect(p.items.length, rel).toBeGreaterThan(0);
      for (const i of p.items) expect(i.region, rel).toBe('us-west-2');
    }
    expect(parseReal('awsdocs-config/view-manage-resource-console-00.json').items[0]).toMatchObject({ region: 'us-east-2', resourceId: 'sg-6fbb3807' });
  });

  it('rejects an item whose ARN and zone name no region, saying so', () => {
    const doc = json('awsdocs-config/view-manage-resource-console-00.json');
    const item = { ...(doc.configurationItems as Record<string, unknown>[])[0], arn: 'arn:aws:iam::123456789012:user/x', availabilityZone: 'Not Applicable' };
    expect(parseText('x.json', JSON.stringify({ configurationItems: [item] })).rejected.map((r) => r.reason)).toEqual([
      'configuration item has no awsRegion, and neither its ARN nor its availabilityZone names one',
    ]);
  });
});

describe('AWS Config messages and replies named for what they are', () => {
  it('reads an SNS envelope whose Message is an object like one whose Message is a string', () => {
    for (const n of ['00', '01', '02']) {
      const asObject = parseReal(`awsdocs-config/example-sns-notification-${n}.json`);
      const asString = parseReal(`awsdocs-config/wrapped/sns-string-message-${n}.json`);
      expect(asObject.input.kind, n).toBe('config-notification');
      expect(asObject.rejected, n).toEqual([]);
      expect(asObject.items.length, n).toBe(1);
      expect(asObject.items.map(({ source: _s, ...i }) => i), n).toEqual(asString.items.map(({ source: _s, ...i }) => i));
    }
  });

  it('names delivery notices and notification-delivery-failed messages', () => {
    expect(parseReal('awsdocs-config/example-configuration-history-notification-00.json').skipped?.reason).toBe(
      'AWS Config notice that a configuration history file was delivered (it names the file; read the file itself)',
    );
    expect(parseReal('awsdocs-config/example-configuration-snapshot-notification-00.json').skipped?.reason).toBe(
      'AWS Config notice of a configuration snapshot delivery (ConfigurationSnapshotDeliveryCompleted; it names the file: read the file itself)',
    );
    expect(parseReal('awsdocs-config/notification-delivery-failed-00.json').skipped?.reason).toMatch(/^AWS Config notification-delivery-failed message \(OversizedConfigurationItemChangeDeliveryFailed\)/);
  });

  it('reads the configuration item inside a rule invocation event, and names one that has none', () => {
    for (const rel of ['custodian/cwe/event-config-rule-instance.json', 'custodian/cwe/event-config-rule-security-group.json', 'awsdocs-config/evaluate-config_develop-rules_example-events-00.json']) {
      const p = parseReal(rel);
      const inner = JSON.parse(json(rel).invokingEvent as string) as { configurationItem: { resourceId: string } };
      expect(p.input.kind, rel).toBe('config-notification');
      expect(p.rejected, rel).toEqual([]);
      expect(p.items.map((i) => i.resourceId), rel).toEqual([inner.configurationItem.resourceId]);
    }
    const oversized = parseReal('awsdocs-config/evaluate-config_develop-rules_example-events-01.json');
    expect(oversized.items[0]).toMatchObject({ oversized: true, configuration: null });
    expect(parseReal('awsdocs-config/evaluate-config_develop-rules_example-events-02.json').skipped?.reason).toBe(
      'AWS Config rule invocation event: AWS Config periodic rule trigger (ScheduledNotification): no configuration item',
    );
  });

  it('names select-resource-config output whose rows are not items, and reads rows that are', () => {
    const few = parseReal('custodian/cli-form/test_sns_config--config.SelectResourceConfig_1.json');
    expect(few.skipped?.reason).toMatch(/^`aws configservice select-resource-config` output of the fields resourceId, configuration, supplementaryConfiguration: not configuration items/);
    expect(parseReal('custodian/cli-form/test_eks_config--config.SelectResourceConfig_1.json').skipped?.reason).toBe('`aws configservice select-resource-config` output with no rows');
    // Reshaped: the real history items as `SELECT *` returns them (rows as JSON strings, configuration as an object).
    const items = json('custodian/cli-form/test_sg_config_diff--config.GetResourceConfigHistory_1.json').configurationItems as Record<string, unknown>[];
    const rows = items.map((i) => JSON.stringify({ ...i, configuration: JSON.parse(i.configuration as string) as unknown }));
    const p = parseText('select.json', JSON.stringify({ Results: [...rows, '{not json'], QueryInfo: { SelectFields: [{ Name: '*' }] } }));
    expect(p.input).toMatchObject({ kind: 'config-api-select', records: 3, rejected: 1 });
    expect(p.items.map((i) => [i.resourceId, i.origin, i.captureTime])).toEqual(
      parseReal('custodian/cli-form/test_sg_config_diff--config.GetResourceConfigHistory_1.json').items.map((i) => [i.resourceId, 'api', i.captureTime]),
    );
    expect(p.rejected.map((r) => [r.record, r.reason])).toEqual([[2, 'select-resource-config row is not valid JSON']]);
  });

  it('names other CLI replies that hold no records', () => {
    expect(parseReal('awsdocs-config/customresources-cli-02.json').skipped?.reason).toMatch(/^`aws configservice list-discovered-resources` output/);
    expect(parseReal('awsdocs-config/deliver-snapshot-cli-00.json').skipped?.reason).toMatch(/^`aws configservice deliver-config-snapshot` reply/);
    expect(parseReal('awsdocs-config/deliver-snapshot-cli-02.json').skipped?.reason).toMatch(/^`aws configservice describe-delivery-channel-status` output/);
    expect(parseReal('awsdocs-cloudtrail/viewing-service-linked-channels-03.json').skipped?.reason).toMatch(/^`aws cloudtrail list-channels` output/);
  });
});

describe('every real sample', () => {
  it('is read, rejected or skipped with its counts reconciled, and none is left unnamed', async () => {
    const { readdirSync, lstatSync } = await import('node:fs');
    const rels = readdirSync(REAL_DATA, { recursive: true })
      .map(String)
      .filter((r) => r.endsWith('.json') && lstatSync(join(REAL_DATA, r)).isFile())
      .sort();
    expect(rels.length).toBeGreaterThan(100);
    const unnamed: string[] = [];
    for (const rel of rels) {
      const p = parseReal(rel);
      expectReconciled(p);
      if (p.skipped?.reason.startsWith('not a CloudTrail or AWS Config file')) unnamed.push(rel);
    }
    expect(unnamed).toEqual([]);
    // A fragment of a record (eventVersion and userIdentity alone), as the user guide shows one.
    expect(parseReal('awsdocs-cloudtrail/cloudtrail-event-reference-user-identity-05.json').rejected.map((r) => r.reason)).toEqual(['CloudTrail record has no eventName']);
  });
});
