import type { DiffEntry } from '../model/types.js';

/** One resource must not flood the report: beyond this many entries the diff is summarised. */
export const MAX_DIFF_ENTRIES = 500;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values, key order ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function childPath(base: string, key: string): string {
  // Keys that are not identifiers (tag names with spaces, dots) are quoted so paths stay unambiguous.
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

/**
 * Field-level difference between two JSON values, in a deterministic order (sorted keys).
 * Arrays are matched by content first, so inserting one element reports one `add`, not a
 * `replace` of every later index; equal-length arrays of objects that changed in place are
 * compared position by position.
 */
export function diffConfig(before: unknown, after: unknown, basePath: string): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(before, after, basePath, out);
  return out;
}

function walk(before: unknown, after: unknown, path: string, out: DiffEntry[]): void {
  if (deepEqual(before, after)) return;
  if (before === undefined) {
    out.push({ path, op: 'add', after });
    return;
  }
  if (after === undefined) {
    out.push({ path, op: 'remove', before });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      const has = (o: Record<string, unknown>) => Object.prototype.hasOwnProperty.call(o, k);
      walk(has(before) ? before[k] : undefined, has(after) ? after[k] : undefined, childPath(path, k), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffArrays(before, after, path, out);
    return;
  }
  out.push({ path, op: 'replace', before, after });
}

function diffArrays(before: unknown[], after: unknown[], path: string, out: DiffEntry[]): void {
  // Match equal elements (as a multiset): reordering alone is not a change.
  const used = new Array<boolean>(after.length).fill(false);
  const removed: number[] = [];
  for (let i = 0; i < before.length; i++) {
    const j = after.findIndex((a, k) => !used[k] && deepEqual(a, before[i]));
    if (j >= 0) used[j] = true;
    else removed.push(i);
  }
  const added: number[] = [];
  for (let j = 0; j < after.length; j++) if (!used[j]) added.push(j);
  // As many objects left on each side as were edited in place (a rule gained a CIDR): pair them
  // in order and show the field that changed rather than the whole element twice.
  if (removed.length === added.length && removed.every((i, n) => isPlainObject(before[i]) && isPlainObject(after[added[n]!]))) {
    removed.forEach((i, n) => walk(before[i], after[added[n]!], `${path}[${added[n]}]`, out));
    return;
  }
  for (const i of removed) out.push({ path: `${path}[${i}]`, op: 'remove', before: before[i] });
  for (const j of added) out.push({ path: `${path}[${j}]`, op: 'add', after: after[j] });
}

/** Caps a diff so one resource cannot flood the report; the last entry says how much was left out. */
export function capDiff(entries: DiffEntry[], max = MAX_DIFF_ENTRIES): DiffEntry[] {
  if (entries.length <= max) return entries;
  return [...entries.slice(0, max), { path: '…', op: 'replace', after: `${entries.length - max} more differences not shown` }];
}
