import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Folders to remove when the process exits, however it ends (cli/main.ts turns Ctrl-C and SIGTERM
 * into an exit): the spilled input list, Chromium's profile, a saved ingest still being recorded.
 */
const live = new Set<string>();
process.once('exit', () => {
  for (const d of live) rmSync(d, { recursive: true, force: true });
});

/** Removes `dir` at exit unless forget(dir) is called first (it was renamed into place, say). */
export function removeAtExit(dir: string): void {
  live.add(dir);
}

export function forget(dir: string): void {
  live.delete(dir);
}

/** A new folder under the system's temporary folder, named `configtrail-<prefix>-…`, removed at exit. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `configtrail-${prefix}-`));
  removeAtExit(dir);
  return dir;
}

export function removeNow(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  forget(dir);
}
