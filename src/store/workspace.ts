import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { ownFolder } from '../util/fresh-file.js';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ParsedFile, SourceFile } from '../model/types.js';
import { statLinesNative } from '../parse/native.js';
import { NO_BYTES } from '../util/no-bytes.js';
import { seal, sha256Of, unseal } from './checksum.js';

/**
 * The workspace: what was ingested from the inputs, so a later report over the same inputs
 * (another framework, another period) decodes only what is new.
 *
 * Files reach the parse workers in batches (the files of one folder, a few dozen at a time), and
 * the workspace caches a batch as one pack keyed by the SHA-256 of its files' SHA-256s: a batch
 * whose every file has the same content is reused, wherever the files now are. To skip reading and
 * hashing unchanged local files at all, a second key, from each file's path, size, inode, mtime and
 * ctime (what git's index compares; ctime changes on any write, even one that restores the mtime),
 * points at the pack the batch gave last time.
 *
 * A pack holds every event that can be evidence for any period (writes, session-issuing STS calls,
 * failed calls, sign-ins, root use), the configuration items, digests, and the counts of the rest;
 * the store applies the period when it receives them.
 */

/**
 * Bump when the shape of ParsedFile or the parse rules change: old entries are then ignored. v4:
 * every entry is sealed with its checksum (store/checksum.ts), and data events are counted by group.
 */
const CACHE_VERSION = 'v4';

export { ANY_PERIOD } from './keep.js';

export { sha256Of };

function entryPath(workspace: string, kind: 'packs' | 'stat', key: string): string {
  return join(workspace, kind, key.slice(0, 2), `${key}.${CACHE_VERSION}${kind === 'packs' ? '.json.gz' : ''}`);
}

/** The content key of a batch: its files' hashes, in order, and the size limit they were read with. */
export function contentKey(sha256s: string[], maxFileBytes: number): string {
  return sha256Of(`${CACHE_VERSION}\n${maxFileBytes}\n${sha256s.join('\n')}`);
}

/**
 * The stat key of a batch of local files, or undefined when one is not a plain local file (archive
 * entries and S3 objects are always hashed) or cannot be stat'ed.
 */
export function statKey(files: SourceFile[], maxFileBytes: number): string | undefined {
  // Files of one folder, each read where it is listed: every batch of a walked folder.
  const inFolder = namesInFolder(files);
  if (inFolder !== undefined) return statKeyIn(inFolder.folder, inFolder.names, maxFileBytes);
  return statKeyOf(files, maxFileBytes);
}

/**
 * The stat key of files of one folder (`folder` ends with '/'), each read where it is listed: the
 * native addon writes their lines when it can, exactly as statKeyOf does.
 */
export function statKeyIn(folder: string, names: string[], maxFileBytes: number): string | undefined {
  const native = names.length > 0 ? statLinesNative(folder, names) : undefined;
  if (native !== undefined) return sha256Of(`${CACHE_VERSION}\n${maxFileBytes}\n${native}`);
  return statKeyOf(filesIn(folder, names), maxFileBytes);
}

function statKeyOf(files: SourceFile[], maxFileBytes: number): string | undefined {
  const lines: string[] = [CACHE_VERSION, String(maxFileBytes)];
  for (const f of files) {
    if (f.fsPath === undefined) return undefined;
    try {
      const st = lstatSync(f.fsPath);
      if (!st.isFile()) return undefined;
      lines.push(`${f.fsPath}\0${f.path}\0${st.size}\0${st.dev}\0${st.ino}\0${st.mtimeMs}\0${st.ctimeMs}`);
    } catch {
      return undefined;
    }
  }
  return sha256Of(lines.join('\n'));
}

/** Local files of one folder, each read where it is listed (local path = display path). */
export function filesIn(folder: string, names: string[]): SourceFile[] {
  return names.map((n) => ({ path: folder + n, key: '', bytes: NO_BYTES, fsPath: folder + n }));
}

/**
 * The folder (with its trailing '/') all these files are in and their names there, when each is
 * read where it is listed; undefined otherwise, or for no files.
 */
export function namesInFolder(files: SourceFile[]): { folder: string; names: string[] } | undefined {
  if (files.length === 0) return undefined;
  const first = files[0]!.path;
  const cut = first.lastIndexOf('/') + 1;
  if (cut === 0) return undefined;
  const folder = first.slice(0, cut);
  for (const f of files) if (f.fsPath !== f.path || f.path.lastIndexOf('/') + 1 !== cut || !f.path.startsWith(folder)) return undefined;
  return { folder, names: files.map((f) => f.path.slice(cut)) };
}

/** A cached result moved to where the same bytes are now: every path in it is the input's path. */
export function relocate(parsed: ParsedFile, file: SourceFile): ParsedFile {
  const path = file.path;
  if (parsed.input.path === path && (parsed.input.container ?? undefined) === file.container) return parsed;
  parsed.input.path = path;
  if (file.container) parsed.input.container = file.container;
  else delete parsed.input.container;
  for (const e of parsed.events) e.source.path = path;
  for (const i of parsed.items) i.source.path = path;
  for (const r of parsed.rejected) r.path = path;
  if (parsed.skipped) parsed.skipped.path = path;
  if (parsed.digest) parsed.digest.source.path = path;
  if (parsed.credentialReport) parsed.credentialReport.path = path;
  return parsed;
}

/** What a run does when an entry is damaged. */
const DECODE_AGAIN = 'its files are decoded again';

/** An entry's verified content, or undefined when there is none or it does not match its checksum. */
function readEntry(p: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(p);
  } catch {
    return undefined;
  }
  return unseal(p, bytes, DECODE_AGAIN);
}

export function readPack(workspace: string, key: string, files: number): ParsedFile[] | undefined {
  const body = readEntry(entryPath(workspace, 'packs', key));
  if (body === undefined) return undefined;
  try {
    const parsed = JSON.parse(gunzipSync(body).toString('utf8')) as ParsedFile[];
    return Array.isArray(parsed) && parsed.length === files ? parsed : undefined;
  } catch {
    // An entry whose sum matches but that cannot be read (written by hand): parsed again and rewritten.
    return undefined;
  }
}

export function readStat(workspace: string, key: string): string | undefined {
  const v = readEntry(entryPath(workspace, 'stat', key))?.toString('utf8');
  return v !== undefined && /^[0-9a-f]{64}$/.test(v) ? v : undefined;
}

/**
 * Written whole then renamed: a concurrent reader (another worker or run) never sees half a file.
 * The cache only saves time: a workspace that cannot be written (full disk, read-only folder) costs
 * the next run a decode, never this run its report.
 */
function writeAtomic(p: string, body: Buffer | string): void {
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    ownFolder(dirname(p));
    writeFileSync(tmp, body, { flag: 'wx' });
    renameSync(tmp, p);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable: nothing was written.
    }
  }
}

export function writePack(workspace: string, key: string, parsed: ParsedFile[]): void {
  writeAtomic(entryPath(workspace, 'packs', key), seal(gzipSync(JSON.stringify(parsed), { level: 1 })));
}

export function writeStat(workspace: string, key: string, content: string): void {
  writeAtomic(entryPath(workspace, 'stat', key), seal(content));
}
