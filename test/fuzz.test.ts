import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse/index.js';
import { nativeReader, useNativeReader } from '../src/parse/native.js';
import { keepRule } from '../src/store/keep.js';
import { ANY_PERIOD } from '../src/store/workspace.js';
import { resolvePeriod } from '../src/util/period.js';
import { REAL_DATA } from './helpers/cli.js';
import { cloudTrailEvent } from './helpers/records.js';

/**
 * Mutated real records through both readers, with a fixed seed and a bounded count: neither may
 * throw or hang, every record is used or rejected with a reason, and the native and TypeScript
 * readers give the same result.
 */

const MB = 1 << 20;
const RULES = [ANY_PERIOD, keepRule(resolvePeriod({ quarter: '2026-Q3' }), 3_600_000)];

/** A small seeded PRNG (mulberry32): the same seed, the same mutations, on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The CloudTrail records of the real samples (test/fixtures/real), and the generator's shape. */
function seeds(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [cloudTrailEvent()];
  const dir = join(REAL_DATA, 'awsdocs-cloudtrail');
  for (const f of readdirSync(dir).sort()) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    const records = Array.isArray((doc as { Records?: unknown }).Records) ? (doc as { Records: unknown[] }).Records : [doc];
    for (const r of records) if (r && typeof r === 'object' && !Array.isArray(r)) out.push(r as Record<string, unknown>);
  }
  return out;
}

const ODD_VALUES: unknown[] = [null, true, 0, -1, 1e308, '', ' ', 'x'.repeat(5000), '\u202e\u0000<script>', '__proto__', [], {}, [[[[]]]], '2026-02-30T00:00:00Z', '2026-07-02T10:00:00.123456+02:00', 'NaN'];

function mutate(record: Record<string, unknown>, next: () => number): unknown {
  const r: Record<string, unknown> = structuredClone(record);
  const keys = Object.keys(r);
  // A fresh copy each time: a value set in one place must not be changed through another.
  const pick = <T>(list: T[]): T => structuredClone(list[Math.floor(next() * list.length)]!);
  for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
    const op = Math.floor(next() * 6);
    const key = pick(keys.length > 0 ? keys : ['eventName']);
    if (op === 0) delete r[key];
    else if (op === 1) r[key] = pick(ODD_VALUES);
    else if (op === 2) r[pick(['eventTime', 'eventID', 'eventName', 'eventSource', 'awsRegion', 'readOnly', 'errorCode', 'userIdentity'])] = pick(ODD_VALUES);
    else if (op === 3) {
      // Nesting near and past the readers' depth limit.
      let deep: unknown = 'bottom';
      for (let d = 200 + Math.floor(next() * 120); d > 0; d--) deep = next() < 0.5 ? [deep] : { k: deep };
      r.requestParameters = deep;
    } else if (op === 4) r[`${key}\u0000`] = r[key];
    else if (r.userIdentity && typeof r.userIdentity === 'object') (r.userIdentity as Record<string, unknown>)[pick(['type', 'arn', 'accessKeyId', 'sessionContext'])] = pick(ODD_VALUES);
  }
  return next() < 0.05 ? pick(ODD_VALUES) : r;
}

afterEach(() => useNativeReader(true));

describe('fuzz: mutated real CloudTrail records', () => {
  it('never throw, never lose a record, and read alike natively and in TypeScript', () => {
    const next = rng(20261207);
    const base = seeds();
    expect(base.length).toBeGreaterThan(10);
    const native = nativeReader();
    let kept = 0;
    let rejected = 0;
    for (let round = 0; round < 250; round++) {
      const records = Array.from({ length: 8 }, () => mutate(base[Math.floor(next() * base.length)]!, next));
      const bytes = gzipSync(JSON.stringify({ Records: records }));
      const file = { path: `/in/fuzz-${round}.json.gz`, key: `AWSLogs/111111111111/CloudTrail/us-east-1/2026/07/02/fuzz-${round}.json.gz`, bytes };
      for (const keep of RULES) {
        useNativeReader(false);
        const ts = parseFile(file, { maxFileBytes: 16 * MB, keep });
        // Every record is counted: kept, dropped as not evidence, or rejected with a reason.
        expect(ts.input.records, `round ${round}`).toBe(records.length);
        for (const r of ts.rejected) expect(r.reason.length).toBeGreaterThan(0);
        kept += ts.events.length;
        rejected += ts.rejected.length;
        if (!native) continue;
        useNativeReader(true);
        expect(JSON.stringify(parseFile(file, { maxFileBytes: 16 * MB, keep })), `round ${round}`).toBe(JSON.stringify(ts));
      }
    }
    // The mutations reach both sides: records still read, and records refused with a reason.
    expect(kept).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
