import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { listForPeriod, makeClient } from '../src/sources/s3.js';
import { resolvePeriod } from '../src/util/period.js';
import { generateExport } from '../samples/generator.js';
import { CLI, readReport, runCli, tempDir } from './helpers/cli.js';
import { S3_ENV, startFaultProxy, startS3rver, uploadTree, type Fault, type Server } from './helpers/s3.js';

const BUCKET = 'audit-logs';
const FROM = '2026-07-01';
const TO = '2026-07-10';

let work: string;
let s3: Server;
let proxy: Server & { log: { method: string; path: string; fault: Fault }[] };
let objects = 0;
/** What the proxy should do with a request; tests swap it. */
let decide: (method: string, path: string) => Fault = () => 'pass';

beforeAll(async () => {
  work = tempDir('s3');
  await generateExport({ seed: 5, outDir: join(work, 'gen'), from: FROM, to: TO, accounts: 3, regions: ['us-east-1', 'eu-west-1'], targetEvents: 60_000 });
  // Deliveries from May: outside every margin, they must never be listed or fetched.
  const old = join(work, 'old');
  for (const acct of readdirSync(join(work, 'gen/export/AWSLogs'))) {
    const from = join(work, 'gen/export/AWSLogs', acct, 'CloudTrail/us-east-1/2026/07/05');
    if (existsSync(from)) cpSync(from, join(old, 'AWSLogs', acct, 'CloudTrail/us-east-1/2026/05/05'), { recursive: true });
  }
  s3 = await startS3rver(join(work, 's3rver'), BUCKET);
  objects = (await uploadTree(s3.port, BUCKET, join(work, 'gen/export'))) + (await uploadTree(s3.port, BUCKET, old));
  proxy = await startFaultProxy(s3.port, (m, p) => decide(m, p));
}, 240_000);

afterAll(async () => {
  await proxy?.stop();
  await s3?.stop();
});

/**
 * Runs the CLI against the fault proxy. Asynchronously: the proxy lives in this process, and a
 * synchronous spawn would stop it from answering.
 */
function s3Cli(args: string[], endpointPort = proxy.port): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args, '--endpoint-url', `http://127.0.0.1:${endpointPort}`], { env: { ...process.env, ...S3_ENV } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** The evidence of a report, without where the bytes came from. */
function evidence(r: Report) {
  return { changes: r.changes, controls: r.controls, failedCalls: r.failedCalls, summary: r.summary, configRuleResults: r.configRuleResults, scope: r.scope };
}

/** Object downloads seen by the proxy (list requests address the bucket itself). */
const getsOf = (pred: (path: string) => boolean) => proxy.log.filter((l) => l.method === 'GET' && l.path.startsWith(`/${BUCKET}/`) && l.path.length > BUCKET.length + 2 && pred(l.path));

describe('S3 sources through the real AWS SDK and an S3-protocol server', () => {
  it('uploads thousands of objects', () => {
    expect(objects).toBeGreaterThan(2000);
  });

  it('lists the same objects whatever the page size, pruned to the days the period needs', async () => {
    const period = resolvePeriod({ from: FROM, to: TO });
    const client = await makeClient({ endpointUrl: `http://127.0.0.1:${s3.port}` });
    Object.assign(process.env, S3_ENV);
    let requests = 0;
    const keys = async (pageSize: number) => {
      const out: string[] = [];
      for await (const o of listForPeriod(client, { bucket: BUCKET, prefix: '' }, period, { pageSize, onListRequest: () => requests++ })) out.push(o.key);
      return out;
    };
    const big = await keys(1000);
    const bigRequests = requests;
    requests = 0;
    const small = await keys(7);
    client.destroy();
    expect(small).toEqual(big);
    expect(requests).toBeGreaterThan(bigRequests); // many pages
    expect(big.some((k) => k.includes('/2026/05/'))).toBe(false);
    expect(big.some((k) => k.includes('/CloudTrail-Digest/'))).toBe(true);
    expect(big.some((k) => k.includes('/ConfigSnapshot/'))).toBe(true);
    expect(new Set(big).size).toBe(big.length);
    // Each account's log files and digests side by side: a region's days in order, each day's
    // digests right after its log files (not every digest of the account first, as in key order).
    for (const account of new Set(big.map((k) => /^AWSLogs\/(\d{12})\//.exec(k)?.[1]).filter((a) => a !== undefined))) {
      const days = big.flatMap((k) => {
        const m = new RegExp(`^AWSLogs/${account}/(CloudTrail|CloudTrail-Digest)/us-east-1/(\\d{4}/\\d{2}/\\d{2})/`).exec(k);
        return m ? [`${m[2]} ${m[1]}`] : [];
      });
      expect(new Set(days.map((d) => d.split(' ')[1]))).toEqual(new Set(['CloudTrail', 'CloudTrail-Digest']));
      expect(days).toEqual([...days].sort());
    }
  });

  it('gives the same evidence from s3:// as from the files on disk, retrying throttling, 5xx and cut connections', async () => {
    const hit = new Map<string, number>();
    const faults: Fault[] = ['slowdown', 'error500', 'cut'];
    decide = (method, path) => {
      if (method !== 'GET' || !path.includes('/CloudTrail/')) return 'pass';
      const n = (hit.get(path) ?? 0) + 1;
      hit.set(path, n);
      // Every 25th object fails once, in turn with each kind of fault; the retry succeeds.
      const index = [...hit.keys()].indexOf(path);
      return n === 1 && index % 25 === 0 ? faults[(index / 25) % 3]! : 'pass';
    };
    proxy.log.length = 0;
    const out = join(work, 'out-s3');
    const r = await s3Cli(['report', `s3://${BUCKET}/AWSLogs/`, '--from', FROM, '--to', TO, '--format', 'json', '--out', out, '--quiet', '--strict']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(proxy.log.filter((l) => l.fault !== 'pass').map((l) => l.fault)).toEqual(expect.arrayContaining(['slowdown', 'error500', 'cut']));
    expect(getsOf((p) => p.includes('/2026/05/'))).toEqual([]);

    const disk = join(work, 'out-disk');
    expect(runCli(['report', join(work, 'gen/export'), '--from', FROM, '--to', TO, '--format', 'json', '--out', disk, '--quiet']).status).toBe(0);
    const fromS3 = readReport(out);
    expect(evidence(fromS3)).toEqual(evidence(readReport(disk)));
    expect(fromS3.rejected).toEqual([]);
    expect([...fromS3.inputs].every((i) => i.path.startsWith(`s3://${BUCKET}/AWSLogs/`))).toBe(true);
    // The inputs as given, an S3 URI as an S3 URI, in report.json and the manifest, which lists each object.
    expect(fromS3.invocation.inputs).toEqual([`s3://${BUCKET}/AWSLogs/`]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { invocation: { inputs: string[] }; inputs: { path: string }[] };
    expect(manifest.invocation.inputs).toEqual([`s3://${BUCKET}/AWSLogs/`]);
    expect(manifest.inputs.map((i) => i.path)).toEqual([...fromS3.inputs].map((i) => i.path));
    expect(fromS3.integrity.mismatched).toEqual([]);
    expect(fromS3.integrity.verified).toBeGreaterThan(0);
  });

  it('lists an object that keeps failing as rejected, goes on, and --strict fails the run', async () => {
    let victim = '';
    decide = (method, path) => {
      if (method === 'GET' && path.includes('/CloudTrail/') && (victim === '' || victim === path)) {
        victim = path;
        return 'error500';
      }
      return 'pass';
    };
    const out = join(work, 'out-fail');
    const r = await s3Cli(['report', `s3://${BUCKET}/AWSLogs/`, '--from', FROM, '--to', TO, '--format', 'json', '--out', out, '--quiet', '--strict']);
    expect(r.status).toBe(3);
    const report = readReport(out);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.path).toBe(`s3://${victim.slice(1)}`);
    expect(report.rejected[0]!.reason).toMatch(/^download failed: .*\(after 4 attempts\)$/);
    expect(report.counts.files.read).toBe(report.counts.files.used + report.counts.files.rejected + report.counts.files.skipped);
    decide = () => 'pass';
  }, 180_000);

  it('pulls for an air-gapped machine, resumes after an interruption, and the offline report needs no network', async () => {
    decide = () => 'pass';
    const dest = join(work, 'pulled');
    // Interrupt the first pull half-way, as a dropped session would.
    const child = spawn(process.execPath, [CLI, 'pull', `s3://${BUCKET}/AWSLogs/`, '--from', FROM, '--to', TO, '--out', dest, '--quiet', '--concurrency', '2', '--endpoint-url', `http://127.0.0.1:${proxy.port}`], { env: { ...process.env, ...S3_ENV }, stdio: 'ignore' });
    const journal = join(dest, '.configtrail-pull.jsonl');
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0;
        if (lines >= 300) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => child.once('exit', r));
    const before = readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
    expect(existsSync(join(dest, 'manifest.json'))).toBe(false);

    proxy.log.length = 0;
    const r = await s3Cli(['pull', `s3://${BUCKET}/AWSLogs/`, '--from', FROM, '--to', TO, '--out', dest, '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { downloaded: number; resumed: number; objects: number; rejected: unknown[] };
    expect(summary.rejected).toEqual([]);
    expect(summary.resumed).toBeGreaterThanOrEqual(before - 2);
    expect(summary.downloaded + summary.resumed).toBe(summary.objects);
    expect(getsOf(() => true).length).toBe(summary.downloaded);
    const manifest = JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8')) as { objects: { key: string; size: number; etag: string; sha256: string }[] };
    expect(manifest.objects).toHaveLength(summary.objects);
    expect(manifest.objects[0]).toEqual({ key: expect.stringMatching(/^AWSLogs\//) as unknown, size: expect.any(Number) as unknown, etag: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });

    // Offline: the report over the pulled folder runs in a network namespace with no network at all.
    const offline = join(work, 'out-offline');
    const args = [CLI, 'report', dest, '--from', FROM, '--to', TO, '--format', 'json', '--out', offline, '--quiet'];
    const isolated = spawnSync('unshare', ['-n', process.execPath, ...args], { encoding: 'utf8' });
    const ran = isolated.status === 0 ? isolated : spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (isolated.status !== 0) console.warn(`unshare -n unavailable (${isolated.stderr.trim()}): offline run without network isolation`);
    expect(ran.status).toBe(0);
    const airGapped = readReport(offline);
    const fromS3 = readReport(join(work, 'out-s3'));
    expect(evidence(airGapped)).toEqual(evidence(fromS3));
    expect(airGapped.integrity).toEqual(fromS3.integrity);
    expect(airGapped.counts.records).toEqual(fromS3.counts.records);
    // Only configtrail's own manifest and journal are extra, and they are listed as skipped.
    expect(airGapped.skipped.map((s) => s.path.slice(dest.length + 1)).sort()).toEqual(['.configtrail-pull.jsonl', 'manifest.json']);
  }, 240_000);

  it('refuses a key that would land outside the pull folder', async () => {
    const evil = join(work, 'evil');
    mkdirSync(join(evil, 'AWSLogs'), { recursive: true });
    const s3b = await startS3rver(join(work, 's3rver-evil'), 'evil-bucket');
    try {
      const src = join(work, 'gen/export/AWSLogs');
      const acct = readdirSync(src)[0]!;
      cpSync(join(src, acct, 'Config'), join(evil, 'AWSLogs', acct, 'Config'), { recursive: true });
      await uploadTree(s3b.port, 'evil-bucket', evil);
      // A key that is a traversal on systems that treat \\ as a separator. (A literal ../ key would
      // make s3rver itself write outside its folder, so the test uses the backslash form.)
      await uploadTree(s3b.port, 'evil-bucket', join(work, 'gen/export/AWSLogs', acct, 'Config/us-east-1/2026/7/1'), 'AWSLogs\\..\\..\\escape\\');
      const dest = join(work, 'pulled-evil');
      const r = await s3Cli(['pull', 's3://evil-bucket/', '--from', FROM, '--to', TO, '--out', dest, '--json'], s3b.port);
      expect(r.status).toBe(0);
      const summary = JSON.parse(r.stdout) as { rejected: { path: string; reason: string }[] };
      expect(summary.rejected.length).toBeGreaterThan(0);
      for (const x of summary.rejected) expect(x.reason).toMatch(/^key not written: key name contains a backslash$/);
      expect(existsSync(join(work, 'escape'))).toBe(false);
      expect(readdirSync(dest).sort()).toEqual(['.configtrail-pull.jsonl', 'AWSLogs', 'manifest.json']);
    } finally {
      await s3b.stop();
    }
  }, 120_000);
});

