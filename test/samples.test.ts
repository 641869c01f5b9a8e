import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateExport, type GroundTruth } from '../samples/generator.js';
import { ROOT, tempDir } from './helpers/cli.js';
import { treeHash, walk } from './helpers/tree.js';

const opts = { from: '2026-07-01', to: '2026-07-10', accounts: 2, regions: ['us-east-1', 'eu-west-1'], targetEvents: 3000 };
let dirA: string;
let truth: GroundTruth;

beforeAll(async () => {
  dirA = tempDir('gen-a');
  truth = await generateExport({ ...opts, seed: 11, outDir: dirA });
});

describe('sample generator', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed does not', async () => {
    const dirB = tempDir('gen-b');
    await generateExport({ ...opts, seed: 11, outDir: dirB });
    expect(treeHash(dirB)).toBe(treeHash(dirA));
    const dirC = tempDir('gen-c');
    await generateExport({ ...opts, seed: 12, outDir: dirC });
    expect(treeHash(dirC)).not.toBe(treeHash(dirA));
  });

  it('writes the key layouts AWS delivers', () => {
    const keys = walk(join(dirA, 'export')).map((f) => relative(join(dirA, 'export'), f));
    const trail = /^AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Z0-9]{16}\.json\.gz$/;
    const digest = /^AWSLogs\/\d{12}\/CloudTrail-Digest\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail-Digest_[a-z0-9-]+_[\w-]+_[a-z0-9-]+_\d{8}T\d{6}Z\.json\.gz$/;
    const history = /^AWSLogs\/\d{12}\/Config\/[a-z0-9-]+\/\d{4}\/\d{1,2}\/\d{1,2}\/ConfigHistory\/\d{12}_Config_[a-z0-9-]+_ConfigHistory_AWS::\w+::\w+_\d{8}T\d{6}Z_\d{8}T\d{6}Z_\d+\.json\.gz$/;
    const snapshot = /^AWSLogs\/\d{12}\/Config\/[a-z0-9-]+\/\d{4}\/\d{1,2}\/\d{1,2}\/ConfigSnapshot\/\d{12}_Config_[a-z0-9-]+_ConfigSnapshot_\d{8}T\d{6}Z_[0-9a-f-]{36}\.json\.gz$/;
    const unmatched = keys.filter((k) => ![trail, digest, history, snapshot].some((re) => re.test(k)));
    expect(unmatched).toEqual([]);
    for (const re of [trail, digest, history, snapshot]) expect(keys.some((k) => re.test(k)), String(re)).toBe(true);
    // Config paths do not pad month and day; CloudTrail paths do.
    expect(keys.some((k) => k.includes('/Config/') && /\/2026\/7\/\d{1,2}\//.test(k))).toBe(true);
  });

  it('every file gunzips to JSON of its kind, and digests hold the SHA-256 of the delivered log files uncompressed', () => {
    const root = join(dirA, 'export');
    const hashes = new Map<string, string>();
    const digests: { logFiles: { s3Object: string; hashValue: string }[] }[] = [];
    for (const f of walk(root)) {
      const key = relative(root, f);
      const raw = readFileSync(f);
      const doc = JSON.parse(gunzipSync(raw).toString('utf8')) as Record<string, unknown>;
      if (key.includes('/CloudTrail/')) {
        expect(Array.isArray(doc.Records)).toBe(true);
        hashes.set(key, createHash('sha256').update(gunzipSync(raw)).digest('hex'));
      } else if (key.includes('/CloudTrail-Digest/')) digests.push(doc as never);
      else expect(Array.isArray(doc.configurationItems)).toBe(true);
    }
    const entries = digests.flatMap((d) => d.logFiles);
    expect(entries.length).toBe(hashes.size);
    for (const e of entries) expect(hashes.get(e.s3Object)).toBe(e.hashValue);
  });

  it('digests each hour once, its log files of both days when the hour follows midnight', async () => {
    // Dense enough that the last delivery window of a day and the first of the next both have files:
    // both are delivered in the next day's first hour, whose one digest must list them all.
    const dir = tempDir('gen-dense');
    await generateExport({ seed: 3, outDir: dir, from: '2026-07-01', to: '2026-07-03', accounts: 1, regions: ['us-east-1'], targetEvents: 20_000 });
    const root = join(dir, 'export');
    const logs = new Map<string, string>();
    const listed: string[] = [];
    const windows: string[] = [];
    let acrossMidnight = 0;
    for (const f of walk(root)) {
      const key = relative(root, f);
      const raw = readFileSync(f);
      if (key.includes('/CloudTrail/')) logs.set(key, createHash('sha256').update(gunzipSync(raw)).digest('hex'));
      else if (key.includes('/CloudTrail-Digest/')) {
        const d = JSON.parse(gunzipSync(raw).toString('utf8')) as { digestEndTime: string; logFiles: { s3Object: string; hashValue: string; oldestEventTime: string }[] };
        windows.push(d.digestEndTime);
        for (const e of d.logFiles) {
          expect(e.hashValue).toBe(logs.get(e.s3Object));
          listed.push(e.s3Object);
        }
        if (new Set(d.logFiles.map((e) => e.oldestEventTime.slice(0, 10))).size > 1) acrossMidnight++;
      }
    }
    expect(acrossMidnight).toBeGreaterThan(0);
    expect(new Set(windows).size).toBe(windows.length);
    expect(listed.sort()).toEqual([...logs.keys()].sort());
  });

  it('ground truth: each change names one successful CloudTrail record, but the one AWS made with none (no origin either)', () => {
    expect(truth.changes.length).toBeGreaterThan(5);
    const records = walk(join(dirA, 'export'))
      .filter((f) => f.includes('/CloudTrail/'))
      .flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: { eventID: string; errorCode?: string }[] }).Records);
    expect(records.length).toBe(truth.events);
    const unlogged = truth.changes.filter((c) => c.eventId === undefined);
    expect(unlogged.map((c) => [c.resourceType, c.origin, c.chain])).toEqual([['AWS::RDS::DBInstance', undefined, []]]);
    for (const c of truth.changes.filter((x) => x.eventId !== undefined)) {
      const hits = records.filter((r) => r.eventID === c.eventId);
      expect(hits, c.eventId).toHaveLength(1);
      expect(hits[0]!.errorCode).toBeUndefined();
    }
    expect(new Set(truth.changes.map((c) => c.originType)).size).toBeGreaterThanOrEqual(3);
  });

  it('writes the organization-trail layout when given an organization id', async () => {
    const dir = tempDir('gen-org');
    await generateExport({ ...opts, to: '2026-07-02', seed: 3, outDir: dir, organizationId: 'o-abc123def4' });
    const keys = walk(join(dir, 'export')).map((f) => relative(join(dir, 'export'), f));
    expect(keys.some((k) => /^AWSLogs\/o-abc123def4\/\d{12}\/CloudTrail\//.test(k))).toBe(true);
    expect(keys.some((k) => /^AWSLogs\/\d{12}\/Config\//.test(k))).toBe(true);
  });
});

const DEMO = join(ROOT, 'samples', 'demo');
describe.skipIf(!existsSync(join(DEMO, 'ground-truth.json')))('bundled demo sample', () => {
  it('equals a fresh generation with its parameters (npm run samples:demo)', async () => {
    const dir = tempDir('demo');
    await generateExport({ seed: 42, outDir: dir, from: '2026-07-01', to: '2026-09-30', accounts: 2, regions: ['us-east-1', 'eu-west-1'], targetEvents: 3000 });
    expect(treeHash(join(dir, 'export'))).toBe(treeHash(join(DEMO, 'export')));
    expect(readFileSync(join(dir, 'ground-truth.json'), 'utf8')).toBe(readFileSync(join(DEMO, 'ground-truth.json'), 'utf8'));
  });
});
