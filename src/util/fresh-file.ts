import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigtrailError } from './errors.js';
import { processAlive } from './tempdir.js';

/**
 * Files configtrail writes are written whole or not at all: into a new temporary name beside the
 * final one (created exclusively, so never through a link planted there), then renamed over it. A
 * rename replaces whatever stood at the final name, a planted link included, and never writes
 * through it. A write that fails leaves no partial file under the final name, and says which file.
 */
export class FreshFile {
  readonly fd: number;
  private readonly tmp: string;

  constructor(readonly path: string) {
    ownFolder(dirname(path));
    this.tmp = tempName(path, process.pid);
    rmSync(this.tmp, { force: true });
    try {
      this.fd = openSync(this.tmp, 'wx');
    } catch (err) {
      throw writeError(path, err);
    }
  }

  /** Closes the file and puts it in place under its final name. */
  commit(): void {
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (err) {
      rmSync(this.tmp, { force: true });
      throw writeError(this.path, err);
    }
  }

  /** Closes and removes what was written: nothing is left under either name. */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }
}

/** Writes a file with `write(fd)`, whole or not at all (see FreshFile); a failure names the file. */
export function writeFreshWith(path: string, write: (fd: number) => void): void {
  const file = new FreshFile(path);
  try {
    write(file.fd);
  } catch (err) {
    file.abandon();
    throw writeError(path, err);
  }
  file.commit();
}

/** Writes `body` to `path`, whole or not at all. */
export function writeFresh(path: string, body: string | Uint8Array): void {
  writeFreshWith(path, (fd) => {
    if (typeof body === 'string') writeSync(fd, body);
    else for (let at = 0; at < body.length; ) at += writeSync(fd, body, at, body.length - at);
  });
}

/**
 * Makes sure `dir` is a folder of its own to write into: created if missing, refused in one line
 * when it (the last component) is a symbolic link or not a folder, so no output goes through a link
 * planted in place of the output folder or the workspace.
 */
export function ownFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigtrailError(`cannot create the folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new ConfigtrailError(`${dir} is a symbolic link: configtrail does not write through links (name the folder it points to instead)`);
  if (!st.isDirectory()) throw new ConfigtrailError(`${dir} is not a folder`);
}

function writeError(path: string, err: unknown): Error {
  if (err instanceof ConfigtrailError) return err;
  const e = err as NodeJS.ErrnoException;
  return new ConfigtrailError(`cannot write ${path}: ${e.code ?? e.message ?? String(err)}${e.code === 'ENOSPC' ? ' (no space left on the device)' : ''}`);
}

function tempName(path: string, pid: number): string {
  return join(dirname(path), `.${basename(path)}.${pid}.tmp`);
}

/**
 * Removes, from a folder, the temporary files FreshFile left there in processes that died before
 * they could commit or abandon them (killed): `.<name>.<pid>.tmp` where no process `pid` runs.
 * Returns how many.
 */
export function removeDeadTempFiles(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const pid = Number(/^\..+\.(\d+)\.tmp$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
