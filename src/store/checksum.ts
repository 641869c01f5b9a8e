import { createHash, hash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { printable } from '../util/printable.js';

/**
 * The checksums of the workspace: every file configtrail writes there carries the SHA-256 of its
 * content, computed as it is written, and a reader uses a file only when the content it read has
 * that sum. They catch accidental corruption (a truncated file, a flipped bit, a disk that filled
 * up), never deliberate edits: whoever can write the workspace can recompute them (README, "Trust
 * model of the workspace").
 *
 * Two forms, one sum:
 *   - a file read whole (a pack, a stat entry, an ingest's meta.json, the tables' sums) is sealed:
 *     its body, then a trailer line `#sha256 <hex>` of the body;
 *   - a file read as a stream (the NDJSON of a saved ingest, the query tables), which others read
 *     as they stand (DuckDB, report.json's copy of the input list), keeps its bytes: its sum is
 *     recorded in the sealed file beside it and checked as the file is read.
 *
 * A file that does not match is said so in one line on stderr, removed (it is a cache: the run
 * that needs it writes it again) and treated as absent.
 */

const MARK = '\n#sha256 ';
/** The trailer: MARK, 64 hex digits, a newline. */
const TRAILER_BYTES = MARK.length + 64 + 1;

/** One call into OpenSSL: a hash object per file cost more than hashing a small file. */
export function sha256Of(bytes: Buffer | string): string {
  return hash('sha256', bytes, 'hex');
}

/** The body followed by its trailer. */
export function seal(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([bytes, Buffer.from(`${MARK}${sha256Of(bytes)}\n`)]);
}

/** Whether the bytes end in a trailer at all (a file of a version before checksums has none). */
export function isSealed(bytes: Buffer): boolean {
  return bytes.length >= TRAILER_BYTES && bytes.toString('latin1', bytes.length - TRAILER_BYTES, bytes.length - 65) === MARK;
}

/** The body of a sealed file when it matches its trailer; else undefined, said and removed (see damaged). */
export function unseal(path: string, bytes: Buffer, remedy: string): Buffer | undefined {
  if (isSealed(bytes)) {
    const body = bytes.subarray(0, bytes.length - TRAILER_BYTES);
    if (sha256Of(body) === bytes.toString('latin1', bytes.length - 65, bytes.length - 1)) return body;
  }
  damaged(path, remedy);
  return undefined;
}

/** The SHA-256 a workspace file must have, and what the run does when it has not. */
export interface Checked {
  sha256: string | undefined;
  remedy: string;
}

/** A workspace file whose content does not match its checksum (see damaged). */
export class DamagedFile extends Error {
  constructor(readonly path: string) {
    super(`${path} does not match its checksum`);
  }
}

/** Files already said to be damaged by this process: each is said once. */
const said = new Set<string>();

/**
 * Says in one line that a workspace file does not match its checksum and what the run does
 * instead, and removes it so that it is written again whole.
 */
export function damaged(path: string, remedy: string): void {
  if (!said.has(path)) {
    said.add(path);
    process.stderr.write(`configtrail: workspace file ${printable(path)} does not match its checksum (damaged): not used; ${remedy}\n`);
  }
  try {
    rmSync(path, { force: true });
  } catch {
    // Only tidying: a damaged file is never used, whether it is there or not.
  }
}

/** What a run does when part of a saved ingest is damaged. */
export const READ_AGAIN = 'the inputs are read again';

/**
 * A running SHA-256 over what a stream writes or reads. `check` is given the expected sum once the
 * stream is whole; `current` is the sum so far (a file still being written).
 */
export class RunningSum {
  private readonly h = createHash('sha256');

  update(chunk: Buffer | string): void {
    this.h.update(chunk);
  }

  current(): string {
    return this.h.copy().digest('hex');
  }
}

/**
 * Hashes a file the run does not otherwise read before using it (a saved ingest's input list, which
 * the report copies as it stands); throws DamagedFile, said, when it does not match `expected`.
 */
export function verifyFile(path: string, { sha256: expected, remedy }: Checked): void {
  const sum = new RunningSum();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    damaged(path, remedy);
    throw new DamagedFile(path);
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) sum.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  if (sum.current() !== expected) {
    damaged(path, remedy);
    throw new DamagedFile(path);
  }
}
