import { hash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IntegrityResult, ParsedFile, Period } from '../model/types.js';
import { UsageError } from '../util/errors.js';

/**
 * `report --engine-results DIR --verified FILE`: what `configtrail verify --from … --to … --json`
 * found over the delivered files the engine read. Engine rows carry no digest; this file stands for
 * their integrity check. It must cover the report's period; its integrity result then stands as the
 * report's (its gaps become coverage gaps, as in a direct run), and the file is listed in the inputs.
 */

export interface Verification {
  /** The file as an input of the run (kind `cloudtrail-verification`, with its SHA-256). */
  parsed: ParsedFile;
  /** The days `verify` required every log file and digest of (its --from and --to). */
  period: { from: string; to: string };
  integrity: IntegrityResult;
}

/** Larger than any verify output (its lists are cut at their first entries). */
const MAX_BYTES = 64 * 1024 * 1024;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LEVELS = new Set(['hash', 'hash+chain', 'hash+chain+signature']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** A list of objects whose named fields are all strings. */
const listOf = (v: unknown, fields: string[]) => Array.isArray(v) && v.every((x) => isObj(x) && fields.every((f) => typeof x[f] === 'string'));

/** Why `v` is not the integrity object `verify --json` writes, or undefined when it is. */
function notIntegrity(v: Obj): string | undefined {
  if (typeof v.level !== 'string' || !LEVELS.has(v.level)) return 'no integrity level';
  for (const k of ['verified', 'mismatchedTotal', 'uncovered', 'missing', 'chainBreaksTotal']) if (!count(v[k])) return `"${k}" is not a count`;
  if (!listOf(v.mismatched, ['path', 'expected', 'actual'])) return '"mismatched" is not a list of files';
  if (!listOf(v.uncoveredFiles, ['path'])) return '"uncoveredFiles" is not a list of files';
  if (!listOf(v.missingFiles, ['path', 'digest'])) return '"missingFiles" is not a list of files';
  if (!listOf(v.chainBreaks, ['accountId', 'region', 'after', 'before', 'reason'])) return '"chainBreaks" is not a list of chain breaks';
  if (!Array.isArray(v.notes) || !v.notes.every((n) => typeof n === 'string')) return '"notes" is not a list of lines';
  const d = v.digests;
  if (!isObj(d) || !['read', 'signatureValid', 'signatureUnchecked', 'signatureInvalidTotal'].every((k) => count(d[k])) || !listOf(d.signatureInvalid, ['path', 'reason'])) return '"digests" is not the digest counts';
  return undefined;
}

/** Reads and checks `--verified FILE` against the report's period; every mistake is a usage error. */
export function readVerification(path: string, period: Period): Verification {
  const fail = (why: string): never => {
    throw new UsageError(`--verified ${path}: ${why}`);
  };
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) fail('not a regular file');
    if (st.size > MAX_BYTES) fail(`larger than ${MAX_BYTES / 1024 / 1024} MiB: not the output of \`configtrail verify --json\``);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return fail(`not JSON (${(err as Error).message}): give the output of \`configtrail verify --from … --to … --json\``);
  }
  if (!isObj(doc)) return fail('not the output of `configtrail verify --json` (not a JSON object)');
  const why = notIntegrity(doc);
  if (why) return fail(`not the output of \`configtrail verify --json\` (${why})`);
  const p = doc.period;
  if (!isObj(p) || typeof p.from !== 'string' || typeof p.to !== 'string' || !DAY.test(p.from) || !DAY.test(p.to)) {
    return fail(`names no period: run \`configtrail verify <delivered files> --from ${period.from} --to ${period.to} --json\``);
  }
  if (p.from > period.from || p.to < period.to) {
    return fail(`verified ${p.from}..${p.to}, which does not cover the report's period ${period.from}..${period.to}: run \`configtrail verify\` with --from ${period.from} --to ${period.to}`);
  }
  // Only the fields an integrity result has: anything else in the file is not carried into the report.
  const d = doc.digests as Obj;
  const integrity = {
    level: doc.level,
    verified: doc.verified,
    mismatched: doc.mismatched,
    mismatchedTotal: doc.mismatchedTotal,
    uncovered: doc.uncovered,
    uncoveredFiles: doc.uncoveredFiles,
    missing: doc.missing,
    missingFiles: doc.missingFiles,
    digests: { read: d.read, signatureValid: d.signatureValid, signatureUnchecked: d.signatureUnchecked, signatureInvalid: d.signatureInvalid, signatureInvalidTotal: d.signatureInvalidTotal },
    chainBreaks: doc.chainBreaks,
    chainBreaksTotal: doc.chainBreaksTotal,
    notes: doc.notes,
  } as IntegrityResult;
  const parsed: ParsedFile = {
    input: { path, sha256: hash('sha256', bytes, 'hex'), size: bytes.length, kind: 'cloudtrail-verification', records: 0, rejected: 0 },
    events: [],
    items: [],
    rejected: [],
  };
  return { parsed, period: { from: p.from, to: p.to }, integrity };
}
