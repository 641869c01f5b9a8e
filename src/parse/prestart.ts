import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findPackageRoot } from '../util/package-root.js';

/*
 * Starting the parse workers, in a module of its own that loads nothing of configtrail's: the CLI's
 * entry starts them first thing, so that they load their modules while the main thread loads the
 * rest (see src/cli/main.ts).
 */

/** The compiled worker script: beside this module when built, else the build's copy (tests run from src/). */
export function workerScript(): string | undefined {
  const here = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
  if (existsSync(here)) return here;
  try {
    const built = join(findPackageRoot(), 'dist', 'src', 'parse', 'worker.js');
    return existsSync(built) ? built : undefined;
  } catch {
    return undefined;
  }
}

export function defaultThreads(): number {
  return Math.max(1, Number(process.env.CONFIGTRAIL_THREADS) || availableParallelism());
}

/**
 * A parse worker keeps nothing from one batch to the next: everything it builds dies young. V8 would
 * still let its young generation grow to 32 MiB per worker over a long run, which only adds resident
 * memory (measured at 8 MiB: as fast, and peak RSS at 8M events ~100 MiB lower).
 */
const WORKER_YOUNG_MB = 8;

/** Every parse worker started and not yet ended (see endWorkers). */
const running = new Set<Worker>();

export function startWorker(script: string): Worker {
  const w = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  running.add(w);
  w.once('exit', () => running.delete(w));
  return w;
}

/**
 * Ends every parse worker, for an interrupted run, whose results are no longer wanted (their pools
 * are not told, so nothing is sent again). Resolves true once all have ended; false when one has
 * not within `ms`: a thread blocked in a system call cannot be stopped, and process.exit() would
 * wait for it forever.
 */
export async function endWorkers(ms: number): Promise<boolean> {
  const all = [...running];
  if (all.length === 0) return true;
  for (const w of all) {
    for (const event of ['message', 'messageerror', 'error', 'exit'] as const) w.removeAllListeners(event);
    w.on('error', () => undefined);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const ended = Promise.all(all.map((w) => w.terminate())).then(() => true);
  try {
    return await Promise.race([ended, late]);
  } finally {
    clearTimeout(timer);
    running.clear();
  }
}

/** Workers started before the pool that takes them (see prestartWorkers). */
let prestarted: Worker[] | undefined;

/**
 * Starts parse workers now, `count` of them at most (the rest of `size` on a later call), for the
 * next pool to take: a worker loads its modules while the main thread still reads frameworks and
 * options. A run that makes no pool just ends them.
 */
export function prestartWorkers(size = defaultThreads(), count = size): void {
  const script = size > 1 ? workerScript() : undefined;
  if (!script) return;
  prestarted ??= [];
  while (prestarted.length < Math.min(size, count)) {
    const w = startWorker(script);
    // Until a pool takes them, they must not keep the process alive.
    w.unref();
    prestarted.push(w);
  }
}

/** The prestarted workers, if any: handed over (`take`) or only looked at. */
export function takePrestarted(take: boolean): Worker[] | undefined {
  const ws = prestarted !== undefined && prestarted.length > 0 ? prestarted : undefined;
  if (take) prestarted = undefined;
  return ws;
}
