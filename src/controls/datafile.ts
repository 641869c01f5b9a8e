import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import type { Node } from 'yaml';
import { UsageError } from '../util/errors.js';
import { csvParse, lazy } from '../util/lazy.js';
import { readOpen } from '../util/read-open.js';

const yamlLib = lazy<typeof import('yaml')>('yaml');

/**
 * Reading the user's data files (custom frameworks, waivers, authorised principals) as YAML, JSON
 * or CSV, with errors that name the file and line: a malformed file is a usage error, reported in
 * one line, never a stack trace.
 */

/** A record read from a data file, each field with the line it came from. */
export interface DataRecord {
  line: number;
  fields: Record<string, unknown>;
}

export class DataFileError extends UsageError {}

/** Largest data file read: a framework, waiver or principal list is kilobytes. */
export const DATA_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A data file's text (`what` names it in errors: "waivers file"). Only a regular file of at most
 * DATA_FILE_BYTES is read: a FIFO or a device (/dev/zero) would block or never end, so anything
 * else is a usage error. Opened without blocking (a FIFO's open would wait for a writer), then
 * checked on the open file.
 */
export function readDataFile(path: string, what: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${what} ${path} is not a regular file`);
    if (st.size > DATA_FILE_BYTES) throw new UsageError(`${what} ${path} is larger than ${DATA_FILE_BYTES / (1024 * 1024)} MiB`);
    return readOpen(fd, st.size).toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function dataError(file: string, line: number | undefined, message: string): DataFileError {
  return new DataFileError(`${file}${line ? `:${line}` : ''}: ${message}`);
}

/**
 * Parses YAML (JSON is YAML) and returns the list under `listKey` (or the top-level list), plus
 * the top-level scalar fields. Every record carries its line number.
 */
export function readYamlRecords(file: string, text: string, listKey: string): { top: Record<string, unknown>; records: DataRecord[] } {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
    throw dataError(file, line, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const root = doc.contents;
  let list: Node | null | undefined = root;
  const top: Record<string, unknown> = {};
  if (isMap(root)) {
    list = undefined;
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (key === listKey) list = pair.value as Node | null;
      else top[key] = isScalar(pair.value) ? pair.value.value : (pair.value as Node | null)?.toJSON?.();
    }
    if (list === undefined) throw dataError(file, 1, `expected a list under "${listKey}:"`);
  }
  if (!isSeq(list)) throw dataError(file, lineOf(list) ?? 1, `expected a list of ${listKey}`);
  const records: DataRecord[] = [];
  for (const node of list.items) {
    const line = lineOf(node as Node) ?? 1;
    if (!isMap(node)) throw dataError(file, line, `each entry of ${listKey} must be a mapping (key: value)`);
    const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key) throw dataError(file, lineOf(pair.key as Node) ?? line, 'keys must be plain strings');
      fields[key] = isScalar(pair.value) ? pair.value.value : (pair.value as Node | null)?.toJSON?.();
    }
    records.push({ line, fields });
  }
  return { top, records };
}

/** Parses CSV with a header row; each record carries its line number (header is line 1). */
export function readCsvRecords(file: string, text: string, required: string[]): DataRecord[] {
  let rows: Record<string, string>[];
  try {
    rows = csvParse().parse(text, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true, info: false }) as Record<string, string>[];
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw dataError(file, e.lines, `invalid CSV: ${e.message.replace(/^Invalid [^:]*: /, '').split('\n')[0]}`);
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.toLowerCase();
  for (const col of required) if (!header.split(',').map((h) => h.trim()).includes(col)) throw dataError(file, 1, `missing column "${col}" in the header`);
  // csv-parse counts lines; recompute from the raw text so a record maps to its first line.
  const lines = text.split(/\r?\n/);
  const starts: number[] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i]!.trim()) starts.push(i + 1);
  return rows.map((fields, i) => ({ line: starts[i] ?? i + 2, fields }));
}

export function reqString(file: string, rec: DataRecord, key: string): string {
  const v = rec.fields[key];
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || v.trim() === '') throw dataError(file, rec.line, `missing "${key}"`);
  return v.trim();
}

export function optString(file: string, rec: DataRecord, key: string): string | undefined {
  const v = rec.fields[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') throw dataError(file, rec.line, `"${key}" must be text`);
  return v.trim();
}

/** A list field: YAML sequence, or text separated by spaces, commas or semicolons (CSV). */
export function listField(file: string, rec: DataRecord, key: string): string[] {
  const v = rec.fields[key];
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string')) throw dataError(file, rec.line, `"${key}" must be a list of strings`);
    return v.map((x) => x.trim()).filter(Boolean);
  }
  if (typeof v !== 'string') throw dataError(file, rec.line, `"${key}" must be a list`);
  return v.split(/[\s,;]+/).filter(Boolean);
}
