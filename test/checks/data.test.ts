import { describe, expect, it } from 'vitest';
import { DATA_CHECKS } from '../../src/controls/checks/data/index.js';
import { runCheck } from '../../src/controls/evaluate.js';
import { evidenceOf, item } from '../helpers/evidence.js';

const run = (id: string, items: ReturnType<typeof item>[]) => runCheck(DATA_CHECKS.find((c) => c.meta.id === id)!, evidenceOf({ items }));
const db = (conf: Record<string, unknown>) => item('AWS::RDS::DBInstance', 'db-1', { dBInstanceIdentifier: 'app', ...conf }, { resourceName: 'app' });

describe('database and storage checks', () => {
  it.each([
    ['rds-storage-encrypted', { storageEncrypted: true }, { storageEncrypted: false }, 'storage is not encrypted'],
    ['rds-auto-minor-version-upgrade', { autoMinorVersionUpgrade: true }, { autoMinorVersionUpgrade: false }, 'auto minor version upgrade is off'],
    ['rds-multi-az', { multiAZ: true }, { multiAZ: false }, 'not a Multi-AZ deployment'],
  ])('%s: pass and fail', (id, good, bad, fact) => {
    expect(run(id, [db(good)]).status).toBe('PASS');
    const r = run(id, [db(bad)]);
    expect(r.status).toBe('FAIL');
    expect(r.findings[0]!.detail).toContain(`app (db-1) in 111111111111/us-east-1: ${fact}`);
  });

  it('rds-not-publicly-accessible: pass when private, fail when public', () => {
    expect(run('rds-not-publicly-accessible', [db({ publiclyAccessible: false })]).status).toBe('PASS');
    expect(run('rds-not-publicly-accessible', [db({ publiclyAccessible: true })]).findings[0]!.detail).toContain('publicly accessible');
  });

  it('efs-encrypted: pass and fail', () => {
    expect(run('efs-encrypted', [item('AWS::EFS::FileSystem', 'fs-1', { Encrypted: true })]).status).toBe('PASS');
    expect(run('efs-encrypted', [item('AWS::EFS::FileSystem', 'fs-1', { Encrypted: false })]).status).toBe('FAIL');
  });

  it('ebs-volumes-encrypted: pass and fail; not applicable without volumes', () => {
    expect(run('ebs-volumes-encrypted', [item('AWS::EC2::Volume', 'vol-1', { encrypted: true })]).status).toBe('PASS');
    expect(run('ebs-volumes-encrypted', [item('AWS::EC2::Volume', 'vol-1', { encrypted: 'false' })]).findings[0]!.resourceId).toBe('vol-1');
    expect(run('ebs-volumes-encrypted', [db({})]).status).toBe('NOT_APPLICABLE');
  });
});
