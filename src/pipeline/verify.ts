import type { Counts, IntegrityResult, Period, Rejection } from '../model/types.js';
import type { S3Options } from '../sources/s3.js';
import { integrityFailed } from '../store/integrity.js';
import type { DigestPublicKey } from '../store/keys.js';
import { printable } from '../util/printable.js';
import { readEvidence } from './report.js';

export interface VerifyOptions {
  inputs: string[];
  /** The period whose log files and digests must all be there; none: the whole input. */
  period?: Period;
  publicKeys: DigestPublicKey[];
  maxFileBytes: number;
  s3?: S3Options;
}

export interface VerifyResult {
  period?: Period;
  integrity: IntegrityResult;
  counts: Counts;
  rejected: Rejection[];
}

/**
 * A period that keeps no evidence (1970-01-01 and nothing before it): `verify` reads the inputs
 * through the same stages as a report for their integrity alone.
 */
const NOTHING: Period = { from: '1970-01-01', to: '1970-01-01', startMs: 0, endMs: 0, label: 'integrity only' };

/** `configtrail verify`: the offline counterpart of `aws cloudtrail validate-logs`, over the same sources, parse and store stages. */
export async function runVerify(opts: VerifyOptions): Promise<VerifyResult> {
  const { evidence, closed } = await readEvidence({
    inputs: opts.inputs,
    period: NOTHING,
    windowMs: 0,
    maxFileBytes: opts.maxFileBytes,
    publicKeys: opts.publicKeys,
    integrityWindow: opts.period ? { startMs: opts.period.startMs, endMs: opts.period.endMs } : 'all',
    ...(opts.s3 ? { s3: opts.s3 } : {}),
  });
  await closed;
  return { ...(opts.period ? { period: opts.period } : {}), integrity: evidence.integrity, counts: evidence.counts, rejected: evidence.rejected };
}

/** Whether `verify` found everything verified: no tampering, no gap, and something to verify. */
export function verified(r: IntegrityResult): boolean {
  return r.digests.read > 0 && !integrityFailed(r);
}

function ratio(n: number, total: number, what: string): string {
  return `${n}/${total} ${what}`;
}

/** The summary `aws cloudtrail validate-logs` prints, for what was read here; a failure a line. */
export function formatVerify(r: VerifyResult): string {
  const i = r.integrity;
  const p = r.period;
  const lines = [p ? `Results requested for ${p.from}T00:00:00Z to ${p.to}T23:59:59Z` : 'Results requested for all the input (no --from/--to)'];
  lines.push(`Integrity verified: ${i.level}`);
  const d = i.digests;
  if (d.read === 0) lines.push('No digests found');
  else {
    const parts = [ratio(d.signatureValid, d.read, 'digest files valid')];
    if (d.signatureUnchecked > 0) parts.push(ratio(d.signatureUnchecked, d.read, 'digest files not signature-checked'));
    if (d.signatureInvalidTotal > 0) parts.push(ratio(d.signatureInvalidTotal, d.read, 'digest files INVALID'));
    lines.push(parts.join(', '));
  }
  const logs = i.verified + i.mismatchedTotal + i.missing;
  const logParts = [ratio(i.verified, logs, 'log files valid')];
  if (i.mismatchedTotal > 0) logParts.push(ratio(i.mismatchedTotal, logs, 'log files INVALID'));
  if (i.missing > 0) logParts.push(ratio(i.missing, logs, 'log files not found'));
  lines.push(logParts.join(', '));
  if (i.uncovered > 0) lines.push(`${i.uncovered} log file(s) listed in no digest`);
  if (i.chainBreaksTotal > 0) lines.push(`${i.chainBreaksTotal} break(s) in digest chains`);
  for (const n of i.notes) lines.push(`Note: ${n}`);
  lines.push('');
  for (const x of d.signatureInvalid) lines.push(`Digest file\t${printable(x.path)}\tINVALID: ${printable(x.reason)}`);
  for (const b of i.chainBreaks) lines.push(`Digest chain\t${printable(b.accountId)} ${printable(b.region)}\tBROKEN between ${printable(b.after)} and ${printable(b.before)}: ${printable(b.reason)}`);
  for (const m of i.mismatched) lines.push(`Log file\t${printable(m.path)}\tINVALID: hash value doesn't match (digest ${m.expected}, file ${m.actual})`);
  for (const m of i.missingFiles) lines.push(`Log file\t${printable(m.path)}\tINVALID: not found (listed in ${printable(m.digest)})`);
  for (const u of i.uncoveredFiles) lines.push(`Log file\t${printable(u.path)}\tINVALID: listed in no digest`);
  const listed = d.signatureInvalid.length + i.chainBreaks.length + i.mismatched.length + i.missingFiles.length + i.uncoveredFiles.length;
  const total = d.signatureInvalidTotal + i.chainBreaksTotal + i.mismatchedTotal + i.missing + i.uncovered;
  if (total > listed) lines.push(`… and ${total - listed} more (the first of each kind are listed; --json gives the same lists)`);
  for (const x of r.rejected) lines.push(`Rejected input\t${printable(x.path)}${x.record !== undefined ? ` #${x.record}` : ''}: ${printable(x.reason)}`);
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
