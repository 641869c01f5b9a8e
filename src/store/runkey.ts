import { createHash, type Hash } from 'node:crypto';
import type { SourceEvent } from '../model/types.js';

/**
 * The format of saved ingests and of the key they are saved under (see store/ingest.ts). i3: the
 * sources walk CloudTrail's log files and digests side by side (sources/layout.ts), so an ingest
 * saved in i2's order is not replayed: its input list would come out in the old order. i5: every
 * file of a saved ingest has its checksum (store/checksum.ts). i6: events are saved as the store's
 * lines (store/events.ts), each with its identity and path. i7: a line's key carries what the
 * store's rule reads, which a replay decides from. i8: the events are the store's sealed hour files,
 * read where they are (store/events.ts savedEvents), and the same record is told apart by what the
 * rule reads too.
 */
export const INGEST_VERSION = 'i8';

/** Builds the run key from the sources' events in order; unusable (undefined) once any part has no stable key. */
export class RunKey {
  private readonly hash: Hash = createHash('sha256');
  private last: string | undefined;
  private usable = true;

  constructor(parts: string[]) {
    this.hash.update(`${INGEST_VERSION}\n${parts.join('\n')}\n`);
  }

  /** One file's batch key (consecutive files of one batch share it), or a source-level event. */
  add(part: string | undefined): void {
    if (part === undefined) {
      this.usable = false;
      return;
    }
    if (part === this.last) return;
    this.last = part;
    this.hash.update(`${part}\n`);
  }

  digest(): string | undefined {
    return this.usable ? this.hash.digest('hex') : undefined;
  }
}

/** A source event that is not a file, as a part of the run key. */
export function eventPart(ev: SourceEvent): string {
  return `event ${JSON.stringify(ev)}`;
}

/**
 * A run key whose batch keys come later (computed on the parse workers): events and places for
 * batch keys are added in the sources' order, each batch's key fills its places when it arrives,
 * and the digest is taken once all have.
 */
export class PendingRunKey {
  private readonly parts: (string | undefined)[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly keyParts: string[]) {}

  event(ev: SourceEvent): void {
    this.parts.push(eventPart(ev));
  }

  /** A place for a batch's key, where its files (or a run of them) stand among the events. */
  place(): number {
    return this.parts.push(undefined) - 1;
  }

  /** A batch's key, for its places; the returned promise settles once they are filled. */
  fill(key: Promise<string | undefined>, places: number[]): Promise<void> {
    const done = key.then((k) => {
      for (const i of places) this.parts[i] = k;
    });
    this.pending.push(done);
    return done;
  }

  async digest(): Promise<string | undefined> {
    await Promise.all(this.pending);
    const key = new RunKey(this.keyParts);
    for (const p of this.parts) key.add(p);
    return key.digest();
  }
}
