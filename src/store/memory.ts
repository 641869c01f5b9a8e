import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { ConfigtrailError } from '../util/errors.js';

/**
 * The share of the old generation's limit the main thread may fill while files are read: the
 * configuration items and up to --memory-limit of kept events are held in memory, and correlating
 * and building the report need room beyond them.
 */
export const HEAP_SHARE = 0.7;

const MIB = 1024 * 1024;

/**
 * What runs out is the old generation, where everything kept ends up. Its limit is what
 * --max-old-space-size says when given (command line or NODE_OPTIONS); V8 reports no such figure,
 * only a heap limit that also counts the young generation (3 semi-spaces of 16 MiB on 64-bit).
 */
const YOUNG_RESERVE = 48 * MIB;

let limit: number | undefined;

/** Fixed for the life of the process: read once. */
export function oldGenerationLimit(): number {
  if (limit === undefined) {
    const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
    const given = /--max[-_]old[-_]space[-_]size[= ](\d+)/.exec(flags);
    limit = given ? Number(given[1]) * MIB : getHeapStatistics().heap_size_limit - YOUNG_RESERVE;
  }
  return limit;
}

function oldGenerationUsed(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) used += s.space_used_size;
  return used;
}

/**
 * Watches the heap while the store fills. A period of a large organisation can hold more evidence
 * than the heap: instead of V8's fatal out-of-memory crash, perhaps hours into the run, the read
 * stops and the run ends with one line saying what to do. The old generation holds what is kept plus
 * garbage the next full collection frees, which the 20% heap growth set at start-up keeps small.
 * Checked every `every` files, synchronously: results arrive in bursts that leave no room for
 * asynchronous GC notifications.
 */
export class HeapWatch {
  private used: number | undefined;
  private calls = 0;

  constructor(
    private readonly share = HEAP_SHARE,
    private readonly every = 16,
  ) {}

  /** Whether the read must stop; call it once per file (or per event of a saved ingest). */
  exceeded(): boolean {
    if (this.used === undefined && ++this.calls % this.every === 0) {
      const used = oldGenerationUsed();
      if (used > this.share * oldGenerationLimit()) this.used = used;
    }
    return this.stopped;
  }

  /** Whether exceeded() has said the read must stop (without looking at the heap again). */
  get stopped(): boolean {
    return this.used !== undefined;
  }

  /** The one-line error for a run stopped because the evidence did not fit; `kept` says how much was kept. */
  error(kept: string): ConfigtrailError {
    const limit = oldGenerationLimit();
    const mib = (n: number) => Math.round(n / MIB).toLocaleString('en-US');
    return new ConfigtrailError(
      `the evidence does not fit in memory: ${kept} filled ${mib(this.used ?? 0)} of the ${mib(limit)} MiB the heap allows; give Node more memory (e.g. NODE_OPTIONS=--max-old-space-size=${Math.ceil((limit * 2) / MIB)}, twice this), hold fewer kept events in memory (--memory-limit), or report a shorter period`,
    );
  }
}
