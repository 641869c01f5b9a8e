import { describe, expect, it } from 'vitest';
import { S3_CHECKS } from '../../src/controls/checks/s3/index.js';
import { runCheck } from '../../src/controls/evaluate.js';
import { ACCOUNT, evidenceOf, item } from '../helpers/evidence.js';

const run = (id: string, items: ReturnType<typeof item>[]) => runCheck(S3_CHECKS.find((c) => c.meta.id === id)!, evidenceOf({ items }));
const bucket = (name: string, supplementaryConfiguration: Record<string, unknown>) => item('AWS::S3::Bucket', name, { name }, { resourceName: name, supplementaryConfiguration });
const tlsPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
const pab = (on: boolean) => ({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: on, restrictPublicBuckets: on });

describe('S3 checks', () => {
  it('s3-bucket-denies-http: pass with a SecureTransport deny, fail without a policy', () => {
    expect(run('s3-bucket-denies-http', [bucket('a', { BucketPolicy: { policyText: tlsPolicy } })]).status).toBe('PASS');
    const r = run('s3-bucket-denies-http', [bucket('b', {})]);
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]).toMatchObject({ resourceId: 'b' });
  });

  it('s3-bucket-mfa-delete-enabled: pass when enabled, fail otherwise', () => {
    expect(run('s3-bucket-mfa-delete-enabled', [bucket('a', { BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: true } })]).status).toBe('PASS');
    expect(run('s3-bucket-mfa-delete-enabled', [bucket('a', { BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: null } })]).findings[0]!.detail).toContain('MFA Delete is not enabled');
  });

  it('s3-public-access-blocked: pass at bucket or account level, fail naming the flags that are off', () => {
    expect(run('s3-public-access-blocked', [bucket('a', { PublicAccessBlockConfiguration: pab(true) })]).status).toBe('PASS');
    const account = item('AWS::S3::AccountPublicAccessBlock', ACCOUNT, pab(true));
    expect(run('s3-public-access-blocked', [bucket('a', {}), account]).status).toBe('PASS');
    expect(run('s3-public-access-blocked', [bucket('a', { PublicAccessBlockConfiguration: pab(false) })]).findings[0]!.detail).toContain('blockPublicPolicy, restrictPublicBuckets');
  });

  it('s3-bucket-default-encryption: pass with a default rule, fail without', () => {
    expect(run('s3-bucket-default-encryption', [bucket('a', { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] } })]).status).toBe('PASS');
    expect(run('s3-bucket-default-encryption', [bucket('a', {})]).status).toBe('FAIL');
  });

  it('s3-bucket-versioning-enabled: pass when Enabled, fail when Suspended (supplementary value as a JSON string too)', () => {
    expect(run('s3-bucket-versioning-enabled', [bucket('a', { BucketVersioningConfiguration: '{"status":"Enabled"}' })]).status).toBe('PASS');
    expect(run('s3-bucket-versioning-enabled', [bucket('a', { BucketVersioningConfiguration: { status: 'Suspended' } })]).findings[0]!.detail).toContain('versioning is Suspended');
  });

  it('not applicable without buckets', () => {
    expect(run('s3-bucket-versioning-enabled', [item('AWS::EC2::VPC', 'v', {})]).status).toBe('NOT_APPLICABLE');
  });
});
