import { constants, readdirSync, type Dirent } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { InputRecord, Period, SourceEvent, SourceOptions } from '../model/types.js';
import { cmp } from '../store/index.js';
import { oneLine } from '../util/errors.js';
import {
  ARCHIVE_SIZE_FACTOR,
  ArchiveRefused,
  MAX_ARCHIVE_ENTRIES,
  archiveBudget,
  archiveFormat,
  openArchive,
  type ArchiveBudget,
  type ArchiveFormat,
  type ArchiveLimits,
} from './archive.js';
import { NO_BYTES } from '../util/no-bytes.js';
import { TRAIL_TWINS } from './layout.js';
import { fetchObjectWithMetadata, isS3Url, listForPeriod, makeClient, ordered, parseS3Url, type S3Object, type S3Options } from './s3.js';

/**
 * The sources stage: turns the inputs named on the command line (folders, files, archives, and —
 * in a later issue — S3 prefixes) into a deterministic stream of leaf files. Nothing is extracted
 * to disk; every file that cannot be read is reported, never dropped.
 */
export async function* readSources(inputs: string[], opts: ReadOptions): AsyncGenerator<SourceEvent> {
  for await (const group of readSourceGroups(inputs, opts)) yield* group;
}

/**
 * The same stream in groups (a folder's files at a time where it can): a consumer that only looks
 * at each file (checking a workspace's saved ingest) then pays the async hand-over once per folder,
 * not once per file of an export of hundreds of thousands.
 */
export async function* readSourceGroups(inputs: string[], opts: ReadOptions): AsyncGenerator<SourceEvent[]> {
  for (const input of inputs) {
    if (isS3Url(input)) {
      for await (const ev of readS3(input, opts)) yield [ev];
    } else yield* readLocal(input, opts);
  }
}

export interface ReadOptions extends SourceOptions {
  /** Prunes S3 listings to the delivery days that can hold evidence for the period. */
  period?: Period;
  /** Told of each local folder just before it is listed (a workspace records them: see store/plan.ts). */
  onFolder?: (path: string) => void;
  s3?: S3Options & { onListRequest?: () => void };
}

/**
 * One S3 location: listed (pruned by the period), downloaded with bounded concurrency, each object
 * handed on as soon as it arrives and in key order. A failed listing or download is a rejection.
 */
async function* readS3(url: string, opts: ReadOptions): AsyncGenerator<SourceEvent> {
  const loc = parseS3Url(url);
  const client = await makeClient(opts.s3 ?? {});
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
    let signature: string | undefined;
    try {
      const got = await fetchObjectWithMetadata(client, loc.bucket, item, opts.maxFileBytes, opts.s3?.attempts);
      bytes = got.bytes;
      // A CloudTrail digest's own signature is only in its object metadata (x-amz-meta-signature).
      signature = got.metadata.signature;
    } catch (err) {
      return [{ type: 'rejected', rejection: { path, reason: `download failed: ${oneLine(err)}` } }];
    }
    const format = archiveFormat(item.key);
    if (!format) return [{ type: 'file', file: { path, key: item.key, bytes, ...(signature !== undefined ? { signature } : {}) } }];
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

async function* readLocal(path: string, opts: ReadOptions): AsyncGenerator<SourceEvent[]> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : oneLine(err);
    yield [{ type: 'rejected', rejection: { path, reason } }];
    return;
  }
  // A file named here gets the checks of a file found in a folder: a FIFO or a device is no file to read.
  const tasks: Iterable<Task[]> = st.isDirectory() ? walk(path, opts.onFolder) : [[leaf(st, path, basename(path))]];
  if (opts.deferReads) {
    // The parse workers stat and read each file: here only archives are opened.
    for (const dir of tasks) {
      let group: SourceEvent[] = [];
      for (const t of dir) {
        if ('event' in t) group.push(t.event);
        else if (!archiveFormat(t.file)) group.push({ type: 'file', file: { path: t.file, key: t.key, bytes: NO_BYTES, fsPath: t.file } });
        else {
          if (group.length > 0) yield group;
          group = [];
          for await (const ev of expand(await load(t, opts), opts)) yield [ev];
        }
      }
      if (group.length > 0) yield group;
    }
    return;
  }
  // Reads overlap (small files are latency-bound); what follows still sees them in walk order.
  for await (const loaded of ordered(flatten(tasks), READ_AHEAD, (t) => load(t, opts))) {
    for await (const ev of expand(loaded, opts)) yield [ev];
  }
}

function expand(loaded: Loaded, opts: SourceOptions): AsyncGenerator<SourceEvent> {
  if ('archive' in loaded) return readArchive(loaded.archive, loaded.archive, loaded.format, 0, opts);
  return (async function* () {
    yield* loaded.events;
  })();
}

function* flatten<T>(batches: Iterable<T[]>): Generator<T> {
  for (const b of batches) yield* b;
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Files read ahead of the one being parsed. */
const READ_AHEAD = 16;

type Task = { event: SourceEvent } | { file: string; key: string };
type Loaded = { events: SourceEvent[] } | { archive: string; format: ArchiveFormat };

/**
 * A folder to list: one folder, or twin folders (see TRAIL_TWINS) listed one after the other; with
 * none, only the end of a group of files (each twin's files are a group of their own).
 */
type Node = { dirs: string[] };

/** Whether a folder's entries hold both of CloudTrail's twin folders. */
function hasTwins(entries: Dirent[]): boolean {
  return TRAIL_TWINS.every((t) => entries.some((e) => e.name === t && e.isDirectory()));
}

/**
 * Depth-first, entries sorted by name (byte order), so every run sees files in the same order.
 * CloudTrail's twin folders (see TRAIL_TWINS) are listed together where the first would be: the
 * files of each in turn, then their subfolders by name, those of the same name again as twins.
 * Yields the files of one folder at a time: an export holds hundreds of thousands of small files,
 * and a step per file through nested generators would cost more than the listing. Folders are listed
 * synchronously: a listing takes microseconds, and the promise API's round trip through the thread
 * pool cost five times the walk itself (measured: 110-190 ms against 26-36 ms over 1,200 folders).
 */
function* walk(root: string, onFolder?: (path: string) => void): Generator<Task[]> {
  // Depth-first with an explicit stack of folders still to list and entries still to hand on.
  const stack: (Node | Task)[] = [{ dirs: [''] }];
  // What join() puts before a child's relative path ('x' joined, then 'x' taken off).
  const prefix = join(root, 'x').slice(0, -1);
  let out: Task[] = [];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (!('dirs' in top)) {
      out.push(top);
      continue;
    }
    if (out.length > 0) yield out;
    out = [];
    // What this node hands on, in order (pushed onto the stack last first).
    const next: (Node | Task)[] = [];
    const twinned = top.dirs.length > 1;
    /** Of twins: their subfolders, by name. */
    const subfolders = new Map<string, string[]>();
    for (const rel of top.dirs) {
      const dir = rel ? join(root, rel) : root;
      let entries: Dirent[];
      onFolder?.(dir);
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        next.push({ event: { type: 'rejected', rejection: { path: dir, reason: oneLine(err) } } });
        continue;
      }
      entries.sort((a, b) => cmp(a.name, b.name));
      const twins = !twinned && hasTwins(entries);
      for (const e of entries) {
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        // join(root, childRel), without normalising each time: a listed name is never '', '.' or '..'.
        const childPath = prefix + childRel;
        if (e.isDirectory()) {
          if (twinned) subfolders.set(e.name, [...(subfolders.get(e.name) ?? []), childRel]);
          else if (!twins || !(TRAIL_TWINS as readonly string[]).includes(e.name)) next.push({ dirs: [childRel] });
          else if (e.name === TRAIL_TWINS[0]) next.push({ dirs: TRAIL_TWINS.map((t) => (rel ? `${rel}/${t}` : t)) });
        }
        else next.push(leaf(e, childPath, childRel));
      }
      if (twinned) next.push({ dirs: [] });
    }
    for (const name of [...subfolders.keys()].sort(cmp)) next.push({ dirs: subfolders.get(name)! });
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  if (out.length > 0) yield out;
}

/**
 * What to do with anything but a folder, found in one or named on the command line: read a regular
 * file; skip anything else, saying what it is. Following links could leave the export (or loop); an
 * auditor's export has none.
 */
function leaf(type: Pick<Dirent, 'isSymbolicLink' | 'isFile'>, file: string, key: string): Task {
  if (type.isSymbolicLink()) return { event: { type: 'skipped', skip: { path: file, reason: 'symbolic link not followed' } } };
  if (type.isFile()) return { file, key };
  return { event: { type: 'skipped', skip: { path: file, reason: 'not a regular file' } } };
}

async function load(task: Task, opts: SourceOptions): Promise<Loaded> {
  if ('event' in task) return { events: [task.event] };
  const path = task.file;
  const reject = (reason: string): Loaded => ({ events: [{ type: 'rejected', rejection: { path, reason } }] });
  // The parse stage stats and reads it on a worker thread; archives are still opened here.
  if (opts.deferReads && !archiveFormat(path)) return { events: [{ type: 'file', file: { path, key: task.key, bytes: NO_BYTES, fsPath: path } }] };
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    return reject(oneLine(err));
  }
  if (st.isSymbolicLink()) return { events: [{ type: 'skipped', skip: { path, reason: 'symbolic link not followed' } }] };
  if (!st.isFile()) return { events: [{ type: 'skipped', skip: { path, reason: 'not a regular file' } }] };
  const format = archiveFormat(path);
  if (format) return { archive: path, format };
  if (st.size > opts.maxFileBytes) return reject(`file of ${st.size} bytes exceeds the ${opts.maxFileBytes}-byte limit`);
  try {
    // As a worker opens it (see parse/index.ts readDeferred): a FIFO or link swapped in since is refused.
    return { events: [{ type: 'file', file: { path, key: task.key, bytes: await readFile(path, { flag: READ_FLAGS }) } }] };
  } catch (err) {
    return reject(oneLine(err));
  }
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
  budget?: ArchiveBudget,
): AsyncGenerator<SourceEvent> {
  const limits: ArchiveLimits = {
    maxFileBytes: opts.maxFileBytes,
    maxArchiveBytes: opts.maxArchiveBytes ?? ARCHIVE_SIZE_FACTOR * opts.maxFileBytes,
    maxEntries: MAX_ARCHIVE_ENTRIES,
  };
  // An archive inside another spends what is left of the outer one's limits.
  budget ??= archiveBudget(limits);
  const reader = openArchive(source, format, limits, budget);
  let entries = 0;
  let failure: string | undefined;
  let refused = false;
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
        yield* readArchive(path, entry.bytes, inner, depth + 1, opts, displayPath, budget);
        continue;
      }
      yield { type: 'file', file: { path, key: entry.name, bytes: entry.bytes, container: displayPath } };
    }
  } catch (err) {
    failure = oneLine(err);
    refused = err instanceof ArchiveRefused;
  }
  const { sha256, size } = reader.digest();
  const input: InputRecord = { path: displayPath, sha256, size, kind: 'archive', records: entries, rejected: 0 };
  if (container) input.container = container;
  if (failure === undefined) {
    yield { type: 'archive', input };
    return;
  }
  const what = refused ? 'archive refused' : 'corrupt archive';
  const reason = entries > 0 ? `${what} after ${entries} entries: ${failure}` : `${what}: ${failure}`;
  yield { type: 'rejected', rejection: { path: displayPath, reason }, input };
}
