import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { InputRecord } from '../model/types.js';
import { makeTempDir, removeNow } from '../util/tempdir.js';
import { elementsAt } from '../util/pretty-json.js';
import { fileLines, LineWriter } from './ndjson.js';
import { RunningSum } from './checksum.js';

/** Where report.json lays out its input records: items of a list one level down. */
export const LAID_OUT_INDENT = '    ';

/**
 * Writes records as report.json lays them out (each as JSON.stringify(…, null, 2) at
 * LAID_OUT_INDENT, separated by commas), a run of records at a time: what a large input list keeps
 * beside its NDJSON, and a saved ingest beside its own, so that report.json copies the list instead
 * of laying out every record when the report is written.
 */
export class LaidOutWriter {
  private readonly fd: number;
  private run: unknown[] = [];
  private sep = '';
  /** The SHA-256 of what is written (a saved ingest records it: see store/checksum.ts). */
  private readonly sum = new RunningSum();

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(record: unknown): void {
    this.run.push(record);
    if (this.run.length >= LAID_OUT_RUN) this.flush();
  }

  flush(): void {
    if (this.run.length === 0) return;
    const text = `${this.sep}${LAID_OUT_INDENT}${elementsAt(this.run, LAID_OUT_INDENT)}`;
    this.sum.update(text);
    writeSync(this.fd, text);
    this.sep = ',\n';
    this.run = [];
  }

  /** The SHA-256 of what is in the file (flushed). */
  get sha256(): string {
    return this.sum.current();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Records laid out by one JSON.stringify. */
const LAID_OUT_RUN = 512;

/** Lays out all of `records` into a file (see LaidOutWriter); returns the file's SHA-256. */
export function writeLaidOut(records: Iterable<unknown>, path: string): string {
  const out = new LaidOutWriter(path);
  try {
    for (const r of records) out.add(r);
  } finally {
    out.close();
  }
  return out.sha256;
}

/** Records kept in memory before the list spills to disk. */
const IN_MEMORY = 5_000;

/**
 * Every input file of a run, in the order the sources stage read them (deterministic: folders
 * walked in name order, S3 keys in key order, archive entries in archive order). An export can hold
 * millions of files: past the first few thousand, records go to a temporary NDJSON file and are
 * read back one block at a time, so memory does not grow with the input. A list replayed from the
 * workspace reads that ingest's own NDJSON file.
 */
export class InputList implements Iterable<InputRecord> {
  private readonly head: InputRecord[] = [];
  /** Records past the head: a temporary NDJSON file, or a replayed ingest's own. */
  private spill: LineWriter | undefined;
  /** Beside the spill, every record laid out for report.json, written as they come. */
  private laidOutSpill: LaidOutWriter | undefined;
  private dir: string | undefined;
  private spillPath: string | undefined;
  private external: string | undefined;
  private laidOutFile: string | undefined;
  private externalSum: string | undefined;
  length = 0;
  /** The SHA-256 of the list as inputs.csv (render/csv.ts inputsCsvSha256), once known: a saved ingest records it. */
  csvSha256: string | undefined;

  constructor(private readonly inMemory = IN_MEMORY) {}

  /**
   * A list that is the NDJSON file at `path` (`count` lines), read when iterated; `laidOut`, the
   * same records as report.json lays them out (see LaidOutWriter), when the ingest saved them so;
   * `sha256`, the file's, checked before (store/checksum.ts).
   */
  static fromFile(path: string, count: number, laidOut?: string, sha256?: string): InputList {
    const list = new InputList(0);
    list.external = path;
    list.externalSum = sha256;
    list.length = count;
    list.laidOutFile = laidOut;
    return list;
  }

  /** A file holding the records exactly as report.json lays them out at `indent`, if there is one. */
  laidOut(indent: string): string | undefined {
    if (indent !== LAID_OUT_INDENT) return undefined;
    this.laidOutSpill?.flush();
    return this.laidOutFile ?? this.laidOutSpill?.path;
  }

  /** The SHA-256 of the laid-out file laidOut() gives while the list is recorded (undefined: none, or not known). */
  laidOutSum(): string | undefined {
    this.laidOutSpill?.flush();
    return this.laidOutSpill?.sha256;
  }

  push(rec: InputRecord): void {
    if (this.external !== undefined) throw new Error('a replayed input list is read-only');
    this.length++;
    if (this.head.length < this.inMemory) {
      this.head.push(rec);
      return;
    }
    if (!this.spill) {
      this.dir = makeTempDir('inputs');
      this.spillPath = join(this.dir, 'inputs.ndjson');
      this.spill = new LineWriter(this.spillPath, 4096, true);
      // A list this long is laid out for report.json while the run reads, not after.
      this.laidOutSpill = new LaidOutWriter(join(this.dir, 'inputs.report.json'));
      for (const r of this.head) this.laidOutSpill.add(r);
    }
    this.spill.addLine(JSON.stringify(rec));
    this.laidOutSpill!.add(rec);
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

  /** The SHA-256 of that file, as its saved ingest recorded it. */
  get fileSum(): string | undefined {
    return this.externalSum;
  }

  /** The lines of the records past the head: those in the file, then those not yet written. */
  private *rest(): Generator<string> {
    if (this.external !== undefined) yield* fileLines(this.external);
    else if (this.spill && this.spillPath !== undefined) {
      yield* fileLines(this.spillPath, this.spill.written);
      yield* this.spill.unwritten;
    }
  }

  /** Each record as one line of JSON (what NDJSON tables and saved ingests hold). */
  *lines(): Generator<string> {
    for (const r of this.head) yield JSON.stringify(r);
    yield* this.rest();
  }

  *[Symbol.iterator](): Iterator<InputRecord> {
    yield* this.head;
    for (const line of this.rest()) yield JSON.parse(line) as InputRecord;
  }

  /** JSON.stringify sees the whole list (small reports, tests); writeReportJson streams it instead. */
  toJSON(): InputRecord[] {
    return [...this];
  }

  /** Removes the spill file (also done when the process exits). */
  dispose(): void {
    this.spill?.close();
    this.spill = undefined;
    this.laidOutSpill?.close();
    this.laidOutSpill = undefined;
    if (this.dir) {
      removeNow(this.dir);
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
