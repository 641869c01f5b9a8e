import { openSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Opens `path` for writing as a new file: what was there (an earlier run's output, or a link
 * planted in its place) is removed first, not truncated or written through. Truncating a large
 * file the last run just wrote also costs more than removing it (ext4 flushes a file truncated and
 * written again when it is closed).
 */
export function openFresh(path: string): number {
  rmSync(path, { force: true });
  return openSync(path, 'wx');
}

/** Writes `body` to `path` as a new file (see openFresh). */
export function writeFresh(path: string, body: string | Uint8Array): void {
  rmSync(path, { force: true });
  writeFileSync(path, body, { flag: 'wx' });
}
