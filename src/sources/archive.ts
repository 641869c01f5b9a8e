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
 * A corrupt archive throws from the generator after the entries read so far.
 */
export function openArchive(source: string | Buffer, format: ArchiveFormat, maxFileBytes: number): ArchiveReader {
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
      yield* zipEntries(typeof source === 'string' ? await zipOpenFile(source) : await zipOpen(source), maxFileBytes);
    })();
    return { entries, digest: () => digest ?? digestOf(tap) };
  }
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from([source]);
  const extract = tar().extract();
  const stages: NodeJS.ReadWriteStream[] = format === 'tar.gz' ? [createGunzip()] : [];
  pipeline([input, tap, ...stages, extract] as unknown as NodeJS.ReadWriteStream[], () => {
    // Errors surface through the extract stream's iterator; nothing to do here.
  });
  return { entries: tarEntries(extract, maxFileBytes), digest: () => digestOf(tap) };
}

function digestOf(src: HashTap | Buffer): { sha256: string; size: number } {
  if (Buffer.isBuffer(src)) return { sha256: createHash('sha256').update(src).digest('hex'), size: src.length };
  return { sha256: src.hash.copy().digest('hex'), size: src.size };
}


async function* tarEntries(extract: Tar.Extract, maxFileBytes: number): AsyncGenerator<ArchiveEntry> {
  for await (const entry of extract) {
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
    // rejects that entry instead of aborting the whole archive.
    yauzl().fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open zip')) : resolve(zip),
    );
  });
}

function zipOpenFile(path: string): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl().open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
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

async function* zipEntries(zip: Yauzl.ZipFile, maxFileBytes: number): AsyncGenerator<ArchiveEntry> {
  try {
    for (;;) {
      const entry = await zipNext(zip);
      if (!entry) return;
      const raw = entry.fileName as unknown as Buffer | string;
      // Bit 11 says UTF-8; otherwise CP437, whose printable ASCII subset is what matters here.
      const name = typeof raw === 'string' ? raw : raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
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
      const data = await zipRead(zip, entry, maxFileBytes);
      if (typeof data === 'string') yield { type: 'rejected', name, reason: data };
      else yield { type: 'file', name, bytes: data };
    }
  } finally {
    zip.close();
  }
}
