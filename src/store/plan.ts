import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceEvent } from '../model/types.js';
import { folderSignaturesNative } from '../parse/native.js';
import { BatchCutter } from '../parse/pool.js';
import { PendingRunKey } from './runkey.js';
import { fileLines, LineWriter } from './ndjson.js';

import { NO_BYTES } from '../util/no-bytes.js';

/**
 * What a saved ingest was read from, so that a later run can check it without walking the folders
 * again: every folder listed (its identity and times, taken before it was listed) and, in the
 * sources' order, every file (local and display path) and every other source event. If no folder
 * changed, a walk now would list exactly these entries in this order (an entry added, removed or
 * renamed changes its folder's mtime and ctime), so the run key computed from them, with each file's
 * stat key, is the run key of the inputs as they are.
 */
export const FOLDERS_FILE = 'folders.ndjson';
export const PARTS_FILE = 'parts.ndjson';

/** What a run does when a plan file is damaged (store/checksum.ts): its saved ingest may still be this run's. */
const WALK_AGAIN = 'the input folders are walked again';

/** A folder's identity and times; undefined when it cannot be stat-ed. */
export function folderSignature(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isDirectory()) return undefined;
    return `${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether a folder's signature can be trusted to change with its entries. On a file system that
 * keeps whole seconds, an entry added in the same second as the listing would leave the times as
 * they were: such a folder listed less than two seconds after its last change is not trusted (git's
 * "racy" entries). Times with a fraction of a second come from a finer clock.
 */
export function trustworthy(signature: string, listedAtMs: number): boolean {
  const [, , mtime, ctime] = signature.split(':').map(Number);
  const coarse = mtime! % 1000 === 0 || ctime! % 1000 === 0;
  return !coarse || Math.max(mtime!, ctime!) < listedAtMs - 2000;
}

/** What a plan was made for: the run key's fixed parts and whether files were batched one by one. */
export interface PlanHeader {
  plan: 1;
  keyParts: string[];
  inline: boolean;
}

/** Records a run's folders and parts, beside its saved ingest (see IngestRecorder). */
export class PlanRecorder {
  private readonly folders: LineWriter;
  private readonly parts: LineWriter;
  private usable = true;
  /** The files are cut into batches as the parse pool cuts them: the run key is made of those. */
  private readonly cutter = new BatchCutter();
  private readonly inline: boolean;
  private batch = 0;
  private run: { batch: number; prefix: string; names: string[] } | undefined;

  constructor(dir: string, header: PlanHeader) {
    this.folders = new LineWriter(join(dir, FOLDERS_FILE));
    this.parts = new LineWriter(join(dir, PARTS_FILE));
    this.folders.add(header);
    this.inline = header.inline;
  }

  /** A folder about to be listed, with its signature taken now (before the listing). */
  folder(path: string): void {
    const sig = folderSignature(path);
    if (sig === undefined || !trustworthy(sig, Date.now())) this.usable = false;
    else this.folders.add([path, sig]);
  }

  /** A file as it is sent to be parsed, in the sources' order. Only local files, read where they are listed, can be planned. */
  file(fsPath: string | undefined, path: string): void {
    if (fsPath !== path) {
      this.usable = false;
      return;
    }
    const f = { path, key: '', bytes: NO_BYTES };
    if (this.cutter.before(f)) this.batch++;
    const cut = path.lastIndexOf('/') + 1;
    const prefix = path.slice(0, cut);
    if (this.run?.batch !== this.batch || this.run.prefix !== prefix) {
      this.flush();
      this.run = { batch: this.batch, prefix, names: [] };
    }
    this.run.names.push(path.slice(cut));
    // after() starts the cutter afresh when it cuts; inline, it never counts a file.
    if (this.inline || this.cutter.after(f)) {
      this.flush();
      this.batch++;
    }
  }

  event(ev: SourceEvent): void {
    this.flush();
    this.parts.add(['E', ev]);
  }

  private flush(): void {
    if (this.run) this.parts.add(['F', this.run.batch, this.run.prefix, this.run.names]);
    this.run = undefined;
  }

  /** Closes the files; false when the plan cannot stand for the run (then it must not be kept). */
  close(): boolean {
    this.flush();
    this.folders.close();
    this.parts.close();
    return this.usable;
  }

  /** The closed files' SHA-256s, by name (the saved ingest's meta records them). */
  sums(): Record<string, string | undefined> {
    return { [FOLDERS_FILE]: this.folders.sha256, [PARTS_FILE]: this.parts.sha256 };
  }
}

/** A line of parts.ndjson: a run of files of one batch (folder prefix and names), or another source event. */
type PlanPart = ['F', number, string, string[]] | ['E', SourceEvent];

/** Whether a saved plan was made for a run with this header (the same inputs, batched alike). */
export function planFor(dir: string, header: PlanHeader): boolean {
  try {
    for (const line of fileLines(join(dir, FOLDERS_FILE), 1)) return line === JSON.stringify(header);
  } catch {
    // No plan.
  }
  return false;
}

/**
 * Whether none of a saved plan's folders changed since it was made: then its parts are the inputs
 * as a walk would list them now.
 */
export function planFoldersStand(dir: string, sums: Record<string, string>): boolean {
  const folders: [string, string][] = [];
  let header = true;
  try {
    for (const line of fileLines(join(dir, FOLDERS_FILE), Infinity, { sha256: sums[FOLDERS_FILE], remedy: WALK_AGAIN })) {
      if (header) header = false;
      else folders.push(JSON.parse(line) as [string, string]);
    }
  } catch {
    return false;
  }
  if (header) return false;
  // A plan lists thousands of folders: the addon stats them in one call.
  const now = folderSignaturesNative(folders.map(([path]) => path));
  return folders.every(([path, sig], i) => (now ? now[i] === sig : folderSignature(path) === sig));
}

/**
 * The run key a plan's files have now: each batch's stat key (from `statKey`, over a folder and the
 * names in it; local path = display path), in the plan's order with its events, as RunKey takes them. Every batch is handed to
 * `statKey` before this returns, so the caller can work while the keys come; `runKey` settles once
 * all have.
 */
export function planRunKey(
  dir: string,
  sums: Record<string, string>,
  keyParts: string[],
  statKey: (folder: string, names: string[]) => Promise<string | undefined>,
  onBatch: (files: number) => void,
): { files: number; runKey: Promise<string | undefined> } {
  const key = new PendingRunKey(keyParts);
  let files = 0;
  let batch: { id: number; folder: string; names: string[]; places: number[] } | undefined;
  const send = () => {
    if (!batch) return;
    const done = files;
    void key.fill(statKey(batch.folder, batch.names), batch.places).then(() => onBatch(done));
    batch = undefined;
  };
  for (const line of fileLines(join(dir, PARTS_FILE), Infinity, { sha256: sums[PARTS_FILE], remedy: WALK_AGAIN })) {
    const part = JSON.parse(line) as PlanPart;
    if (part[0] === 'E') {
      key.event(part[1]);
      continue;
    }
    const [, id, prefix, names] = part;
    if (batch?.id !== id) {
      send();
      batch = { id, folder: prefix, names: [], places: [] };
    }
    // A batch never spans folders (see BatchCutter): its runs share the prefix.
    if (prefix !== batch.folder) throw new Error('plan batch spans folders');
    if (batch.names.length === 0) batch.names = names;
    else batch.names.push(...names);
    files += names.length;
    batch.places.push(key.place());
  }
  send();
  return { files, runKey: key.digest() };
}
