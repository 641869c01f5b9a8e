import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputRecord } from '../model/types.js';

/** Records kept in memory before the list spills to disk. */
const IN_MEMORY = 5_000;

/** Spill folders of this process, removed when it exits however it ends. */
const spillDirs = new Set<string>();
process.once('exit', () => {
  for (const d of spillDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Every input file of a run, in the order the sources stage read them (deterministic: folders
 * walked in name order, S3 keys in key order, archive entries in archive order). An export can hold
 * millions of files: past the first few thousand, records go to a temporary NDJSON file and are
 * read back one block at a time, so memory does not grow with the input.
 */
export class InputList implements Iterable<InputRecord> {
  private readonly head: InputRecord[] = [];
  private tail: string[] = [];
  private fd: number | undefined;
  private dir: string | undefined;
  private spilled = 0;
  length = 0;

  constructor(private readonly inMemory = IN_MEMORY) {}

  push(rec: InputRecord): void {
    this.length++;
    if (this.head.length < this.inMemory) {
      this.head.push(rec);
      return;
    }
    this.tail.push(JSON.stringify(rec));
    if (this.tail.length >= 4096) this.spill();
  }

  private spill(): void {
    if (this.tail.length === 0) return;
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'configtrail-inputs-'));
      spillDirs.add(this.dir);
      this.fd = openSync(join(this.dir, 'inputs.ndjson'), 'w+');
    }
    writeSync(this.fd, `${this.tail.join('\n')}\n`);
    this.spilled += this.tail.length;
    this.tail = [];
  }

  /** The first `n` records (what a printed report shows). */
  first(n: number): InputRecord[] {
    return this.head.slice(0, n);
  }

  *[Symbol.iterator](): Iterator<InputRecord> {
    yield* this.head;
    if (this.fd !== undefined) {
      const buf = Buffer.allocUnsafe(1 << 20);
      let pos = 0;
      let rest = '';
      let seen = 0;
      for (;;) {
        const n = readSync(this.fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        pos += n;
        const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          if (seen++ >= this.spilled) break;
          yield JSON.parse(line) as InputRecord;
        }
      }
    }
    for (const line of this.tail) yield JSON.parse(line) as InputRecord;
  }

  /** JSON.stringify sees the whole list (small reports, tests); writeReportJson streams it instead. */
  toJSON(): InputRecord[] {
    return [...this];
  }

  /** Removes the spill file (also done when the process exits). */
  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      spillDirs.delete(this.dir);
    }
  }
}

/**
 * Puts results that arrive in any order (parse workers) back into the order they were dispatched:
 * `put(seq, …)` for every sequence number, each handed on once all before it have been.
 * Holds at most the results in flight.
 */
export class Reorder<T> {
  private next = 0;
  private readonly waiting = new Map<number, T | undefined>();

  constructor(private readonly sink: (item: T) => void) {}

  put(seq: number, item: T | undefined): void {
    this.waiting.set(seq, item);
    while (this.waiting.has(this.next)) {
      const v = this.waiting.get(this.next);
      this.waiting.delete(this.next);
      this.next++;
      if (v !== undefined) this.sink(v);
    }
  }
}
