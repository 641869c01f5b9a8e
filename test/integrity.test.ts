import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { IntegrityResult } from '../src/model/types.js';
import { parseFile } from '../src/parse/index.js';
import { formatVerify, runVerify, verified } from '../src/pipeline/verify.js';
import { IntegrityTracker } from '../src/store/integrity.js';
import { readPublicKeys, type DigestPublicKey } from '../src/store/keys.js';
import { resolvePeriod } from '../src/util/period.js';
import { ELASTIC_DATA, noElasticData, readReport, runCli, tempDir } from './helpers/cli.js';

const ACCT = '111122223333';
const REGION = 'us-east-1';
const BUCKET = 'trail-bucket';
const HOURS = 5;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hh = (h: number) => String(h).padStart(2, '0');
const logKey = (h: number, n: number) => `AWSLogs/${ACCT}/CloudTrail/${REGION}/2026/07/01/${ACCT}_CloudTrail_${REGION}_20260701T${hh(h)}${n === 0 ? '05' : '35'}Z_log${h}x${n}.json.gz`;
const digestKey = (h: number) => `AWSLogs/${ACCT}/CloudTrail-Digest/${REGION}/2026/07/01/${ACCT}_CloudTrail-Digest_${REGION}_main-trail_${REGION}_20260701T${hh(h + 1)}0030Z.json.gz`;

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const der = (k: KeyObject) => k.export({ type: 'pkcs1', format: 'der' });
const FINGERPRINT = createHash('md5').update(der(keys.publicKey)).digest('hex');

/** `aws cloudtrail list-public-keys` output for the test key: AWS CLI v2 prints ISO times, v1 epoch seconds. */
function publicKeysJson(style: 'v2' | 'v1'): string {
  const start = Date.UTC(2026, 5, 1) / 1000;
  const end = Date.UTC(2026, 7, 1) / 1000;
  const time = (s: number) => (style === 'v2' ? new Date(s * 1000).toISOString().replace('.000Z', '+00:00') : s);
  return JSON.stringify({ PublicKeyList: [{ Value: der(keys.publicKey).toString('base64'), ValidityStartTime: time(start), ValidityEndTime: time(end), Fingerprint: FINGERPRINT }] });
}

interface ChainOptions {
  /** The digest of this hour signed with another key (its successor carries that signature on). */
  wrongKeyAt?: number;
  /** The digest of this hour names a wrong previousDigestHashValue (validly signed). */
  badPreviousHashAt?: number;
}

/**
 * An export as CloudTrail delivers it: two log files an hour, an hourly digest listing them with the
 * SHA-256 of each uncompressed, chained to the previous digest and signed with the test key over
 * the string AWS documents. Returns the export folder and each digest's signature (S3 metadata).
 */
function buildExport(opts: ChainOptions = {}): { root: string; signatures: Map<string, string> } {
  const root = join(tempDir('integrity'), 'export');
  const put = (key: string, body: Buffer) => {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), body);
  };
  const signatures = new Map<string, string>();
  let prev: { key: string; hash: string; signature: string } | undefined;
  for (let h = 0; h < HOURS; h++) {
    const logFiles = [0, 1].map((n) => {
      const time = `2026-07-01T${hh(h)}:0${n}:00Z`;
      const json = JSON.stringify({ Records: [{ eventVersion: '1.08', eventID: `e-${h}-${n}`, eventTime: time, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: REGION, recipientAccountId: ACCT, readOnly: true, userIdentity: { type: 'IAMUser', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/alice` } }] });
      put(logKey(h, n), gzipSync(json));
      return { s3Bucket: BUCKET, s3Object: logKey(h, n), hashValue: sha(json), hashAlgorithm: 'SHA-256', newestEventTime: time, oldestEventTime: time };
    });
    const end = `2026-07-01T${hh(h + 1)}:00:30Z`;
    const digest = {
      awsAccountId: ACCT,
      digestStartTime: `2026-07-01T${hh(h)}:00:30Z`,
      digestEndTime: end,
      digestS3Bucket: BUCKET,
      digestS3Object: digestKey(h),
      digestPublicKeyFingerprint: FINGERPRINT,
      digestSignatureAlgorithm: 'SHA256withRSA',
      previousDigestS3Bucket: prev ? BUCKET : null,
      previousDigestS3Object: prev?.key ?? null,
      previousDigestHashValue: prev ? (opts.badPreviousHashAt === h ? 'ab'.repeat(32) : prev.hash) : null,
      previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
      previousDigestSignature: prev?.signature ?? null,
      logFiles,
    };
    const json = JSON.stringify(digest);
    const signer = opts.wrongKeyAt === h ? otherKeys.privateKey : keys.privateKey;
    const signature = sign('RSA-SHA256', Buffer.from(`${end}\n${BUCKET}/${digestKey(h)}\n${sha(json)}\n${prev?.signature ?? 'null'}`), signer).toString('hex');
    put(digestKey(h), gzipSync(json));
    signatures.set(digestKey(h), signature);
    prev = { key: digestKey(h), hash: sha(json), signature };
  }
  writeFileSync(join(dirname(root), 'keys-v2.json'), publicKeysJson('v2'));
  writeFileSync(join(dirname(root), 'keys-v1.json'), publicKeysJson('v1'));
  return { root, signatures };
}

const keysOf = (root: string, style: 'v1' | 'v2' = 'v2'): DigestPublicKey[] => {
  const f = join(dirname(root), `keys-${style}.json`);
  return readPublicKeys(f, readFileSync(f, 'utf8'));
};

async function verify(root: string, withKeys = true): Promise<{ integrity: IntegrityResult; text: string; ok: boolean }> {
  const r = await runVerify({ inputs: [root], publicKeys: withKeys ? keysOf(root) : [], maxFileBytes: 64 * 1024 * 1024 });
  return { integrity: r.integrity, text: formatVerify(r), ok: verified(r.integrity) };
}

/** Rewrites a gzipped JSON file of the export through `edit`. */
function rewrite(root: string, key: string, edit: (doc: Record<string, unknown>) => void): void {
  const file = join(root, key);
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Record<string, unknown>;
  edit(doc);
  writeFileSync(file, gzipSync(JSON.stringify(doc)));
}

describe('CloudTrail digest chain, verified offline', () => {
  it('an untampered signed chain verifies at hash+chain+signature with no false alarm', async () => {
    const { root } = buildExport();
    const { integrity: i, text, ok } = await verify(root);
    expect(ok).toBe(true);
    expect(i.level).toBe('hash+chain+signature');
    expect(i.verified).toBe(HOURS * 2);
    expect(i.digests).toEqual({ read: HOURS, signatureValid: HOURS - 1, signatureUnchecked: 1, signatureInvalid: [], signatureInvalidTotal: 0 });
    expect([i.mismatchedTotal, i.missing, i.uncovered, i.chainBreaksTotal]).toEqual([0, 0, 0, 0]);
    // The chain's last digest carries its signature only in S3 metadata: said, not hidden.
    expect(i.notes.join('\n')).toMatch(/1 digest signature\(s\) not checked: the last of a chain/);
    expect(text).toContain('Results requested for all the input');
    expect(text).toContain(`${HOURS - 1}/${HOURS} digest files valid, 1/${HOURS} digest files not signature-checked`);
    expect(text).toContain(`${HOURS * 2}/${HOURS * 2} log files valid`);
  });

  it('reads list-public-keys as AWS CLI v1 prints it (epoch seconds) as well as v2 (ISO)', async () => {
    const { root } = buildExport();
    const v1 = keysOf(root, 'v1');
    const v2 = keysOf(root, 'v2');
    expect(v1.map((k) => [k.fingerprint, k.startMs, k.endMs])).toEqual(v2.map((k) => [k.fingerprint, k.startMs, k.endMs]));
    expect(v1[0]!.startMs).toBe(Date.UTC(2026, 5, 1));
    expect(() => readPublicKeys('bad.json', '{"Keys":[]}')).toThrow(/no PublicKeyList array/);
    expect(() => readPublicKeys('bad.json', JSON.stringify({ PublicKeyList: [{ Value: 'AAAA', Fingerprint: 'x', ValidityStartTime: 1, ValidityEndTime: 2 }] }))).toThrow(/PublicKeyList\[0\]: Value is not a base64 DER PKCS#1/);
  });

  it('with S3 metadata signatures, the chain\'s last digest is checked too', () => {
    const { root, signatures } = buildExport();
    const t = new IntegrityTracker({ publicKeys: keysOf(root) });
    for (let h = 0; h < HOURS; h++) {
      const parsed = parseFile({ path: join(root, digestKey(h)), key: digestKey(h), bytes: readFileSync(join(root, digestKey(h))) }, { maxFileBytes: 1 << 26 });
      t.addDigest({ ...parsed.digest!, signature: signatures.get(digestKey(h))! });
    }
    const r = t.finish();
    expect(r.digests).toMatchObject({ read: HOURS, signatureValid: HOURS, signatureUnchecked: 0, signatureInvalidTotal: 0 });
    expect(r.chainBreaksTotal).toBe(0);
  });

  it('without public keys, says signatures were not verified and checks hashes and the chain', async () => {
    const { root } = buildExport();
    const { integrity: i, ok } = await verify(root, false);
    expect(ok).toBe(true);
    expect(i.level).toBe('hash+chain');
    expect(i.digests.signatureUnchecked).toBe(HOURS);
    expect(i.notes[0]).toMatch(/^signatures not verified: no public keys given/);
  });

  it('a deleted digest breaks the chain, naming the missing object, and leaves its log files uncovered', async () => {
    const { root } = buildExport();
    rmSync(join(root, digestKey(2)));
    const { integrity: i, text, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.chainBreaks).toEqual([expect.objectContaining({ accountId: ACCT, region: REGION, after: digestKey(2), before: digestKey(3), reason: expect.stringMatching(/^digest missing/) })]);
    expect(i.uncoveredFiles.map((f) => f.path)).toEqual([join(root, logKey(2, 0)), join(root, logKey(2, 1))]);
    expect(text).toContain(`BROKEN between ${digestKey(2)} and ${digestKey(3)}`);
  });

  it('a log file rewritten together with its digest entry fails the digest\'s signature and the next digest\'s hash of it', async () => {
    const { root } = buildExport();
    const forged = JSON.stringify({ Records: [] });
    writeFileSync(join(root, logKey(1, 0)), gzipSync(forged));
    rewrite(root, digestKey(1), (d) => {
      (d.logFiles as { hashValue: string }[])[0]!.hashValue = sha(forged);
    });
    const { integrity: i, text } = await verify(root);
    expect(i.mismatchedTotal).toBe(0); // the forger kept the hashes consistent…
    expect(i.digests.signatureInvalid).toEqual([{ path: join(root, digestKey(1)), reason: expect.stringMatching(/^signature verification failed/) }]);
    expect(i.chainBreaks).toEqual([expect.objectContaining({ after: digestKey(1), before: digestKey(2), reason: expect.stringMatching(/previousDigestHashValue .* does not match/) })]);
    expect(text).toMatch(new RegExp(`Digest file\\t${join(root, digestKey(1)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\tINVALID: signature verification failed`));
  });

  it('a log file rewritten alone fails its hash', async () => {
    const { root } = buildExport();
    writeFileSync(join(root, logKey(3, 1)), gzipSync(JSON.stringify({ Records: [] })));
    const { integrity: i, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.mismatched.map((m) => m.path)).toEqual([join(root, logKey(3, 1))]);
    expect(i.digests.signatureInvalidTotal).toBe(0);
  });

  it('a planted log file that no digest lists is uncovered', async () => {
    const { root } = buildExport();
    const planted = `AWSLogs/${ACCT}/CloudTrail/${REGION}/2026/07/01/${ACCT}_CloudTrail_${REGION}_20260701T0215Z_planted.json.gz`;
    writeFileSync(join(root, planted), gzipSync(JSON.stringify({ Records: [] })));
    const { integrity: i, text, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.uncoveredFiles).toEqual([{ path: join(root, planted) }]);
    expect(text).toContain(`${join(root, planted)}\tINVALID: listed in no digest`);
  });

  it('a deleted log file is missing, with the digest that lists it', async () => {
    const { root } = buildExport();
    rmSync(join(root, logKey(0, 1)));
    const { integrity: i, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.missingFiles).toEqual([{ path: logKey(0, 1), digest: join(root, digestKey(0)) }]);
  });

  it('a digest signed with another key is invalid, the chain still whole', async () => {
    const { root } = buildExport({ wrongKeyAt: 2 });
    const { integrity: i, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.digests.signatureInvalid).toEqual([{ path: join(root, digestKey(2)), reason: expect.stringMatching(/^signature verification failed/) }]);
    expect(i.digests.signatureValid).toBe(HOURS - 2);
    expect(i.chainBreaksTotal).toBe(0);
  });

  it('a broken previousDigestHashValue is a chain break naming both digests', async () => {
    const { root } = buildExport({ badPreviousHashAt: 3 });
    const { integrity: i, ok } = await verify(root);
    expect(ok).toBe(false);
    expect(i.chainBreaks).toEqual([expect.objectContaining({ after: digestKey(2), before: digestKey(3), reason: expect.stringMatching(/^previousDigestHashValue of .* does not match/) })]);
    expect(i.digests.signatureInvalidTotal).toBe(0);
  });

  it('a period judges only its own days: a chain cut at the period start is no gap', async () => {
    const { root } = buildExport();
    rmSync(join(root, digestKey(0)));
    rmSync(join(root, logKey(0, 0)));
    rmSync(join(root, logKey(0, 1)));
    const r = await runVerify({ inputs: [root], period: resolvePeriod({ from: '2026-07-02', to: '2026-07-02' }), publicKeys: keysOf(root), maxFileBytes: 1 << 26 });
    expect([r.integrity.chainBreaksTotal, r.integrity.missing, r.integrity.uncovered]).toEqual([0, 0, 0]);
    const whole = await verify(root);
    expect(whole.integrity.chainBreaksTotal).toBe(0); // before the chain's first digest read: outside the input
  });

  it('report.json and `verify` name every kind of tampering; verify exits 1, 0 when clean, 2 on a usage error', () => {
    // Digest 1's signature travels in digest 2, deleted here: it is then unchecked, not invalid.
    const { root } = buildExport({ wrongKeyAt: 0, badPreviousHashAt: 4 });
    rmSync(join(root, digestKey(2)));
    rmSync(join(root, logKey(0, 1)));
    const planted = `AWSLogs/${ACCT}/CloudTrail/${REGION}/2026/07/01/${ACCT}_CloudTrail_${REGION}_20260701T0015Z_planted.json.gz`;
    writeFileSync(join(root, planted), gzipSync(JSON.stringify({ Records: [] })));
    const keysFile = join(dirname(root), 'keys-v1.json');
    const out = join(dirname(root), 'out');
    const rep = runCli(['report', root, '--from', '2026-07-01', '--to', '2026-07-01', '--format', 'json', '--out', out, '--no-workspace', '--quiet', '--public-keys', keysFile]);
    expect(rep.stderr).toBe('');
    expect(rep.status).toBe(0);
    const i = readReport(out).integrity;
    expect(i.level).toBe('hash+chain+signature');
    expect(i.missingFiles.map((f) => f.path)).toEqual([logKey(0, 1)]);
    expect(i.uncoveredFiles.map((f) => f.path)).toEqual([join(root, logKey(2, 0)), join(root, logKey(2, 1)), join(root, planted)].sort());
    expect(i.digests.signatureInvalid.map((x) => x.path)).toEqual([join(root, digestKey(0))]);
    expect(i.digests).toMatchObject({ read: HOURS - 1, signatureValid: 1, signatureUnchecked: 2 });
    expect(i.chainBreaks.map((b) => [b.after, b.before])).toEqual([
      [digestKey(2), digestKey(3)],
      [digestKey(3), digestKey(4)],
    ]);

    const v = runCli(['verify', root, '--public-keys', keysFile]);
    expect(v.status).toBe(1);
    for (const line of [`${logKey(0, 1)}\tINVALID: not found`, `${join(root, planted)}\tINVALID: listed in no digest`, `${join(root, digestKey(0))}\tINVALID: signature verification failed`, `BROKEN between ${digestKey(2)} and ${digestKey(3)}`, `BROKEN between ${digestKey(3)} and ${digestKey(4)}`]) {
      expect(v.stdout).toContain(line);
    }
    const asJson = runCli(['verify', root, '--public-keys', keysFile, '--json']);
    expect(asJson.status).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual(i);

    const clean = buildExport();
    expect(runCli(['verify', clean.root, '--public-keys', join(dirname(clean.root), 'keys-v2.json')]).status).toBe(0);
    const usage = runCli(['verify', clean.root, '--public-keys', join(dirname(clean.root), 'nope.json')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--public-keys .*nope\.json: no such file/);
  });
});

describe.skipIf(noElasticData)('a real CloudTrail digest (elastic/integrations)', () => {
  it('parses with its chain fields, and its content hash is of the file as delivered', () => {
    const file = join(ELASTIC_DATA, 'test-cloudtrail-digest-json.log');
    const bytes = readFileSync(file);
    const p = parseFile({ path: file, key: 'test-cloudtrail-digest-json.log', bytes }, { maxFileBytes: 1 << 26 });
    const d = p.digest!;
    expect(d.fingerprint).toBe('47aaa19f7eec22e9bd0b5e58cfade8cb');
    expect(d.previousS3Object).toMatch(/_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T183649Z\.json\.gz$/);
    expect(d.previousSignature).toMatch(/^[0-9a-f]{512}$/);
    expect(d.contentSha256).toBe(sha(bytes));
    // Its chain's previous digest is not in the sample: outside the input, not a break. Its log files
    // are not either: each is missing, named with the digest.
    const t = new IntegrityTracker();
    t.addDigest(d);
    const r = t.finish();
    expect([r.digests.read, r.chainBreaksTotal, r.missing]).toEqual([1, 0, 3]);
    expect(r.missingFiles.every((f) => f.digest === file && f.path.startsWith('AWSLogs/123456789123/CloudTrail/us-west-2/'))).toBe(true);
  });
});
