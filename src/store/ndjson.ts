import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { FreshFile } from '../util/fresh-file.js';
import { StringDecoder } from 'node:string_decoder';

/**
 * One JSON document per line, written and read a block at a time: what the workspace, the spilled
 * input list and the query tables are made of. Nothing here holds a whole file in memory.
 */

/** The lines of an NDJSON file, in order; at most `limit` of them. */
export function* fileLines(path: string, limit = Infinity): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    // A block can end inside a multi-byte character: the decoder keeps its first bytes for the next.
    const text = new StringDecoder('utf8');
    let pos = 0;
    let rest = '';
    let seen = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
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
    if (rest && seen < limit) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** The documents of an NDJSON file, parsed one line at a time. */
export function* readJsonLines<T>(path: string): Generator<T> {
  for (const line of fileLines(path)) yield JSON.parse(line) as T;
}

/** Appends lines to a file a block at a time; `written` of them are in the file, the rest still in `unwritten`. */
export class LineWriter {
  /** A file written whole then renamed into place; or, for a spill read back while written, the file itself. */
  private readonly file: FreshFile | { fd: number; commit(): void; abandon(): void };
  private block: string[] = [];
  written = 0;

  constructor(
    path: string,
    private readonly blockLines = 2048,
    /** Readable under its name while it is written (a private spill file, not an output). */
    readableWhileWritten = false,
  ) {
    if (!readableWhileWritten) this.file = new FreshFile(path);
    else {
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
    if (this.block.length > 0) writeSync(this.file.fd, `${this.block.join('\n')}\n`);
    this.written += this.block.length;
    this.block = [];
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
