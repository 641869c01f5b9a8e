import type { Worker } from 'node:worker_threads';
import type { ParsedFile, SourceFile } from '../model/types.js';
import { defaultThreads, startWorker, takePrestarted, workerScript } from './prestart.js';
import { namesInFolder, statKey, statKeyIn } from '../store/workspace.js';
import { parseBatch } from './cached.js';
import { unreadable, type ParseOptions } from './index.js';

/** Files sent to a worker in one message: a message per file would make the main thread the bottleneck. */
export const BATCH_FILES = 32;
/** A batch also goes once the bytes it carries (files not read by the worker itself) reach this. */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * A file's result: `fromCache` when the workspace had it; `batchKey`, with a workspace, the stat key
 * of the batch it went in (undefined when the batch has none: see store/workspace.ts).
 */
export type PoolResult = ParsedFile & { fromCache?: boolean; batchKey?: string };

/** A file as sent to a worker: a deferred local file goes without its (empty) bytes. */
export type WireFile = Omit<SourceFile, 'bytes'> & { bytes?: Uint8Array };

export interface BatchRequest {
  id: number;
  files: WireFile[];
  opts: ParseOptions;
  workspace?: string;
  /**
   * Only the stat keys of these batches are wanted (checking a workspace's saved ingest; nothing is
   * read): each the files of one folder, each read where it is listed.
   */
  statIn?: StatRequest[];
}

/** A batch whose stat key is wanted: files of one folder (ending with its separator), by name. */
export interface StatRequest {
  folder: string;
  names: string[];
}

export interface BatchResponse {
  id: number;
  parsed: PoolResult[];
  batchKey?: string;
  /** The stat keys of a statIn request, in its order. */
  batchKeys?: (string | undefined)[];
}

/** Stat-key requests that go to a worker as one message (see ParsePool.statKeyIn). */
interface StatGroup {
  requests: StatRequest[];
  done: ((key: string | undefined) => void)[];
  files: number;
}

/** Files a stat-key message holds at most: a plan's hundreds of batches go in a few dozen messages. */
const STAT_GROUP_FILES = 1024;

interface Batch {
  files: SourceFile[];
  done: ((p: PoolResult) => void)[];
}

/**
 * Where batches are cut: before a file of another folder (a file added to a folder then changes
 * only that folder's batches), and after BATCH_FILES files or BATCH_BYTES bytes; never by timing,
 * so every pass over the same files cuts them alike (the workspace caches by batch).
 */
export class BatchCutter {
  private dir: string | undefined;
  private files = 0;
  private bytes = 0;

  /** Whether the batch so far must be cut before `file`. */
  before(file: SourceFile): boolean {
    const dir = folderOf(file.path);
    const cut = this.files > 0 && dir !== this.dir;
    if (cut) this.reset();
    this.dir = dir;
    return cut;
  }

  /** Counts `file` in; whether the batch must be cut after it. */
  after(file: SourceFile): boolean {
    this.files++;
    this.bytes += file.bytes.length;
    const cut = this.files >= BATCH_FILES || this.bytes >= BATCH_BYTES;
    if (cut) this.reset();
    return cut;
  }

  reset(): void {
    this.dir = undefined;
    this.files = 0;
    this.bytes = 0;
  }
}

/**
 * Decodes files on worker threads, one per core: reading, gunzip and JSON.parse are the cost of a
 * large export. Files go to the workers in batches; the caller bounds how many are in flight, so
 * memory stays bounded whatever the input size. With one core, or no compiled worker, files are
 * parsed inline.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Batch>();
  private readonly statWaiting = new Map<number, StatGroup>();
  private statGroup: StatGroup | undefined;
  private readonly load: number[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private batch: Batch = { files: [], done: [] };
  private readonly cutter = new BatchCutter();

  /** Workers this pool runs (0: files are parsed inline on the main thread). */
  readonly threads: number;
  private readonly script: string | undefined;

  constructor(
    private readonly opts: ParseOptions,
    size = defaultThreads(),
    /** The workspace folder: decoded files are cached there by hash and reused. */
    private readonly workspace?: string,
  ) {
    this.script = size > 1 ? workerScript() : undefined;
    this.threads = this.script ? size : 0;
    // Workers started ahead are taken now; otherwise they start with the first batch, so a run that
    // replays a saved ingest (and sends none) never pays for them.
    if (this.threads > 0 && takePrestarted(false)) this.start(false);
  }

  /**
   * Takes the prestarted workers and, with `all`, starts the rest: parsing files wants every core,
   * while stat-ing a saved ingest's files (a few microseconds each, natively) is done by whatever
   * workers are already there, and the main thread keeps a core of its own to replay the ingest.
   */
  private start(all = true): void {
    if (!this.script) return;
    for (const w of takePrestarted(true) ?? []) {
      if (this.workers.length < this.threads) this.adopt(w);
      else void w.terminate();
    }
    const want = all ? this.threads : 1;
    while (this.workers.length < want) this.adopt(startWorker(this.script));
  }

  private adopt(w: Worker): void {
    const i = this.workers.length;
    w.ref();
    w.on('message', (m: BatchResponse) => {
      const stat = this.statWaiting.get(m.id);
      if (stat) {
        this.statWaiting.delete(m.id);
        this.load[i]! -= stat.files;
        stat.done.forEach((done, j) => done(m.batchKeys?.[j]));
        return;
      }
      const batch = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!batch) return;
      this.load[i]! -= batch.files.length;
      m.parsed.forEach((p, j) => batch.done[j]!(m.batchKey === undefined ? p : Object.assign(p, { batchKey: m.batchKey })));
    });
    w.on('error', (err) => {
      this.failure = err;
      // Whatever that worker held can no longer arrive: fail it rather than hang.
      for (const b of this.waiting.values()) fail(b, err);
      this.waiting.clear();
      // A stat key that cannot come only means the saved ingest is not used.
      for (const group of this.statWaiting.values()) for (const done of group.done) done(undefined);
      this.statWaiting.clear();
    });
    this.workers.push(w);
    this.load.push(0);
  }

  parse(file: SourceFile): Promise<PoolResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.threads === 0) {
      // Inline, a file is a batch of one.
      const { parsed, batchKey } = parseBatch([file], this.opts, this.workspace);
      return Promise.resolve(batchKey === undefined ? parsed[0]! : Object.assign(parsed[0]!, { batchKey }));
    }
    return this.enqueue(file);
  }

  /**
   * A batch's stat key (store/workspace.ts statKey), computed on a worker: checking whether a
   * workspace's saved ingest still matches lstat-s every input, which the workers do while the
   * main thread walks on. Inline when the pool has no workers.
   */
  statKey(files: SourceFile[]): Promise<string | undefined> {
    // Local files of one folder, read where they are listed, go to a worker as that folder and
    // their names; anything else (an archive's entry has no stat key) is settled here.
    const inFolder = namesInFolder(files);
    if (inFolder === undefined) return Promise.resolve(statKey(files, this.opts.maxFileBytes));
    return this.statKeyIn(inFolder.folder, inFolder.names);
  }

  /**
   * The stat key of files of one folder (`folder` ends with its separator), each read where it is
   * listed. Requests made together go to a worker together, a message per STAT_GROUP_FILES files:
   * one message per batch cost the main thread more than the workers' stat calls.
   */
  statKeyIn(folder: string, names: string[]): Promise<string | undefined> {
    if (this.threads === 0 || this.failure) return Promise.resolve(statKeyIn(folder, names, this.opts.maxFileBytes));
    return new Promise((resolve) => {
      if (!this.statGroup) {
        this.statGroup = { requests: [], done: [], files: 0 };
        // What is asked in the same turn goes in as few messages as the group size allows.
        queueMicrotask(() => this.sendStats());
      }
      const group = this.statGroup;
      group.requests.push({ folder, names });
      group.done.push(resolve);
      group.files += names.length;
      if (group.files >= STAT_GROUP_FILES) this.sendStats();
    });
  }

  private sendStats(): void {
    const group = this.statGroup;
    this.statGroup = undefined;
    if (!group || group.requests.length === 0) return;
    if (this.failure) return group.done.forEach((done) => done(undefined));
    this.start(false);
    const best = this.leastBusy();
    this.load[best]! += group.files;
    const id = this.nextId++;
    const req: BatchRequest = { id, files: [], statIn: group.requests, opts: this.opts };
    this.statWaiting.set(id, group);
    this.workers[best]!.postMessage(req);
  }

  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    return best;
  }

  private enqueue(file: SourceFile): Promise<PoolResult> {
    if (this.cutter.before(file)) this.send();
    return new Promise((resolve) => {
      const b = this.batch;
      b.files.push(file);
      b.done.push(resolve);
      if (this.cutter.after(file)) this.send();
    });
  }

  /**
   * Sends the part batch: call it when no more files come. Batches are otherwise cut only by
   * folder, count and bytes, never by timing, so the same inputs give the same batches (the
   * workspace caches by batch).
   */
  flush(): void {
    this.cutter.reset();
    this.send();
  }

  private send(): void {
    const b = this.batch;
    if (b.files.length === 0) return;
    this.batch = { files: [], done: [] };
    // A worker died: nothing sent now would come back.
    if (this.failure) return fail(b, this.failure);
    this.start();
    // The least busy worker takes it.
    const best = this.leastBusy();
    this.load[best]! += b.files.length;
    const id = this.nextId++;
    this.waiting.set(id, b);
    const files = b.files.map(toWire);
    const req: BatchRequest = { id, files, opts: this.opts, ...(this.workspace ? { workspace: this.workspace } : {}) };
    this.workers[best]!.postMessage(req);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A file as sent to a worker: a deferred local file goes without its (empty) bytes. */
function toWire(f: SourceFile): WireFile {
  return f.fsPath !== undefined ? { path: f.path, key: f.key, fsPath: f.fsPath, ...(f.container ? { container: f.container } : {}) } : f;
}

/** The folder (or archive) part of a display path. */
function folderOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('!')) + 1);
}

/** Every file of a batch that cannot be parsed any more, rejected with the worker's error. */
function fail(b: Batch, err: Error): void {
  b.done.forEach((d, j) => d(unreadable(b.files[j]!, `parse worker failed: ${err.message}`)));
}
