import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputRecord, Report } from '../src/model/types.js';
import { buildManifest, MANIFEST_INPUTS } from '../src/pipeline/manifest.js';
import { inputsCsvSha256 } from '../src/render/csv.js';
import { generationTime } from '../src/util/clock.js';
import { sampleReport } from './fixtures/report-fixture.js';
import { chromiumAvailable, readReport, ROOT, runCli, TEST_EPOCH, tempDir } from './helpers/cli.js';

const EXPORT = join(ROOT, 'samples/demo/export');
const PERIOD = ['--from', '2026-07-01', '--to', '2026-07-03'];
const EPOCH_ISO = new Date(Number(TEST_EPOCH) * 1000).toISOString().replace('.000Z', 'Z');

/** The PDF's /CreationDate, as its 14 digits (UTC). */
function pdfCreationDate(path: string): string | undefined {
  return /\/CreationDate \(D:(\d{14})/.exec(readFileSync(path, 'latin1'))?.[1];
}

function digits(iso: string): string {
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

describe('generation time', () => {
  it('is SOURCE_DATE_EPOCH when set, the clock otherwise, and a malformed value is refused', () => {
    expect(generationTime({ SOURCE_DATE_EPOCH: TEST_EPOCH })).toEqual({ at: EPOCH_ISO, by: 'SOURCE_DATE_EPOCH' });
    expect(generationTime({}, () => new Date('2027-01-02T03:04:05.678Z'))).toEqual({ at: '2027-01-02T03:04:05Z', by: 'clock' });
    for (const bad of ['-1', '1.5', '17e8', 'yesterday', '99999999999999']) expect(() => generationTime({ SOURCE_DATE_EPOCH: bad }), bad).toThrow(/SOURCE_DATE_EPOCH must be a whole number/);
    const r = runCli(['report', EXPORT, ...PERIOD, '--format', 'json', '--out', join(tempDir('prov-bad'), 'out'), '--quiet'], { env: { SOURCE_DATE_EPOCH: 'now' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SOURCE_DATE_EPOCH must be a whole number/);
  });

  it.skipIf(!chromiumAvailable())('with SOURCE_DATE_EPOCH, one command line gives byte-identical outputs, and the PDF is dated by it, not by the period', () => {
    const dirs = ['a', 'b'].map((d) => join(tempDir('prov-det'), d));
    for (const cwd of dirs) {
      mkdirSync(cwd, { recursive: true });
      const r = runCli(['report', EXPORT, ...PERIOD, '--format', 'json,html,csv,pdf', '--out', 'out', '--no-workspace', '--quiet', '--entity', 'Acme Corp'], { cwd, env: { SOURCE_DATE_EPOCH: TEST_EPOCH } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const [a, b] = dirs.map((d) => join(d, 'out')) as [string, string];
    const files = readdirSync(a).sort();
    expect(files).toEqual(['activity.csv', 'changes.csv', 'data-events.csv', 'deviations.csv', 'findings.csv', 'inputs.csv', 'manifest.json', 'rejected.csv', 'report.html', 'report.json', 'report.pdf']);
    for (const f of files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    expect(readReport(a).generated).toEqual({ at: EPOCH_ISO, by: 'SOURCE_DATE_EPOCH' });
    expect(pdfCreationDate(join(a, 'report.pdf'))).toBe(digits(EPOCH_ISO));
    expect(readFileSync(join(a, 'report.pdf'), 'latin1')).toMatch(/\/ModDate \(D:20261001000000/);
  });

  it('without SOURCE_DATE_EPOCH is the clock (within a minute), the same in report.json, manifest.json, the document and the PDF', () => {
    const out = join(tempDir('prov-clock'), 'out');
    const formats = chromiumAvailable() ? 'json,html,pdf' : 'json,html';
    const before = Date.now();
    const r = runCli(['report', EXPORT, ...PERIOD, '--format', formats, '--out', out, '--no-workspace', '--quiet'], { env: { SOURCE_DATE_EPOCH: undefined } });
    expect(r.status).toBe(0);
    const report = readReport(out);
    expect(report.generated.by).toBe('clock');
    const at = Date.parse(report.generated.at);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Math.abs(Date.now() - at)).toBeLessThan(60_000);
    expect((JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { generated: unknown }).generated).toEqual(report.generated);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(report.generated.at.replace('T', ' ').replace('Z', ' UTC'));
    if (chromiumAvailable()) expect(pdfCreationDate(join(out, 'report.pdf'))).toBe(digits(report.generated.at));
  });
});

describe('report provenance', () => {
  it('records the command line and the inputs as given, --entity and --prepared-by, and prints them on the cover and the sign-off page', () => {
    const out = join(tempDir('prov-names'), 'out');
    const entity = 'Acme <script>alert(1)</script> Ltd';
    const args = ['report', EXPORT, ...PERIOD, '--format', 'json,html', '--out', out, '--no-workspace', '--quiet', '--entity', entity, '--prepared-by', 'J. Doe'];
    expect(runCli(args).status).toBe(0);
    const report = readReport(out);
    expect(report.invocation).toEqual({ argv: args, inputs: [EXPORT] });
    expect(report.signoff).toEqual({ entity, preparedBy: 'J. Doe' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    const cover = html.slice(html.indexOf('<section class="cover">'), html.indexOf('</section>'));
    expect(cover).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt; Ltd');
    expect(cover).toContain('J. Doe');
    // The sign-off page comes last, with a contents entry, blank lines for the reviewer.
    const signoff = html.slice(html.lastIndexOf('<section'));
    expect(signoff).toMatch(/id="signoff"/);
    expect(signoff).toMatch(/Prepared by<\/td><td>J\. Doe<\/td><td><\/td><td><\/td>/);
    expect(signoff).toMatch(/Reviewed by<\/td><td><\/td><td><\/td><td><\/td>/);
    expect(html).toMatch(/<a href="#signoff">.*Provenance and sign-off/);
    expect(runCli([...args.slice(0, -2), '--prepared-by', ' ']).status).toBe(2);
  });

  it('cites a long input list by the SHA-256 of inputs.csv instead of listing every input in manifest.json', () => {
    const inputs: InputRecord[] = Array.from({ length: MANIFEST_INPUTS + 1 }, (_, i) => ({ path: `x/${i}.json`, sha256: 'a'.repeat(64), size: 10, kind: 'cloudtrail-log', records: 1, rejected: 0 }));
    const big = { ...sampleReport(), inputs } as Report;
    const manifest = buildManifest(big, [], {});
    expect(manifest.inputs).toBeUndefined();
    expect(manifest.inputList).toEqual({ files: MANIFEST_INPUTS + 1, bytes: 10 * (MANIFEST_INPUTS + 1), inputsCsvSha256: inputsCsvSha256(big) });
    expect(buildManifest(sampleReport(), [], {}).inputs).toHaveLength(sampleReport().inputs.length);
  });
});

describe('verify-report', () => {
  let keys: string;
  let signed: Record<'ed25519' | 'rsa', string>;
  const key = (type: 'ed25519' | 'rsa') => {
    const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
    writeFileSync(join(keys, `${type}.pem`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(keys, `${type}.pub.pem`), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  };
  const verify = (dir: string, pub?: string) => runCli(['verify-report', dir, ...(pub ? ['--public-key', join(keys, pub)] : [])]);

  beforeAll(() => {
    keys = tempDir('prov-keys');
    key('ed25519');
    key('rsa');
    const base = tempDir('prov-signed');
    signed = { ed25519: join(base, 'ed25519'), rsa: join(base, 'rsa') };
    for (const type of ['ed25519', 'rsa'] as const) {
      const r = runCli(['report', EXPORT, ...PERIOD, '--format', 'json,html,csv', '--out', signed[type], '--no-workspace', '--quiet', '--sign-key', join(keys, `${type}.pem`)]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it.each(['ed25519', 'rsa'] as const)('a folder signed with an %s key verifies against its manifest and signature', (type) => {
    const r = verify(signed[type], `${type}.pub.pem`);
    expect(r.stdout).toMatch(/^verified: 9 output file\(s\) match manifest\.json \(SHA-256 and size\); report\.json agrees on \d+ input\(s\); signature valid\n$/);
    expect(r.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(signed[type], 'manifest.json'), 'utf8')) as { signature: { algorithm: string }; outputs: { file: string }[] };
    expect(manifest.signature.algorithm).toBe(type === 'rsa' ? 'RSA-SHA256' : 'Ed25519');
    expect(manifest.outputs.map((o) => o.file).sort()).toEqual(['activity.csv', 'changes.csv', 'data-events.csv', 'deviations.csv', 'findings.csv', 'inputs.csv', 'rejected.csv', 'report.html', 'report.json']);
  });

  it('fails, naming the file, after one byte of any output changes', () => {
    const files = readdirSync(signed.ed25519).filter((f) => f !== 'manifest.json.sig');
    for (const f of files) {
      const copy = join(tempDir('prov-byte'), 'r');
      cpSync(signed.ed25519, copy, { recursive: true });
      const bytes = readFileSync(join(copy, f));
      // A byte in the middle of a hash or text: same size, other content.
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
      writeFileSync(join(copy, f), bytes);
      const r = verify(copy, 'ed25519.pub.pem');
      expect(r.status, f).toBe(1);
      if (f === 'manifest.json') expect(r.stdout).toMatch(/^manifest\.json\.sig: not a valid Ed25519 signature of manifest\.json/m);
      else expect(r.stdout).toMatch(new RegExp(`^${f.replace('.', '\\.')}: SHA-256 [0-9a-f]{64}, the manifest lists [0-9a-f]{64}$`, 'm'));
    }
  });

  it('fails after a file is removed, or one is added, and after the signature is removed', () => {
    const copy = join(tempDir('prov-rm'), 'r');
    cpSync(signed.rsa, copy, { recursive: true });
    rmSync(join(copy, 'report.html'));
    writeFileSync(join(copy, 'extra.csv'), 'a,b\n');
    rmSync(join(copy, 'manifest.json.sig'));
    const r = verify(copy, 'rsa.pub.pem');
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      'manifest.json.sig: missing (the report was not signed, or its signature was removed)',
      'report.html: missing (listed in manifest.json)',
      'extra.csv: not listed in manifest.json (not part of this report, or added after it)',
    ]);
  });

  it('fails with the wrong public key, and is a usage error without a folder or a key', () => {
    const r = verify(signed.ed25519, 'rsa.pub.pem');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^manifest\.json\.sig: the manifest names signing key [0-9a-f]{64}, not the given public key [0-9a-f]{64}$/m);
    expect(r.stdout).toMatch(/^manifest\.json\.sig: not a valid RSA-SHA256 signature/m);
    expect(verify(join(keys, 'nowhere')).status).toBe(2);
    writeFileSync(join(keys, 'junk.pem'), 'not a key');
    expect(verify(signed.ed25519, 'junk.pem').status).toBe(2);
    // Without a key the outputs still verify; the signature is said to be unchecked.
    expect(verify(signed.ed25519).stdout).toMatch(/signature not checked \(no --public-key\)/);
  });

  it('a later unsigned run into the same folder leaves no stale signature', () => {
    const out = join(tempDir('prov-stale'), 'r');
    cpSync(signed.ed25519, out, { recursive: true });
    expect(runCli(['report', EXPORT, ...PERIOD, '--format', 'json,html,csv', '--out', out, '--no-workspace', '--quiet']).status).toBe(0);
    expect(readdirSync(out)).not.toContain('manifest.json.sig');
    expect(verify(out).status).toBe(0);
    expect(verify(out, 'ed25519.pub.pem').stdout).toMatch(/^manifest\.json\.sig: missing/m);
  });
});
