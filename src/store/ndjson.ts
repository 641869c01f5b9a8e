import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { FreshFile } from '../util/fresh-file.js';
import { StringDecoder } from 'node:string_decoder';
import { damaged, DamagedFile, RunningSum, type Checked } from './checksum.js';

/**
 * One JSON document per line, written and read a block at a time: what the workspace, the spilled
 * input list and the query tables are made of. Nothing here holds a whole file in memory.
 */

/**
 * The lines of an NDJSON file, in order; at most `limit` of them. With `checked`, the file is
 * hashed as it is read: when it does not match, the generator throws DamagedFile at its end, or,
 * if the reader stopped early on an error of its own (a damaged line that does not parse), the
 * rest is hashed then so the damage is said all the same.
 */
export function* fileLines(path: string, limit = Infinity, checked?: Checked): Generator<string> {
  const fd = openSync(path, 'r');
  const sum = checked ? new RunningSum() : undefined;
  let whole = false;
  let pos = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    // A block can end inside a multi-byte character: the decoder keeps its first bytes for the next.
    const text = new StringDecoder('utf8');
    let rest = '';
    let seen = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      sum?.update(buf.subarray(0, n));
      const lines = (rest + text.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (seen >= limit) return;
        if (!line) continue;
        seen++;
        yield line;
      }
    }
    rest += text.end();
    whole = true;
    if (checked && sum!.current() !== checked.sha256) {
      damaged(path, checked.remedy);
      throw new DamagedFile(path);
    }
    if (rest && seen < limit) yield rest;
  } finally {
    if (checked && !whole) {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) sum!.update(buf.subarray(0, n));
      if (sum!.current() !== checked.sha256) damaged(path, checked.remedy);
    }
    closeSync(fd);
  }
}

/** The documents of an NDJSON file, parsed one line at a time (checked: see fileLines). */
export function* readJsonLines<T>(path: string, checked?: Checked): Generator<T> {
  for (const line of fileLines(path, Infinity, checked)) yield JSON.parse(line) as T;
}

/** Appends lines to a file a block at a time; `written` of them are in the file, the rest still in `unwritten`. */
export class LineWriter {
  /** A file written whole then renamed into place; or, for a spill read back while written, the file itself. */
  private readonly file: FreshFile | { fd: number; commit(): void; abandon(): void };
  private block: string[] = [];
  /** The SHA-256 of what is written, for a file that is not a private spill (see store/checksum.ts). */
  private readonly sum: RunningSum | undefined;
  written = 0;

  constructor(
    path: string,
    private readonly blockLines = 2048,
    /** Readable under its name while it is written (a private spill file, not an output). */
    readableWhileWritten = false,
  ) {
    if (!readableWhileWritten) {
      this.file = new FreshFile(path);
      this.sum = new RunningSum();
    } else {
      const fd = openSync(path, 'wx');
      this.file = { fd, commit: () => closeSync(fd), abandon: () => closeSync(fd) };
    }
  }

  add(v: unknown): void {
    this.addLine(JSON.stringify(v));
  }

  addLine(line: string): void {
    this.block.push(line);
    if (this.block.length >= this.blockLines) this.flush();
  }

  get unwritten(): readonly string[] {
    return this.block;
  }

  flush(): void {
    if (this.block.length > 0) {
      const text = `${this.block.join('\n')}\n`;
      this.sum?.update(text);
      writeSync(this.file.fd, text);
    }
    this.written += this.block.length;
    this.block = [];
  }

  /** The SHA-256 of the file's content, once it is closed. */
  get sha256(): string | undefined {
    return this.sum?.current();
  }

  /** Closes the file and removes it: nothing is left under its name or a temporary one. */
  abandon(): void {
    this.block = [];
    this.file.abandon();
  }

  /** Writes what is left and puts the file in place under its name. */
  close(): void {
    try {
      this.flush();
    } catch (err) {
      this.file.abandon();
      throw err;
    }
    this.file.commit();
  }
}
