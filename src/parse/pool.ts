import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParsedFile, SourceFile } from '../model/types.js';
import { findPackageRoot } from '../util/package-root.js';
import { parseCached } from './cached.js';
import { parseFile, type ParseOptions } from './index.js';

/** The compiled worker script: beside this module when built, else the build's copy (tests run from src/). */
function workerScript(): string | undefined {
  const here = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
  if (existsSync(here)) return here;
  try {
    const built = join(findPackageRoot(), 'dist', 'src', 'parse', 'worker.js');
    return existsSync(built) ? built : undefined;
  } catch {
    return undefined;
  }
}

/** Files sent to a worker in one message: a message per file would make the main thread the bottleneck. */
export const BATCH_FILES = 32;
/** A batch also goes once the bytes it carries (files not read by the worker itself) reach this. */
const BATCH_BYTES = 8 * 1024 * 1024;

export type PoolResult = ParsedFile & { fromCache?: boolean };

export interface BatchRequest {
  id: number;
  files: SourceFile[];
  opts: ParseOptions;
  workspace?: string;
}

export interface BatchResponse {
  id: number;
  parsed: PoolResult[];
}

interface Batch {
  files: SourceFile[];
  done: ((p: PoolResult) => void)[];
  bytes: number;
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
  private readonly load: number[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private batch: Batch = { files: [], done: [], bytes: 0 };
  private flushScheduled = false;
  private pendingFiles = 0;

  constructor(
    private readonly opts: ParseOptions,
    size = Math.max(1, Number(process.env.CONFIGTRAIL_THREADS) || availableParallelism()),
    /** The workspace folder: decoded files are cached there by hash and reused. */
    private readonly workspace?: string,
  ) {
    const script = size > 1 ? workerScript() : undefined;
    if (!script) return;
    for (let i = 0; i < size; i++) {
      // A larger young generation: parsed records die young, and fewer scavenges is less time.
      const w = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
      w.on('message', (m: BatchResponse) => {
        const batch = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (!batch) return;
        this.load[i]! -= batch.files.length;
        this.pendingFiles -= batch.files.length;
        m.parsed.forEach((p, j) => batch.done[j]!(p));
      });
      w.on('error', (err) => {
        this.failure = err;
        // Whatever that worker held can no longer arrive: fail it rather than hang.
        for (const b of this.waiting.values()) b.done.forEach((d, j) => d(failed(b.files[j]!, err)));
        this.waiting.clear();
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Files in flight across all workers, batched or not yet sent. */
  get pending(): number {
    return this.pendingFiles;
  }

  parse(file: SourceFile): Promise<PoolResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) return Promise.resolve(this.workspace ? parseCached(file, this.opts, this.workspace) : parseFile(file, this.opts));
    this.pendingFiles++;
    return new Promise((resolve) => {
      const b = this.batch;
      b.files.push(file);
      b.done.push(resolve);
      b.bytes += file.bytes.length;
      if (b.files.length >= BATCH_FILES || b.bytes >= BATCH_BYTES) this.flush();
      else if (!this.flushScheduled) {
        // A part batch goes as soon as the caller waits on anything: it never waits on it forever.
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const b = this.batch;
    if (b.files.length === 0) return;
    this.batch = { files: [], done: [], bytes: 0 };
    // The least busy worker takes it.
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    this.load[best]! += b.files.length;
    const id = this.nextId++;
    this.waiting.set(id, b);
    const req: BatchRequest = { id, files: b.files, opts: this.opts, ...(this.workspace ? { workspace: this.workspace } : {}) };
    this.workers[best]!.postMessage(req);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function failed(file: SourceFile, err: Error): PoolResult {
  return { input: { path: file.path, sha256: '', size: 0, kind: 'unknown', records: 0, rejected: 0 }, events: [], items: [], rejected: [{ path: file.path, reason: `parse worker failed: ${err.message}` }] };
}
