import type { Dirent } from 'node:fs';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { InputRecord, Period, SourceEvent, SourceOptions } from '../model/types.js';
import { cmp } from '../store/index.js';
import { oneLine } from '../util/errors.js';
import { archiveFormat, openArchive, type ArchiveFormat } from './archive.js';
import { fetchObject, isS3Url, listForPeriod, makeClient, ordered, parseS3Url, type S3Object, type S3Options } from './s3.js';

/**
 * The sources stage: turns the inputs named on the command line (folders, files, archives, and —
 * in a later issue — S3 prefixes) into a deterministic stream of leaf files. Nothing is extracted
 * to disk; every file that cannot be read is reported, never dropped.
 */
export async function* readSources(inputs: string[], opts: ReadOptions): AsyncGenerator<SourceEvent> {
  for (const input of inputs) {
    if (isS3Url(input)) yield* readS3(input, opts);
    else yield* readLocal(input, opts);
  }
}

export interface ReadOptions extends SourceOptions {
  /** Prunes S3 listings to the delivery days that can hold evidence for the period. */
  period?: Period;
  s3?: S3Options & { onListRequest?: () => void };
}

/**
 * One S3 location: listed (pruned by the period), downloaded with bounded concurrency, each object
 * handed on as soon as it arrives and in key order. A failed listing or download is a rejection.
 */
async function* readS3(url: string, opts: ReadOptions): AsyncGenerator<SourceEvent> {
  const loc = parseS3Url(url);
  const client = makeClient(opts.s3 ?? {});
  async function* listing(): AsyncGenerator<S3Object | { error: string }> {
    try {
      yield* listForPeriod(client, loc, opts.period, opts.s3);
    } catch (err) {
      yield { error: oneLine(err) };
    }
  }
  const work = async (item: S3Object | { error: string }): Promise<SourceEvent[]> => {
    if ('error' in item) return [{ type: 'rejected', rejection: { path: url, reason: `listing failed: ${item.error}` } }];
    const path = `s3://${loc.bucket}/${item.key}`;
    if (item.size > opts.maxFileBytes) return [{ type: 'rejected', rejection: { path, reason: `object of ${item.size} bytes exceeds the ${opts.maxFileBytes}-byte limit` } }];
    let bytes: Buffer;
    try {
      bytes = await fetchObject(client, loc.bucket, item, opts.maxFileBytes, opts.s3?.attempts);
    } catch (err) {
      return [{ type: 'rejected', rejection: { path, reason: `download failed: ${oneLine(err)}` } }];
    }
    const format = archiveFormat(item.key);
    if (!format) return [{ type: 'file', file: { path, key: item.key, bytes } }];
    const out: SourceEvent[] = [];
    for await (const ev of readArchive(path, bytes, format, 0, opts)) out.push(ev);
    return out;
  };
  try {
    for await (const events of ordered(listing(), Math.max(1, opts.s3?.concurrency ?? 8), work)) yield* events;
  } finally {
    client.destroy();
  }
}

async function* readLocal(path: string, opts: SourceOptions): AsyncGenerator<SourceEvent> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : oneLine(err);
    yield { type: 'rejected', rejection: { path, reason } };
    return;
  }
  if (st.isDirectory()) {
    yield* walk(path, '', opts);
    return;
  }
  yield* readLeaf(path, basename(path), st, opts);
}

/** Depth-first, entries sorted by name (byte order), so every run sees files in the same order. */
async function* walk(root: string, rel: string, opts: SourceOptions): AsyncGenerator<SourceEvent> {
  const dir = rel ? join(root, rel) : root;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    yield { type: 'rejected', rejection: { path: dir, reason: oneLine(err) } };
    return;
  }
  entries.sort((a, b) => cmp(a.name, b.name));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const childPath = join(root, childRel);
    if (e.isDirectory()) {
      yield* walk(root, childRel, opts);
    } else if (e.isSymbolicLink()) {
      // Following links could leave the export (or loop); an auditor's export has none.
      yield { type: 'skipped', skip: { path: childPath, reason: 'symbolic link not followed' } };
    } else if (e.isFile()) {
      let st;
      try {
        st = await lstat(childPath);
      } catch (err) {
        yield { type: 'rejected', rejection: { path: childPath, reason: oneLine(err) } };
        continue;
      }
      yield* readLeaf(childPath, childRel, st, opts);
    } else {
      yield { type: 'skipped', skip: { path: childPath, reason: 'not a regular file' } };
    }
  }
}

async function* readLeaf(
  path: string,
  key: string,
  st: { size: number; isFile(): boolean; isSymbolicLink(): boolean },
  opts: SourceOptions,
): AsyncGenerator<SourceEvent> {
  if (st.isSymbolicLink()) {
    yield { type: 'skipped', skip: { path, reason: 'symbolic link not followed' } };
    return;
  }
  if (!st.isFile()) {
    yield { type: 'skipped', skip: { path, reason: 'not a regular file' } };
    return;
  }
  const format = archiveFormat(path);
  if (format) {
    yield* readArchive(path, path, format, 0, opts);
    return;
  }
  if (st.size > opts.maxFileBytes) {
    yield { type: 'rejected', rejection: { path, reason: `file of ${st.size} bytes exceeds the ${opts.maxFileBytes}-byte limit` } };
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    yield { type: 'rejected', rejection: { path, reason: oneLine(err) } };
    return;
  }
  yield { type: 'file', file: { path, key, bytes } };
}

/**
 * Opens one archive (from disk, or from the bytes of an entry of an outer archive) and yields its
 * entries as files. Archives nest one level: an archive inside an archive inside an archive is
 * rejected, which also bounds the work a crafted input can cause.
 */
async function* readArchive(
  displayPath: string,
  source: string | Buffer,
  format: ArchiveFormat,
  depth: number,
  opts: SourceOptions,
  container?: string,
): AsyncGenerator<SourceEvent> {
  const reader = openArchive(source, format, opts.maxFileBytes);
  let entries = 0;
  let failure: string | undefined;
  try {
    for await (const entry of reader.entries) {
      entries++;
      const path = `${displayPath}!${entry.name}`;
      if (entry.type === 'rejected') {
        yield { type: 'rejected', rejection: { path, reason: entry.reason } };
        continue;
      }
      if (entry.type === 'skipped') {
        yield { type: 'skipped', skip: { path, reason: entry.reason } };
        continue;
      }
      const inner = archiveFormat(entry.name);
      if (inner) {
        if (depth >= 1) {
          yield { type: 'rejected', rejection: { path, reason: 'archive nested more than one level deep' } };
          continue;
        }
        yield* readArchive(path, entry.bytes, inner, depth + 1, opts, displayPath);
        continue;
      }
      yield { type: 'file', file: { path, key: entry.name, bytes: entry.bytes, container: displayPath } };
    }
  } catch (err) {
    failure = oneLine(err);
  }
  const { sha256, size } = reader.digest();
  const input: InputRecord = { path: displayPath, sha256, size, kind: 'archive', records: entries, rejected: 0 };
  if (container) input.container = container;
  if (failure === undefined) {
    yield { type: 'archive', input };
    return;
  }
  const reason = entries > 0 ? `corrupt archive after ${entries} entries: ${failure}` : `corrupt archive: ${failure}`;
  yield { type: 'rejected', rejection: { path: displayPath, reason }, input };
}
