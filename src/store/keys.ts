import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';

/** One of CloudTrail's public keys, as `aws cloudtrail list-public-keys` gives it. */
export interface DigestPublicKey {
  fingerprint: string;
  /** Validity window, epoch ms (both ends inclusive). */
  startMs: number;
  endMs: number;
  key: KeyObject;
  /** The file it came from. */
  file: string;
}

/** A time as list-public-keys prints it: ISO 8601 (AWS CLI v2) or epoch seconds (v1, a number or a numeric string). */
function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The keys of one `aws cloudtrail list-public-keys` output (`{"PublicKeyList": [{Value, ValidityStartTime,
 * ValidityEndTime, Fingerprint}]}`; Value is base64 DER PKCS#1). A file that is not such a list, or
 * a key that cannot be loaded, is a usage error naming the file and the entry.
 */
export function readPublicKeys(file: string, text: string): DigestPublicKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--public-keys ${file}: not JSON (${(err as Error).message})`);
  }
  const o = doc as Record<string, unknown> | null;
  const list = o && typeof o === 'object' ? (o.PublicKeyList ?? o.publicKeyList) : undefined;
  if (!Array.isArray(list)) throw new UsageError(`--public-keys ${file}: not the output of \`aws cloudtrail list-public-keys\` (no PublicKeyList array)`);
  return list.map((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `--public-keys ${file}: PublicKeyList[${i}]`;
    const fingerprint = typeof e.Fingerprint === 'string' ? e.Fingerprint.trim().toLowerCase() : '';
    const startMs = timeOf(e.ValidityStartTime);
    const endMs = timeOf(e.ValidityEndTime);
    if (!fingerprint || typeof e.Value !== 'string' || startMs === undefined || endMs === undefined) {
      throw new UsageError(`${where} lacks a Fingerprint, Value, ValidityStartTime or ValidityEndTime`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(e.Value, 'base64'), format: 'der', type: 'pkcs1' });
    } catch (err) {
      throw new UsageError(`${where}: Value is not a base64 DER PKCS#1 RSA public key (${(err as Error).message})`);
    }
    return { fingerprint, startMs, endMs, key, file };
  });
}

/** The keys of every `--public-keys` file, in the order given. */
export function loadPublicKeys(files: readonly string[]): DigestPublicKey[] {
  return files.flatMap((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (err) {
      throw new UsageError(`--public-keys ${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    return readPublicKeys(f, text);
  });
}
