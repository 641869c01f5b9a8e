import type { Worker } from 'node:worker_threads';
import type { ParsedFile, SourceFile } from '../model/types.js';
import { defaultThreads, startWorker, takePrestarted, workerScript } from './prestart.js';
import { namesInFolder, statKey, statKeyIn } from '../store/workspace.js';
import { sealHourFile, type SealedHour, type SealJob } from '../store/events.js';
import { parseBatch } from './cached.js';
import { unreadable, type ParseOptions } from './index.js';
import { shortReason } from './values.js';

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
  /** Only this hour file of the store's kept events is to be sealed (store/events.ts sealHourFile). */
  seal?: SealJob;
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
  /** The answer to a seal request. */
  sealed?: SealedHour;
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

/** A running worker: the requests it was sent and has not answered, in order (it answers in order). */
interface Slot {
  worker: Worker;
  load: number;
  sent: number[];
  gone: boolean;
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
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Batch>();
  private readonly statWaiting = new Map<number, StatGroup>();
  private readonly sealWaiting = new Map<number, { job: SealJob; done: (s: SealedHour) => void; failed: (err: unknown) => void }>();
  private statGroup: StatGroup | undefined;
  private nextId = 0;
  private closed = false;
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
      if (this.slots.length < this.threads) this.adopt(w);
      else void w.terminate();
    }
    const want = all ? this.threads : 1;
    while (this.slots.length < want) this.adopt(startWorker(this.script));
  }

  /**
   * Takes a worker into the pool. Every request sent settles: answered; or, when its answer cannot
   * be read here ('messageerror': a result V8 cannot deserialise) or the worker fails ('error',
   * 'exit'), given to `lost`. A failed worker leaves the pool and another starts with the next batch.
   */
  private adopt(w: Worker): void {
    const slot: Slot = { worker: w, load: 0, sent: [], gone: false };
    w.ref();
    w.on('message', (m: BatchResponse) => {
      const at = slot.sent.indexOf(m.id);
      if (at >= 0) slot.sent.splice(at, 1);
      const seal = this.sealWaiting.get(m.id);
      if (seal) {
        this.sealWaiting.delete(m.id);
        slot.load -= 1;
        seal.done(m.sealed!);
        return;
      }
      const stat = this.statWaiting.get(m.id);
      if (stat) {
        this.statWaiting.delete(m.id);
        slot.load -= stat.files;
        stat.done.forEach((done, j) => done(m.batchKeys?.[j]));
        return;
      }
      const batch = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!batch) return;
      slot.load -= batch.files.length;
      m.parsed.forEach((p, j) => batch.done[j]!(m.batchKey === undefined ? p : Object.assign(p, { batchKey: m.batchKey })));
    });
    // The answer to the oldest request this worker has not answered could not be read.
    w.on('messageerror', (err) => {
      const id = slot.sent.shift();
      if (id !== undefined) this.lost(id, err);
    });
    const failed = (err: Error) => {
      if (slot.gone || this.closed) return;
      slot.gone = true;
      this.slots.splice(this.slots.indexOf(slot), 1);
      void w.terminate();
      // Whatever that worker held can no longer arrive: settled now rather than never.
      for (const id of slot.sent.splice(0)) this.lost(id, err);
    };
    w.on('error', failed);
    w.on('exit', (code) => failed(new Error(`the worker stopped (exit code ${code})`)));
    this.slots.push(slot);
  }

  /**
   * A request whose answer will not come. A batch of several files is sent again file by file (its
   * other files were most likely innocent); a single file is rejected with the reason. A stat key
   * that cannot come only means the saved ingest is not used.
   */
  private lost(id: number, err: Error): void {
    const seal = this.sealWaiting.get(id);
    if (seal) {
      // Sealed here instead: a file is written whole or not at all, and sealing it again gives the same.
      this.sealWaiting.delete(id);
      try {
        seal.done(sealHourFile(seal.job));
      } catch (failure) {
        seal.failed(failure);
      }
      return;
    }
    const group = this.statWaiting.get(id);
    if (group) {
      this.statWaiting.delete(id);
      for (const done of group.done) done(undefined);
      return;
    }
    const b = this.waiting.get(id);
    if (!b) return;
    this.waiting.delete(id);
    if (b.files.length > 1) {
      // Without a batch key: the batches were not cut as usual, and the run is not saved for replay.
      b.files.forEach((f, j) =>
        this.dispatch({
          files: [f],
          done: [
            (p) => {
              delete p.batchKey;
              b.done[j]!(p);
            },
          ],
        }),
      );
      return;
    }
    b.done[0]!(unreadable(b.files[0]!, `parse worker failed: ${shortReason(err.message)}`));
  }

  parse(file: SourceFile): Promise<PoolResult> {
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
    if (this.threads === 0) return Promise.resolve(statKeyIn(folder, names, this.opts.maxFileBytes));
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

  /**
   * Seals an hour file of the store's kept events on a worker (store/events.ts sealHourFile): once
   * the files are read, the workers seal the hours while this thread waits, rather than it sealing
   * them alone. Inline when the pool has no workers.
   */
  seal(job: SealJob): Promise<SealedHour> {
    if (this.threads === 0) return Promise.resolve(sealHourFile(job));
    return new Promise((done, failed) => {
      this.start();
      const id = this.nextId++;
      this.sealWaiting.set(id, { job, done, failed });
      this.post(id, { id, files: [], seal: job, opts: this.opts }, 1);
    });
  }

  private sendStats(): void {
    const group = this.statGroup;
    this.statGroup = undefined;
    if (!group || group.requests.length === 0) return;
    this.start(false);
    const id = this.nextId++;
    this.statWaiting.set(id, group);
    this.post(id, { id, files: [], statIn: group.requests, opts: this.opts }, group.files);
  }

  /** Sends a request to the least busy worker. */
  private post(id: number, req: BatchRequest, files: number): void {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.load < best.load) best = s;
    best.load += files;
    best.sent.push(id);
    try {
      best.worker.postMessage(req);
    } catch (err) {
      best.sent.pop();
      this.lost(id, err as Error);
    }
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
    this.dispatch(b);
  }

  /** Sends a batch to the least busy worker. */
  private dispatch(b: Batch): void {
    this.start();
    const id = this.nextId++;
    this.waiting.set(id, b);
    const files = b.files.map(toWire);
    this.post(id, { id, files, opts: this.opts, ...(this.workspace ? { workspace: this.workspace } : {}) }, b.files.length);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
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
