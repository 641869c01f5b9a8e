import { describe, expect, it } from 'vitest';
import { LOGGING_CHECKS } from '../../src/controls/checks/logging/index.js';
import { runCheck } from '../../src/controls/evaluate.js';
import { ACCOUNT, dataGroup, evidenceOf, event, item } from '../helpers/evidence.js';

const run = (id: string, f: Parameters<typeof evidenceOf>[0]) => runCheck(LOGGING_CHECKS.find((c) => c.meta.id === id)!, evidenceOf(f));
const trail = (conf: Record<string, unknown>) => item('AWS::CloudTrail::Trail', 'main', { name: 'main', s3BucketName: 'ct-logs', isMultiRegionTrail: true, logFileValidationEnabled: true, kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', ...conf }, { resourceName: 'main' });
const bucket = (logging: unknown) => item('AWS::S3::Bucket', 'ct-logs', { name: 'ct-logs' }, { resourceName: 'ct-logs', supplementaryConfiguration: { BucketLoggingConfiguration: logging } });

describe('CloudTrail configuration checks', () => {
  it('cloudtrail-multi-region-enabled: pass with a logging multi-region trail, fail naming the account without', () => {
    expect(run('cloudtrail-multi-region-enabled', { items: [trail({})] }).status).toBe('PASS');
    const r = run('cloudtrail-multi-region-enabled', { items: [trail({ isMultiRegionTrail: false })] });
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]).toMatchObject({ resourceId: ACCOUNT });
    expect(run('cloudtrail-multi-region-enabled', { items: [trail({ isLogging: false })] }).status).toBe('FAIL');
  });

  it('cloudtrail-log-file-validation: pass and fail', () => {
    expect(run('cloudtrail-log-file-validation', { items: [trail({})] }).status).toBe('PASS');
    expect(run('cloudtrail-log-file-validation', { items: [trail({ logFileValidationEnabled: false })] }).findings[0]!.detail).toContain('log file validation is off');
  });

  it('cloudtrail-kms-encrypted: pass and fail', () => {
    expect(run('cloudtrail-kms-encrypted', { items: [trail({})] }).status).toBe('PASS');
    expect(run('cloudtrail-kms-encrypted', { items: [trail({ kmsKeyId: null })] }).status).toBe('FAIL');
  });

  it('cloudtrail-bucket-access-logging: pass with a destination, fail without, insufficient when the bucket is not recorded', () => {
    expect(run('cloudtrail-bucket-access-logging', { items: [trail({}), bucket({ destinationBucketName: 'access-logs' })] }).status).toBe('PASS');
    expect(run('cloudtrail-bucket-access-logging', { items: [trail({}), bucket({ destinationBucketName: null })] }).findings[0]!.resourceId).toBe('ct-logs');
    expect(run('cloudtrail-bucket-access-logging', { items: [trail({})] }).status).toBe('INSUFFICIENT_DATA');
  });

  it('cloudtrail-s3-data-events-write and -read: pass with selectors covering S3 objects, fail without', () => {
    const basic = trail({ eventSelectors: [{ readWriteType: 'WriteOnly', dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }] });
    expect(run('cloudtrail-s3-data-events-write', { items: [basic] }).status).toBe('PASS');
    expect(run('cloudtrail-s3-data-events-read', { items: [basic] }).status).toBe('FAIL');
    const advanced = trail({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] });
    expect(run('cloudtrail-s3-data-events-read', { items: [advanced] }).status).toBe('PASS');
    expect(run('cloudtrail-s3-data-events-write', { items: [trail({})] }).findings[0]!.detail).toContain('no event selector for S3 object write events');
  });

  it('cloudtrail-s3-data-events-write and -read: pass from the S3 data event groups of their kind in the input, fail with only the other kind', () => {
    const reads = [dataGroup('s3.amazonaws.com', 'GetObject', { count: 40 }), dataGroup('s3.amazonaws.com', 'HeadObject')];
    const onlyReads = run('cloudtrail-s3-data-events-read', { items: [trail({})], dataEvents: reads });
    expect(onlyReads).toMatchObject({ status: 'PASS', reason: 'S3 object read data events are present in the CloudTrail input' });
    expect(run('cloudtrail-s3-data-events-write', { items: [trail({})], dataEvents: reads })).toMatchObject({ status: 'FAIL', reason: 'no trail logs S3 object write events' });
    // A write whatever its name: not in the read-only table. A denied call is logged all the same.
    const writes = [dataGroup('s3.amazonaws.com', 'CompleteMultipartUpload'), dataGroup('s3.amazonaws.com', 'DeleteObjects', { errorCode: 'AccessDenied' })];
    expect(run('cloudtrail-s3-data-events-write', { items: [trail({})], dataEvents: writes }).status).toBe('PASS');
    expect(run('cloudtrail-s3-data-events-read', { items: [trail({})], dataEvents: writes }).status).toBe('FAIL');
    expect(run('cloudtrail-s3-data-events-write', { items: [trail({})], dataEvents: [dataGroup('s3.amazonaws.com', 'PutObject', { errorCode: 'AccessDenied' })] }).status).toBe('PASS');
    // Another service's data events say nothing of S3 objects, even under an S3 API name.
    const others = [dataGroup('lambda.amazonaws.com', 'Invoke'), dataGroup('s3-object-lambda.amazonaws.com', 'GetObject'), dataGroup('dynamodb.amazonaws.com', 'PutItem')];
    expect(run('cloudtrail-s3-data-events-read', { items: [trail({})], dataEvents: others }).status).toBe('FAIL');
    expect(run('cloudtrail-s3-data-events-write', { items: [trail({})], dataEvents: others }).status).toBe('FAIL');
  });
});

describe('AWS Config and KMS checks', () => {
  const vpc = (region: string) => item('AWS::EC2::VPC', `vpc-${region}`, {}, { region });
  const activityIn = (region: string) => event('RunInstances', { region, time: '2026-08-01T00:00:00Z', readOnly: false });

  it('config-recorder-all-regions: pass when every active region has Config data, fail for a silent region and a stopped recorder', () => {
    expect(run('config-recorder-all-regions', { items: [vpc('us-east-1')], events: [activityIn('us-east-1')] }).status).toBe('PASS');
    const r = run('config-recorder-all-regions', {
      items: [vpc('us-east-1')],
      events: [activityIn('eu-west-1'), activityIn('us-east-1'), event('StopConfigurationRecorder', { eventSource: 'config.amazonaws.com', time: '2026-08-02T00:00:00Z' })],
    });
    expect(r.findings.map((f) => f.resourceId)).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`]);
    expect(r.findings[1]!.detail).toContain('stopped and not restarted');
  });

  it('kms-key-rotation-enabled: pass from EnableKeyRotation, fail from DisableKeyRotation, insufficient without evidence', () => {
    const key = item('AWS::KMS::Key', 'k-1', { keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', keyState: 'Enabled' }, { arn: 'arn:aws:kms:us-east-1:111111111111:key/k-1' });
    const rot = (name: string) => event(name, { eventSource: 'kms.amazonaws.com', requestParameters: { keyId: 'k-1' }, readOnly: false });
    expect(run('kms-key-rotation-enabled', { items: [key], events: [rot('EnableKeyRotation')] }).status).toBe('PASS');
    expect(run('kms-key-rotation-enabled', { items: [key], events: [rot('DisableKeyRotation')] }).findings[0]!.resourceId).toBe('k-1');
    expect(run('kms-key-rotation-enabled', { items: [key] }).status).toBe('INSUFFICIENT_DATA');
  });
});
