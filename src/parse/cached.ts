import type { ParsedFile, SourceFile } from '../model/types.js';
import { ANY_PERIOD, contentKey, readPack, readStat, relocate, sha256Of, statKey, writePack, writeStat } from '../store/workspace.js';
import { parseFile, readDeferred, unreadable, type ParseOptions } from './index.js';

export type CachedResult = ParsedFile & { fromCache?: boolean };

/**
 * A batch as the parse pool hands it over, on a worker or inline: through the workspace when there
 * is one (with the batch's stat key, undefined when it has none), else simply parsed.
 */
export function parseBatch(files: SourceFile[], opts: ParseOptions, workspace?: string): { parsed: CachedResult[]; batchKey?: string } {
  if (workspace === undefined) return { parsed: files.map((f) => parseFile(f, opts)) };
  const batchKey = statKey(files, opts.maxFileBytes);
  return { parsed: parseBatchCached(files, opts, workspace, batchKey), ...(batchKey ? { batchKey } : {}) };
}

/**
 * Parses a batch of files through the workspace (see src/store/workspace.ts): unchanged local files
 * come from the pack their stat key points at without being read; otherwise the files are read and
 * hashed, and a pack with the same content is reused; otherwise they are parsed for any period and
 * the pack written.
 */
function parseBatchCached(files: SourceFile[], opts: ParseOptions, workspace: string, skey: string | undefined): CachedResult[] {
  const reused = (packs: ParsedFile[], batch: SourceFile[]): CachedResult[] => packs.map((p, i) => Object.assign(relocate(p, batch[i]!), { fromCache: true }));
  if (skey) {
    const ckey = readStat(workspace, skey);
    const hit = ckey ? readPack(workspace, ckey, files.length) : undefined;
    if (hit) return reused(hit, files);
  }
  const loaded = files.map((f) => (f.fsPath !== undefined ? readDeferred(f, opts.maxFileBytes) : f));
  // Parsed for any period, in every case: a run's saved ingest holds these results whatever its period.
  const anyPeriod: ParseOptions = { ...opts, keep: ANY_PERIOD };
  if (loaded.some((l) => typeof l === 'string')) {
    // A file that cannot be read has no hash: the batch is parsed as it is, and not cached.
    return loaded.map((l, i) => (typeof l === 'string' ? unreadable(files[i]!, l) : parseFile(l, anyPeriod)));
  }
  const ready = loaded as SourceFile[];
  const hashes = ready.map((f) => sha256Of(f.bytes));
  const ckey = contentKey(hashes, opts.maxFileBytes);
  const hit = readPack(workspace, ckey, files.length);
  if (hit) {
    if (skey) writeStat(workspace, skey, ckey);
    return reused(hit, files);
  }
  const parsed = ready.map((f, i) => parseFile(f, anyPeriod, hashes[i]));
  writePack(workspace, ckey, parsed);
  if (skey) writeStat(workspace, skey, ckey);
  return parsed;
}
