import { createHash, type Hash } from 'node:crypto';

/** The format of saved ingests and of the key they are saved under (see store/ingest.ts). */
export const INGEST_VERSION = 'i1';

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
