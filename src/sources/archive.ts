import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type * as Tar from 'tar-stream';
import type * as Yauzl from 'yauzl';
import { oneLine } from '../util/errors.js';
import { lazy } from '../util/lazy.js';

// Loaded when an archive is opened: most inputs are folders.
const tar = lazy<typeof Tar>('tar-stream');
const yauzl = lazy<typeof Yauzl>('yauzl');

/** One regular file inside an archive, already read into memory (bounded by `maxFileBytes`). */
export type ArchiveEntry =
  | { type: 'file'; name: string; bytes: Buffer }
  /** An entry that cannot be used: escaping path, too large, unreadable. */
  | { type: 'rejected'; name: string; reason: string }
  /** An entry that is not a regular file (symlink, device…). */
  | { type: 'skipped'; name: string; reason: string };

export type ArchiveFormat = 'tar' | 'tar.gz' | 'zip';

/** --max-archive-size by default: this many times --max-file-size. */
export const ARCHIVE_SIZE_FACTOR = 16;
/** Entries one archive (with the archives inside it) may hold: a small zip can list millions. */
export const MAX_ARCHIVE_ENTRIES = 1_000_000;

/** The limits of one archive read (see SourceOptions). */
export interface ArchiveLimits {
  /** Largest entry, decompressed. */
  maxFileBytes: number;
  /** Most bytes one archive, with the archives inside it, may inflate to in all. */
  maxArchiveBytes: number;
  /** Most entries it may hold, with the archives inside it. */
  maxEntries: number;
}

/** What is left of the limits of a top-level archive, shared with the archives inside it. */
export interface ArchiveBudget {
  bytes: number;
  entries: number;
}

/** The budget of a top-level archive. */
export function archiveBudget(limits: ArchiveLimits): ArchiveBudget {
  return { bytes: limits.maxArchiveBytes, entries: limits.maxEntries };
}

/** An archive refused whole, or from some entry on, for what it is (not corrupt: crafted or too large). */
export class ArchiveRefused extends Error {}

function spend(budget: ArchiveBudget, limits: ArchiveLimits, bytes: number, entries: number): void {
  budget.bytes -= bytes;
  budget.entries -= entries;
  if (budget.entries < 0) throw new ArchiveRefused(`more than ${limits.maxEntries} entries`);
  if (budget.bytes < 0) throw new ArchiveRefused(`inflates to more than ${limits.maxArchiveBytes} bytes in all (--max-archive-size)`);
}

/** Recognises archives by name; compressed single files (`.json.gz`) are not archives. */
export function archiveFormat(name: string): ArchiveFormat | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar.gz';
  if (n.endsWith('.tar')) return 'tar';
  if (n.endsWith('.zip')) return 'zip';
  return undefined;
}

/**
 * Why an entry name must not be used, or undefined when it is a safe relative path. Nothing is ever
 * extracted to disk, but entry names become display paths and keys, so the same rules apply as if
 * it were: no absolute paths, no drive letters, no `..` segments, no NUL, no backslashes.
 */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'empty entry name';
  if (name.includes('\0')) return 'entry name contains a NUL byte';
  if (name.includes('\\')) return 'entry name contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute entry path escapes the archive root';
  if (name.split('/').some((seg) => seg === '..')) return 'entry path escapes the archive root (..)';
  return undefined;
}

/** Hashes and measures the bytes that flow through it: the archive's SHA-256 as stored. */
class HashTap extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
}

export interface ArchiveReader {
  entries: AsyncGenerator<ArchiveEntry>;
  /** SHA-256 and size of the archive bytes, valid once `entries` has finished. */
  digest(): { sha256: string; size: number };
}

/**
 * Streams an archive's entries from a file or an in-memory buffer (a nested archive). Entries larger
 * than `maxFileBytes` (after decompression) are rejected without being buffered, so a bomb inside an
 * archive costs at most `maxFileBytes` of memory; a .tar.gz is decompressed as a stream, never whole.
 * All the archive's bytes (a tar's stream, decompressed; a zip's entries, inflated) and entries count
 * against `budget`, shared with the archives inside it: past it, ArchiveRefused. A zip whose entries
 * share data or are listed out of order is refused before any entry is read (see zipEntries). A
 * corrupt archive throws from the generator after the entries read so far.
 */
export function openArchive(source: string | Buffer, format: ArchiveFormat, limits: ArchiveLimits, budget = archiveBudget(limits)): ArchiveReader {
  const tap = new HashTap();
  if (format === 'zip') {
    let digest: { sha256: string; size: number } | undefined;
    const entries = (async function* () {
      // Zip needs random access to its central directory: a file is opened by descriptor (not
      // read whole); its hash comes from one streaming pass first.
      if (typeof source === 'string') {
        for await (const chunk of createReadStream(source)) {
          tap.hash.update(chunk as Buffer);
          tap.size += (chunk as Buffer).length;
        }
        digest = digestOf(tap);
      } else digest = digestOf(source);
      yield* zipEntries(typeof source === 'string' ? await zipOpenFile(source) : await zipOpen(source), limits, budget);
    })();
    return { entries, digest: () => digest ?? digestOf(tap) };
  }
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from([source]);
  const extract = tar().extract();
  const stages: NodeJS.ReadWriteStream[] = format === 'tar.gz' ? [createGunzip()] : [];
  // Every byte of the tar stream counts, the skipped entries' and the padding's too.
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        spend(budget, limits, chunk.length, 0);
        cb(null, chunk);
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  pipeline([input, tap, ...stages, meter, extract] as unknown as NodeJS.ReadWriteStream[], () => {
    // Errors surface through the extract stream's iterator; nothing to do here.
  });
  return { entries: tarEntries(extract, limits, budget), digest: () => digestOf(tap) };
}

function digestOf(src: HashTap | Buffer): { sha256: string; size: number } {
  if (Buffer.isBuffer(src)) return { sha256: createHash('sha256').update(src).digest('hex'), size: src.length };
  return { sha256: src.hash.copy().digest('hex'), size: src.size };
}


async function* tarEntries(extract: Tar.Extract, limits: ArchiveLimits, budget: ArchiveBudget): AsyncGenerator<ArchiveEntry> {
  const { maxFileBytes } = limits;
  for await (const entry of extract) {
    spend(budget, limits, 0, 1);
    const { name, type, size } = entry.header;
    const bad = unsafeEntryName(name);
    if (type === 'directory') {
      entry.resume();
      continue;
    }
    if (bad) {
      entry.resume();
      yield { type: 'rejected', name, reason: bad };
      continue;
    }
    if (type !== 'file' && type !== 'contiguous-file') {
      entry.resume();
      yield { type: 'skipped', name, reason: `not a regular file (tar entry type ${type})` };
      continue;
    }
    if ((size ?? 0) > maxFileBytes) {
      entry.resume();
      yield { type: 'rejected', name, reason: `archive entry of ${size} bytes exceeds the ${maxFileBytes}-byte limit` };
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    yield { type: 'file', name, bytes: Buffer.concat(chunks) };
  }
}

function zipOpen(buf: Buffer): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings:false: names arrive as bytes and are validated here, so one hostile name
    // rejects that entry instead of aborting the whole archive. autoClose:false: an entry is read
    // after the next is listed (see zipEntries), which may be the end; zipEntries closes it.
    yauzl().fromBuffer(buf, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open zip')) : resolve(zip),
    );
  });
}

function zipOpenFile(path: string): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl().open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open zip')) : resolve(zip),
    );
  });
}

function zipNext(zip: Yauzl.ZipFile): Promise<Yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: Yauzl.Entry) => done(() => resolve(e));
    const onEnd = () => done(() => resolve(undefined));
    const onError = (err: Error) => done(() => reject(err));
    const done = (f: () => void) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      f();
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

function zipRead(zip: Yauzl.ZipFile, entry: Yauzl.Entry, maxFileBytes: number): Promise<Buffer | string> {
  return new Promise((resolve) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return resolve(oneLine(err ?? 'cannot read entry'));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (c: Buffer) => {
        total += c.length;
        // The declared size may lie; stop as soon as the real output passes the limit.
        if (total > maxFileBytes) {
          stream.destroy();
          resolve(`decompressed entry exceeds the ${maxFileBytes}-byte limit`);
        } else chunks.push(c);
      });
      stream.on('error', (e) => resolve(oneLine(e)));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** An entry's name: bit 11 says UTF-8; otherwise CP437, whose printable ASCII subset is what matters here. */
function zipName(entry: Yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  return typeof raw === 'string' ? raw : raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
}

/**
 * Why a zip entry and the one listed after it cannot both be what they claim, or undefined. Writers
 * store entries one after the other, in the order the central directory lists them; a zip bomb
 * lists many entries over one deflate stream (each entry's data holds the next ones), which the
 * per-entry size limit does not bound. At least the local header (30 bytes and the name) and the
 * compressed data lie between an entry's offset and the next one's.
 */
function zipOverlap(entry: Yauzl.Entry, next: Yauzl.Entry): string | undefined {
  const at = entry.relativeOffsetOfLocalHeader;
  const nextAt = next.relativeOffsetOfLocalHeader;
  if (nextAt < at) return `entry "${zipName(next)}" lies before "${zipName(entry)}" but is listed after it (entries out of order)`;
  if (nextAt < at + 30 + entry.fileNameLength + entry.compressedSize) return `entry "${zipName(next)}" overlaps the data of "${zipName(entry)}" (entries sharing data: a zip bomb)`;
  return undefined;
}

async function* zipEntries(zip: Yauzl.ZipFile, limits: ArchiveLimits, budget: ArchiveBudget): AsyncGenerator<ArchiveEntry> {
  const { maxFileBytes } = limits;
  try {
    spend(budget, limits, 0, zip.entryCount);
    // One entry read ahead: each is checked against the next before any of its data is read.
    let next = await zipNext(zip);
    while (next) {
      const entry = next;
      next = await zipNext(zip);
      const overlap = next && zipOverlap(entry, next);
      if (overlap) throw new ArchiveRefused(overlap);
      const name = zipName(entry);
      if (name.endsWith('/')) continue;
      const bad = unsafeEntryName(name);
      if (bad) {
        yield { type: 'rejected', name, reason: bad };
        continue;
      }
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (mode !== 0 && mode !== 0o100000) {
        yield { type: 'skipped', name, reason: 'not a regular file (zip entry is a link or special file)' };
        continue;
      }
      if (entry.uncompressedSize > maxFileBytes) {
        yield { type: 'rejected', name, reason: `archive entry of ${entry.uncompressedSize} bytes exceeds the ${maxFileBytes}-byte limit` };
        continue;
      }
      // The size yauzl holds the entry's output to (validateEntrySizes): counted before it is read.
      spend(budget, limits, entry.uncompressedSize, 0);
      const data = await zipRead(zip, entry, maxFileBytes);
      if (typeof data === 'string') yield { type: 'rejected', name, reason: data };
      else yield { type: 'file', name, bytes: data };
    }
  } finally {
    zip.close();
  }
}
