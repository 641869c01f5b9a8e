import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ParsedFile, SourceFile } from '../model/types.js';
import type { KeepRule } from './keep.js';

/**
 * The workspace: what was ingested from each input file, keyed by the SHA-256 of its bytes, so a
 * later report over the same inputs (another framework, another period) decodes only new files.
 * A cached file holds every event that can be evidence for any period (writes, session-issuing STS
 * calls, failed calls, sign-ins, root use), the configuration items, and the counts of the rest;
 * the store applies the period when it receives them.
 */

/** Bump when the shape of ParsedFile or the parse rules change: old entries are then ignored. */
const CACHE_VERSION = 'v1';

/** Evidence for any period: the store narrows it to the period it reports on. */
export const ANY_PERIOD: KeepRule = { startMs: -Infinity, endMs: Infinity, writeFromMs: -Infinity, sessionFromMs: -Infinity };

export function cachePath(workspace: string, sha256: string, maxFileBytes: number): string {
  return join(workspace, 'parsed', sha256.slice(0, 2), `${sha256}.${maxFileBytes}.${CACHE_VERSION}.json.gz`);
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A cached result moved to where the same bytes are now: every path in it is the input's path. */
function relocate(parsed: ParsedFile, file: SourceFile): ParsedFile {
  const path = file.path;
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

export function readCached(workspace: string, file: SourceFile, sha256: string, maxFileBytes: number): ParsedFile | undefined {
  const p = cachePath(workspace, sha256, maxFileBytes);
  if (!existsSync(p)) return undefined;
  try {
    return relocate(JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')) as ParsedFile, file);
  } catch {
    // A damaged entry is parsed again and rewritten.
    return undefined;
  }
}

export function writeCached(workspace: string, parsed: ParsedFile, maxFileBytes: number): void {
  const p = cachePath(workspace, parsed.input.sha256, maxFileBytes);
  mkdirSync(dirname(p), { recursive: true });
  // Written whole then renamed: a concurrent reader (another worker) never sees half a file.
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, gzipSync(JSON.stringify(parsed), { level: 1 }));
  renameSync(tmp, p);
}
