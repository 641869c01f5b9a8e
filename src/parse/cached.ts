import type { ParsedFile, SourceFile } from '../model/types.js';
import { ANY_PERIOD, readCached, sha256Of, writeCached } from '../store/workspace.js';
import { parseFile, readDeferred, unreadable, type ParseOptions } from './index.js';

/**
 * Parses through the workspace: a file whose bytes were decoded before (same SHA-256, same size
 * limit) comes from the cache; otherwise it is parsed for any period and cached.
 */
export function parseCached(source: SourceFile, opts: ParseOptions, workspace: string): ParsedFile & { fromCache?: boolean } {
  const loaded = source.fsPath !== undefined ? readDeferred(source, opts.maxFileBytes) : source;
  if (typeof loaded === 'string') return unreadable(source, loaded);
  const hit = readCached(workspace, loaded, sha256Of(loaded.bytes), opts.maxFileBytes);
  if (hit) return Object.assign(hit, { fromCache: true });
  const parsed = parseFile(loaded, { maxFileBytes: opts.maxFileBytes, keep: ANY_PERIOD });
  if (parsed.input.sha256) writeCached(workspace, parsed, opts.maxFileBytes);
  return parsed;
}
