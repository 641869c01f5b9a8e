import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Folders to remove when the process exits, however it ends (cli/app.ts turns Ctrl-C and SIGTERM
 * into an exit): the spilled input list, Chromium's profile, a saved ingest still being recorded.
 * Each may have a step to take first (stop the program still writing into it).
 */
const live = new Map<string, (() => void) | undefined>();

function cleanUp(): void {
  for (const [dir, first] of live) {
    try {
      first?.();
    } catch {
      // The folder goes all the same.
    }
    rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}
process.on('exit', cleanUp);

/**
 * Makes the removal the last thing done at exit: other exit handlers (puppeteer's, which stops a
 * Chromium still starting) run first, so nothing writes into a folder after it is removed. Called
 * just before an interrupted run exits.
 */
export function removeLastAtExit(): void {
  process.removeListener('exit', cleanUp);
  process.on('exit', cleanUp);
}

/** Removes `dir` at exit, after `first()` when given, unless forget(dir) is called before. */
export function removeAtExit(dir: string, first?: () => void): void {
  live.set(dir, first);
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

/** Whether a process with this id runs (one of another user's counts: its id is taken). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user has that id.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
