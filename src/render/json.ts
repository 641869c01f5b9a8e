import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { writeFreshWith } from '../util/fresh-file.js';
import type { Report } from '../model/types.js';
import { elementsAt, omitted, stringifyAt } from '../util/pretty-json.js';

/** report.json: the Report as built (already in a stable order, nothing time-dependent added). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Nesting from which values are written whole (report → list → element → field → whole). Above
 * it, an object is walked only when it holds a long list (a control's findings): anything else is
 * small and stringified in one call.
 */
const STREAM_DEPTH = 4;
const LONG_LIST = 64;

/**
 * Writes exactly the bytes of `reportJson`, a little at a time: the inputs, changes and findings of
 * a large run can be hundreds of MB as one string, and they need not be. Lists and objects near the
 * top are walked (the input list may live on disk); deeper values are small and stringified whole.
 */
export function writeReportJson(report: Report, path: string): void {
  writeFreshWith(path, (fd) => {
    let buf = '';
    const out: Out = (s: string) => {
      buf += s;
      if (buf.length >= 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    };
    out.file = (from: string) => {
      writeSync(fd, buf);
      buf = '';
      copyInto(fd, from);
    };
    emit(report, '', 0, out);
    out('\n');
    writeSync(fd, buf);
  });
}

/** Where report.json goes: text, and (when writing a file) another file's bytes as they stand. */
type Out = ((s: string) => void) & { file?: (path: string) => void };

/** Appends a file's bytes at `fd`'s position. */
function copyInto(fd: number, from: string): void {
  const src = openSync(from, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(src, chunk, 0, chunk.length, null)) > 0; ) writeSync(fd, chunk, 0, n);
  } finally {
    closeSync(src);
  }
}

/** One value as JSON.stringify(value, null, 2) would write it at this indent. */
function emit(value: unknown, indent: string, depth: number, out: Out): void {
  const v = resolved(value);
  // A list that is not an array (the input list on disk) is always walked, never materialised.
  if (writtenWhole(v, depth)) return out(stringifyAt(value, indent));
  const inner = `${indent}  `;
  if (isList(v)) {
    if (v.length === 0) return out('[]');
    // A replayed input list may come already laid out at this indent (see InputList.laidOut).
    const laidOut = hasLaidOut(v) && out.file ? v.laidOut(inner) : undefined;
    if (laidOut !== undefined) {
      out('[\n');
      out.file!(laidOut);
      return out(`\n${indent}]`);
    }
    out('[\n');
    // Elements written whole go in runs, each run one JSON.stringify; one to walk goes on its own.
    let run: unknown[] = [];
    let j = 0;
    const writeRun = () => {
      if (run.length === 0) return;
      out(inner);
      out(elementsAt(run, inner));
      j += run.length;
      run = [];
      out(j < v.length ? ',\n' : '\n');
    };
    for (const el of v) {
      if (writtenWhole(resolved(el), depth + 1)) {
        run.push(el);
        if (run.length >= RUN_ELEMENTS) writeRun();
        continue;
      }
      writeRun();
      out(inner);
      emit(el, inner, depth + 1, out);
      out(++j < v.length ? ',\n' : '\n');
    }
    writeRun();
    return out(`${indent}]`);
  }
  // Only an object that holds a long list gets here (see above): walked field by field.
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec).filter((k) => !omitted(rec[k]));
  out('{\n');
  keys.forEach((k, i) => {
    out(`${inner}${JSON.stringify(k)}: `);
    emit(rec[k], inner, depth + 1, out);
    out(i < keys.length - 1 ? ',\n' : '\n');
  });
  out(`${indent}}`);
}

/** A value as JSON.stringify sees it: omitted values become null (as in an array), toJSON applies. */
function resolved(value: unknown): unknown {
  if (omitted(value)) return null;
  if (value !== null && typeof value === 'object' && !isSpilled(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

/** Whether emit writes a (resolved) value with one JSON.stringify rather than walking it. */
function writtenWhole(v: unknown, depth: number): boolean {
  if (isSpilled(v)) return false;
  return depth >= STREAM_DEPTH || v === null || typeof v !== 'object' || (!Array.isArray(v) && !holdsLongList(v));
}

/** Elements a run holds at most: one run is one string. */
const RUN_ELEMENTS = 256;

function holdsLongList(v: object): boolean {
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null && isList(x) && (x.length > LONG_LIST || !Array.isArray(x))) return true;
  }
  return false;
}

function hasLaidOut(v: unknown): v is { laidOut: (indent: string) => string | undefined } {
  return typeof v === 'object' && v !== null && typeof (v as { laidOut?: unknown }).laidOut === 'function';
}

function isList(v: unknown): v is { length: number } & Iterable<unknown> {
  return Array.isArray(v) || (typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number' && Symbol.iterator in v);
}

/** A list that is not an array (the input list on disk): always walked, never materialised. */
function isSpilled(v: unknown): boolean {
  return isList(v) && !Array.isArray(v);
}
