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

/** The lines of an NDJSON file, a block at a time; at most `limit` of them. */
export function* fileLines(path: string, limit = Infinity): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let rest = '';
    let seen = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (seen >= limit) return;
        if (!line) continue;
        seen++;
        yield line;
      }
    }
    if (rest && seen < limit) yield rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Every input file of a run, in the order the sources stage read them (deterministic: folders
 * walked in name order, S3 keys in key order, archive entries in archive order). An export can hold
 * millions of files: past the first few thousand, records go to a temporary NDJSON file and are
 * read back one block at a time, so memory does not grow with the input. A list replayed from the
 * workspace reads that ingest's own NDJSON file.
 */
export class InputList implements Iterable<InputRecord> {
  private readonly head: InputRecord[] = [];
  private tail: string[] = [];
  private fd: number | undefined;
  private dir: string | undefined;
  private spillPath: string | undefined;
  private spilled = 0;
  private external: string | undefined;
  length = 0;

  constructor(private readonly inMemory = IN_MEMORY) {}

  /** A list that is the NDJSON file at `path` (`count` lines), read when iterated. */
  static fromFile(path: string, count: number): InputList {
    const list = new InputList(0);
    list.external = path;
    list.length = count;
    return list;
  }

  push(rec: InputRecord): void {
    if (this.external !== undefined) throw new Error('a replayed input list is read-only');
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
      this.spillPath = join(this.dir, 'inputs.ndjson');
      this.fd = openSync(this.spillPath, 'w+');
    }
    writeSync(this.fd, `${this.tail.join('\n')}\n`);
    this.spilled += this.tail.length;
    this.tail = [];
  }

  /** The first `n` records (what a printed report shows). */
  first(n: number): InputRecord[] {
    if (this.external !== undefined) return Array.from(fileLines(this.external, n), (l) => JSON.parse(l) as InputRecord);
    return this.head.slice(0, n);
  }

  /** The NDJSON file this list is, when it was replayed from a saved ingest: copied, never parsed. */
  get file(): string | undefined {
    return this.external;
  }

  /** Each record as one line of JSON (what NDJSON tables and saved ingests hold). */
  *lines(): Generator<string> {
    if (this.external !== undefined) {
      yield* fileLines(this.external);
      return;
    }
    for (const r of this.head) yield JSON.stringify(r);
    if (this.spillPath !== undefined) yield* fileLines(this.spillPath, this.spilled);
    yield* this.tail;
  }

  *[Symbol.iterator](): Iterator<InputRecord> {
    if (this.external !== undefined) {
      for (const line of fileLines(this.external)) yield JSON.parse(line) as InputRecord;
      return;
    }
    yield* this.head;
    if (this.spillPath !== undefined) for (const line of fileLines(this.spillPath, this.spilled)) yield JSON.parse(line) as InputRecord;
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
