import { closeSync, openSync, writeSync } from 'node:fs';
import type { Report } from '../model/types.js';

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
  const fd = openSync(path, 'w');
  let buf = '';
  const out = (s: string) => {
    buf += s;
    if (buf.length >= 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  try {
    emit(report, '', 0, out);
    out('\n');
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** One value as JSON.stringify(value, null, 2) would write it at this indent. */
function emit(value: unknown, indent: string, depth: number, out: (s: string) => void): void {
  let v = value;
  // A list that is not an array (the input list on disk) is always walked, never materialised.
  const spilled = isList(v) && !Array.isArray(v);
  if (!spilled && v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: () => unknown }).toJSON();
  if (!spilled && (depth >= STREAM_DEPTH || v === null || typeof v !== 'object' || (!Array.isArray(v) && !holdsLongList(v)))) {
    const s = JSON.stringify(v, null, 2);
    return out(indent ? s.replace(/\n/g, `\n${indent}`) : s);
  }
  const inner = `${indent}  `;
  if (isList(v)) {
    if (v.length === 0) return out('[]');
    // The input list hands on its records' JSON lines: laid out as they stand, without a parse.
    const lines = hasLines(v) ? v.lines() : undefined;
    out('[\n');
    let j = 0;
    for (const el of lines ?? v) {
      out(inner);
      const flat = lines ? prettyFlat(el as string, inner) : undefined;
      if (flat !== undefined) out(flat);
      else emit(lines ? JSON.parse(el as string) : omitted(el) ? null : el, inner, depth + 1, out);
      out(++j < v.length ? ',\n' : '\n');
    }
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

function holdsLongList(v: object): boolean {
  for (const x of Object.values(v)) if (isList(x) && (x.length > LONG_LIST || !Array.isArray(x))) return true;
  return false;
}

function hasLines(v: unknown): v is { length: number; lines: () => Iterable<string> } {
  return typeof v === 'object' && v !== null && typeof (v as { lines?: unknown }).lines === 'function';
}

/**
 * A flat object's compact JSON (as JSON.stringify writes it: no spaces, canonical escapes) laid
 * out as JSON.stringify(…, null, 2) would at this indent; undefined when it nests anything.
 */
export function prettyFlat(line: string, indent: string): string | undefined {
  if (line.length < 2 || line.charCodeAt(0) !== 123 || line.charCodeAt(line.length - 1) !== 125) return undefined;
  if (line === '{}') return '{}';
  const inner = `${indent}  `;
  let out = `{\n${inner}`;
  let start = 1;
  let inString = false;
  for (let i = 1; i < line.length - 1; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 58) {
      out += `${line.slice(start, i)}: `;
      start = i + 1;
    } else if (c === 44) {
      out += `${line.slice(start, i)},\n${inner}`;
      start = i + 1;
    } else if (c === 123 || c === 91) return undefined;
  }
  return `${out}${line.slice(start, line.length - 1)}\n${indent}}`;
}

function isList(v: unknown): v is { length: number } & Iterable<unknown> {
  return Array.isArray(v) || (typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number' && Symbol.iterator in v);
}
