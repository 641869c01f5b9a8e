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

/**
 * Decodes files on worker threads, one per core: gunzip and JSON.parse are the cost of a large
 * export. At most `queue` files wait per worker, so memory stays bounded whatever the input size.
 * With one core, or no compiled worker, files are parsed inline.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (p: ParsedFile) => void>();
  private readonly load: number[] = [];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    private readonly opts: ParseOptions,
    size = Math.max(1, Number(process.env.CONFIGTRAIL_THREADS) || availableParallelism()),
    /** The workspace folder: decoded files are cached there by hash and reused. */
    private readonly workspace?: string,
  ) {
    const script = size > 1 ? workerScript() : undefined;
    if (!script) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.on('message', (m: { id: number; parsed: ParsedFile }) => {
        this.load[i]!--;
        const done = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        done?.(m.parsed);
      });
      w.on('error', (err) => (this.failure = err));
      this.workers.push(w);
      this.load.push(0);
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Files in flight across all workers. */
  get pending(): number {
    return this.waiting.size;
  }

  parse(file: SourceFile): Promise<ParsedFile & { fromCache?: boolean }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) return Promise.resolve(this.workspace ? parseCached(file, this.opts, this.workspace) : parseFile(file, this.opts));
    // The least busy worker takes it.
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    this.load[best]!++;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.workers[best]!.postMessage({ id, file, opts: this.opts, ...(this.workspace ? { workspace: this.workspace } : {}) });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
