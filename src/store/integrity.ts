import { verify } from 'node:crypto';
import type { DigestFile, IntegrityLevel, IntegrityResult } from '../model/types.js';
import { cmp } from '../util/compare.js';
import type { DigestPublicKey } from './keys.js';

const AWSLOGS = 'AWSLogs/';

/** Entries each list of the integrity result holds at most (the first by path); its total is counted. */
export const LIST_LIMIT = 1000;

/** The S3 key of a delivered file from its display path (`…/AWSLogs/…` or `archive!AWSLogs/…`). */
export function deliveredKey(path: string): string | undefined {
  const at = path.lastIndexOf(AWSLOGS);
  return at < 0 ? undefined : path.slice(at);
}

/** `YYYYMMDDTHHMM[SS]` as epoch ms, or undefined. */
function stamp(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const ms = Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), s.length > 13 ? +s.slice(13, 15) : 0);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When a log file was delivered, from its name (`…_20260701T1205Z_<unique>.json.gz`). */
export function logDeliveredMs(key: string): number | undefined {
  return stamp(/_(\d{8}T\d{4})Z_[^/]*$/.exec(key)?.[1]);
}

const DIGEST_NAME = /\/\d{4}\/\d{2}\/\d{2}\/([^/]*)_(\d{8}T\d{6})Z(_backfill)?\.json(?:\.gz)?$/;

/** A digest's end time, from its name (`…_20260701T1325Z.json.gz`, `…_backfill.json.gz`). */
export function digestKeyMs(key: string): number | undefined {
  return stamp(DIGEST_NAME.exec(key)?.[2]);
}

/** The chain a digest belongs to: its key without the date folders and time (one per trail, account and region; backfill apart). */
function chainOf(key: string): string {
  return key.replace(DIGEST_NAME, (_m, name: string, _t: string, backfill?: string) => `/${name}${backfill ?? ''}`);
}

function regionOf(key: string): string {
  return /\/CloudTrail-Digest\/([^/]+)\//.exec(key)?.[1] ?? '';
}

/** A list that keeps the first `LIST_LIMIT` entries in its order, and counts them all. */
class Capped<T> {
  private items: T[] = [];
  total = 0;
  constructor(private readonly order: (a: T, b: T) => number) {}
  push(x: T): void {
    this.total++;
    this.items.push(x);
    if (this.items.length >= 2 * LIST_LIMIT) this.trim();
  }
  private trim(): void {
    this.items.sort(this.order);
    this.items.length = Math.min(this.items.length, LIST_LIMIT);
  }
  list(): T[] {
    this.trim();
    return [...this.items];
  }
}

/** A digest read, held until the next digest of its chain (which carries its signature) comes. */
interface Held {
  key: string;
  path: string;
  chain: string;
  accountId: string;
  region: string;
  endTime: string;
  startMs: number;
  endMs: number;
  digest: DigestFile;
  /** Its signature has been checked (or found impossible to check). */
  settled: boolean;
}

/** A digest waiting for the one it names as previous. */
interface Successor {
  key: string;
  path: string;
  chain: string;
  previousHashValue: string | null | undefined;
  previousSignature: string | null | undefined;
}

export interface IntegrityOptions {
  /** Only log files delivered, and digests ending, in [startMs, endMs) are judged missing or uncovered; none: all. */
  window?: { startMs: number; endMs: number };
  /** CloudTrail's public keys (`--public-keys`): without them, signatures are not verified. */
  publicKeys?: readonly DigestPublicKey[];
}

/**
 * CloudTrail log file integrity, checked as files arrive, as `aws cloudtrail validate-logs` checks
 * it online: each digest lists the SHA-256 of the uncompressed log files delivered in its hour and
 * names the previous digest (its SHA-256, uncompressed, and its signature); a digest is signed
 * (SHA256withRSA over its end time, S3 path, SHA-256 and the previous signature) and its signature
 * is in its S3 object's metadata and in the next digest.
 *
 * A log file and its digest entry meet whichever comes first, and a digest and the next one in its
 * chain likewise; once matched, both are forgotten, so only the unmatched ones are held: about a
 * day's, as the sources stage reads each day's digests right after that day's log files
 * (sources/layout.ts). What is left at the end is what is missing or uncovered.
 */
export class IntegrityTracker {
  /** Log files read whose digest entry has not been seen: key → SHA-256 of the content. */
  private readonly logs = new Map<string, { sha256: string; path: string }>();
  /** Digest entries whose log file has not been read: key → expected SHA-256 and the digest. */
  private readonly expected = new Map<string, { sha256: string; digest: string }>();
  /** Digests whose successor has not been read, by key. */
  private readonly awaitingNext = new Map<string, Held>();
  /** Digests whose predecessor has not been read, by the predecessor's key. */
  private readonly awaitingPrevious = new Map<string, Successor[]>();
  /** Starting digests (no previous one), per chain: a restart after a gap, unless the chain's first. */
  private readonly heads: Held[] = [];
  /** Per chain, the earliest digest end read (a missing predecessor before it is outside the input). */
  private readonly chainStart = new Map<string, number>();
  private verified = 0;
  private readonly mismatched = new Capped<IntegrityResult['mismatched'][number]>((a, b) => cmp(a.path, b.path) || cmp(a.actual, b.actual));
  private readonly uncoveredFiles = new Capped<{ path: string }>((a, b) => cmp(a.path, b.path));
  private readonly missingFiles = new Capped<{ path: string; digest: string }>((a, b) => cmp(a.path, b.path) || cmp(a.digest, b.digest));
  private readonly invalid = new Capped<{ path: string; reason: string }>((a, b) => cmp(a.path, b.path) || cmp(a.reason, b.reason));
  private readonly breaks = new Capped<IntegrityResult['chainBreaks'][number]>(
    (a, b) => cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.after, b.after) || cmp(a.before, b.before) || cmp(a.reason, b.reason),
  );
  private readonly counts = { read: 0, valid: 0, unchecked: 0, noKey: 0, tail: 0 };

  constructor(private readonly opts: IntegrityOptions = {}) {}

  /** A delivered CloudTrail log file, by its display path and the SHA-256 of its uncompressed content. */
  addLog(path: string, contentSha256: string): void {
    const key = deliveredKey(path);
    if (!key) {
      // Not where CloudTrail delivers: no digest can name it.
      this.uncoveredFiles.push({ path });
      return;
    }
    const want = this.expected.get(key);
    if (want === undefined) {
      this.logs.set(key, { sha256: contentSha256, path });
      return;
    }
    this.expected.delete(key);
    this.compare(path, want.sha256, contentSha256);
  }

  addDigest(digest: DigestFile): void {
    this.counts.read++;
    const path = digest.source.path;
    for (const f of digest.logFiles) {
      const key = deliveredKey(f.s3Object);
      if (!key) continue;
      const want = f.hashValue.toLowerCase();
      const log = this.logs.get(key);
      if (log === undefined) {
        this.expected.set(key, { sha256: want, digest: path });
        continue;
      }
      this.logs.delete(key);
      this.compare(log.path, want, log.sha256);
    }

    const key = deliveredKey(path) ?? (digest.digestS3Object ? (deliveredKey(digest.digestS3Object) ?? digest.digestS3Object) : path);
    const chain = chainOf(key);
    const endMs = Date.parse(digest.digestEndTime);
    const held: Held = {
      key,
      path,
      chain,
      accountId: digest.accountId,
      region: regionOf(key),
      endTime: digest.digestEndTime,
      startMs: Date.parse(digest.digestStartTime),
      endMs,
      digest,
      settled: false,
    };
    const first = this.chainStart.get(chain);
    if (first === undefined || endMs < first) this.chainStart.set(chain, endMs);

    // Where it is stored must be where CloudTrail delivered it: its signature covers that path.
    const named = digest.digestS3Object === undefined ? undefined : deliveredKey(digest.digestS3Object);
    if (named !== undefined && deliveredKey(path) !== undefined && named !== key) {
      this.invalidate(held, `moved from its original location: stored as ${key}, delivered as ${named}`);
    } else if (digest.signature !== undefined) this.settle(held, digest.signature);

    if (digest.previousS3Object) {
      const prevKey = deliveredKey(digest.previousS3Object) ?? digest.previousS3Object;
      const succ: Successor = { key, path, chain, previousHashValue: digest.previousHashValue, previousSignature: digest.previousSignature };
      const prev = this.awaitingNext.get(prevKey);
      if (prev) {
        this.awaitingNext.delete(prevKey);
        this.link(prev, succ);
      } else {
        const waiting = this.awaitingPrevious.get(prevKey);
        if (waiting) waiting.push(succ);
        else this.awaitingPrevious.set(prevKey, [succ]);
      }
    } else this.heads.push(held);

    const next = this.awaitingPrevious.get(key);
    if (next) {
      this.awaitingPrevious.delete(key);
      for (const s of next) this.link(held, s);
    } else this.awaitingNext.set(key, held);
  }

  /** A digest and the next one in its chain: the next one's hash of it, and its signature. */
  private link(prev: Held, next: Successor): void {
    const want = next.previousHashValue?.toLowerCase();
    if (want !== prev.digest.contentSha256) {
      this.chainBreak(prev, prev.key, next.key, `previousDigestHashValue of ${next.key} (${want ?? 'none'}) does not match ${prev.key} as read (SHA-256 ${prev.digest.contentSha256 ?? 'unknown'}): the earlier digest was altered or replaced`);
    }
    const signature = next.previousSignature ?? undefined;
    if (prev.digest.signature !== undefined && signature !== undefined && signature.toLowerCase() !== prev.digest.signature.toLowerCase()) {
      this.chainBreak(prev, prev.key, next.key, `previousDigestSignature of ${next.key} differs from the signature in ${prev.key}'s S3 metadata`);
    }
    if (!prev.settled) {
      if (signature === undefined) this.invalidate(prev, `${next.key} names it as previous but gives no previousDigestSignature`);
      else this.settle(prev, signature);
    }
  }

  private chainBreak(h: Pick<Held, 'accountId' | 'region'>, after: string, before: string, reason: string): void {
    this.breaks.push({ accountId: h.accountId, region: h.region, after, before, reason });
  }

  private invalidate(h: Held, reason: string): void {
    h.settled = true;
    this.invalid.push({ path: h.path, reason });
  }

  /** Checks a digest's signature (hex), when public keys were given. */
  private settle(h: Held, signature: string): void {
    if (h.settled) return;
    const keys = this.opts.publicKeys;
    if (!keys || keys.length === 0) {
      h.settled = true;
      this.counts.unchecked++;
      this.counts.noKey++;
      return;
    }
    const d = h.digest;
    if (!d.digestS3Bucket || !d.digestS3Object || !d.fingerprint || !d.contentSha256 || Number.isNaN(h.endMs)) {
      return this.invalidate(h, 'lacks digestS3Bucket, digestS3Object or digestPublicKeyFingerprint: its signature cannot be checked');
    }
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(signature)) return this.invalidate(h, 'its signature is not hexadecimal');
    const fingerprint = d.fingerprint.toLowerCase();
    const named = keys.filter((k) => k.fingerprint === fingerprint);
    if (named.length === 0) return this.invalidate(h, `no public key with fingerprint ${fingerprint} among --public-keys`);
    const valid = named.filter((k) => k.startMs <= h.endMs && h.endMs <= k.endMs);
    if (valid.length === 0) return this.invalidate(h, `public key ${fingerprint} was not valid at ${h.endTime}`);
    const data = Buffer.from(`${h.endTime}\n${d.digestS3Bucket}/${d.digestS3Object}\n${d.contentSha256}\n${d.previousSignature ?? 'null'}`, 'utf8');
    const sig = Buffer.from(signature, 'hex');
    const ok = valid.some((k) => {
      try {
        return verify('RSA-SHA256', data, k.key, sig);
      } catch {
        return false;
      }
    });
    if (!ok) return this.invalidate(h, `signature verification failed (key ${fingerprint}): the digest or its chain was altered`);
    h.settled = true;
    this.counts.valid++;
  }

  private compare(path: string, expected: string, actual: string): void {
    if (expected === actual) this.verified++;
    else this.mismatched.push({ path, expected, actual });
  }

  private inWindow(ms: number | undefined): boolean {
    const w = this.opts.window;
    return w === undefined || ms === undefined || (ms >= w.startMs && ms < w.endMs);
  }

  finish(): IntegrityResult {
    // Log files: unmatched on either side, in the window.
    for (const [key, log] of this.logs) if (this.inWindow(logDeliveredMs(key))) this.uncoveredFiles.push({ path: log.path });
    this.logs.clear();
    for (const [key, e] of this.expected) if (this.inWindow(logDeliveredMs(key))) this.missingFiles.push({ path: key, digest: e.digest });
    this.expected.clear();

    // Digests named as previous and never read: deleted (within the window, after the chain's first digest read).
    for (const [prevKey, succs] of this.awaitingPrevious) {
      const at = digestKeyMs(prevKey);
      for (const s of succs) {
        const first = this.chainStart.get(s.chain);
        const inside = this.opts.window !== undefined ? this.inWindow(at) : at === undefined || first === undefined || at >= first;
        if (!inside) continue;
        this.breaks.push({ accountId: accountOf(s.key), region: regionOf(s.key), after: prevKey, before: s.key, reason: `digest missing: ${s.key} names ${prevKey} as previous, which is not among the inputs` });
      }
    }
    this.awaitingPrevious.clear();

    // Digests no later one names: each chain's last read, or the last before a restart.
    const tails = new Map<string, Held[]>();
    for (const h of this.awaitingNext.values()) {
      if (!h.settled) {
        h.settled = true;
        this.counts.unchecked++;
        if (this.opts.publicKeys?.length) this.counts.tail++;
        else this.counts.noKey++;
      }
      const list = tails.get(h.chain);
      if (list) list.push(h);
      else tails.set(h.chain, [h]);
    }
    this.awaitingNext.clear();
    // A starting digest after others of its chain: no digest between the one before it and it.
    for (const head of this.heads.sort((a, b) => a.startMs - b.startMs || cmp(a.key, b.key))) {
      if (head.chain.endsWith('_backfill')) continue;
      const list = tails.get(head.chain) ?? [];
      let best = -1;
      for (let i = 0; i < list.length; i++) if (list[i]!.endMs <= head.startMs && (best < 0 || list[i]!.endMs > list[best]!.endMs)) best = i;
      if (best < 0) continue;
      const tail = list.splice(best, 1)[0]!;
      if (!this.inWindow(head.startMs) && !this.inWindow(tail.endMs)) continue;
      const hours = Math.max(0, Math.round((head.startMs - tail.endMs) / 3_600_000));
      this.chainBreak(head, tail.key, head.key, `no digest from ${tail.endTime} to ${head.digest.digestStartTime} (${hours} h): the chain restarts there (logging stopped or validation disabled, or digests deleted)`);
    }
    this.heads.length = 0;

    const c = this.counts;
    const invalid = this.invalid.total;
    const level: IntegrityLevel = c.valid + invalid > 0 ? 'hash+chain+signature' : c.read > 0 ? 'hash+chain' : 'hash';
    const notes: string[] = [];
    if (c.read === 0) notes.push('no CloudTrail digest files in the input: log files could not be checked, and no chain');
    if (c.noKey > 0) notes.push('signatures not verified: no public keys given (--public-keys, the output of `aws cloudtrail list-public-keys`)');
    if (c.tail > 0) {
      notes.push(`${c.tail} digest signature(s) not checked: the last of a chain in the input, whose signature is only in its S3 object metadata (read it from s3:// to check it)`);
    }
    return {
      level,
      verified: this.verified,
      mismatched: this.mismatched.list(),
      mismatchedTotal: this.mismatched.total,
      uncovered: this.uncoveredFiles.total,
      uncoveredFiles: this.uncoveredFiles.list(),
      missing: this.missingFiles.total,
      missingFiles: this.missingFiles.list(),
      digests: { read: c.read, signatureValid: c.valid, signatureUnchecked: c.unchecked, signatureInvalid: this.invalid.list(), signatureInvalidTotal: invalid },
      chainBreaks: this.breaks.list(),
      chainBreaksTotal: this.breaks.total,
      notes,
    };
  }
}

function accountOf(key: string): string {
  return /\/(\d{12})\/CloudTrail-Digest\//.exec(key)?.[1] ?? '';
}

/** The result over no CloudTrail files at all. */
export function emptyIntegrity(): IntegrityResult {
  return new IntegrityTracker().finish();
}

/** Whether the integrity check found tampering or a gap (what makes `configtrail verify` exit 1). */
export function integrityFailed(r: IntegrityResult): boolean {
  return r.mismatchedTotal > 0 || r.missing > 0 || r.uncovered > 0 || r.digests.signatureInvalidTotal > 0 || r.chainBreaksTotal > 0;
}
