import type { DiffEntry } from '../model/types.js';

/** One resource must not flood the report: beyond this many entries the diff is summarised. */
export const MAX_DIFF_ENTRIES = 500;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Structural equality of JSON values, key order ignored. Iterative (a stack of pairs still to
 * compare): the parse stage bounds nesting, but this must not depend on it to stay on the stack.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: unknown[] = [a, b];
  while (stack.length > 0) {
    const y = stack.pop();
    const x = stack.pop();
    if (x === y) continue;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!pushPair(stack, x[i], y[i])) return false;
      continue;
    }
    if (!isPlainObject(x) || !isPlainObject(y)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) if (!Object.prototype.hasOwnProperty.call(y, k) || !pushPair(stack, x[k], y[k])) return false;
  }
  return true;
}

/** Queues two values to compare; false at once when they differ and are not both objects or arrays. */
function pushPair(stack: unknown[], x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return false;
  stack.push(x, y);
  return true;
}

function childPath(base: string, key: string): string {
  // Keys that are not identifiers (tag names with spaces, dots) are quoted so paths stay unambiguous.
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

/**
 * Field-level difference between two JSON values, in a deterministic order (sorted keys).
 * Arrays are matched by content first, so inserting one element reports one `add`, not a
 * `replace` of every later index; equal-length arrays of objects that changed in place are
 * compared position by position. Depth-first with a stack of its own (pairs still to compare,
 * the next on top), so the entries come in the order a recursive walk gives, at any depth.
 */
export function diffConfig(before: unknown, after: unknown, basePath: string): DiffEntry[] {
  const out: DiffEntry[] = [];
  const todo: Pair[] = [[before, after, basePath]];
  for (let next = todo.pop(); next; next = todo.pop()) step(next, out, todo);
  return out;
}

/** Two values to compare, and where they are. */
type Pair = [before: unknown, after: unknown, path: string];

/** Compares one pair: its differences go to `out`, the pairs inside it onto `todo` (the first on top). */
function step([before, after, path]: Pair, out: DiffEntry[], todo: Pair[]): void {
  if (before === after) return;
  if (before === undefined) {
    out.push({ path, op: 'add', after });
    return;
  }
  if (after === undefined) {
    out.push({ path, op: 'remove', before });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    // Equal fields give nothing: no whole-object comparison first (at every level, that would be quadratic in the depth).
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      todo.push([has(before, k) ? before[k] : undefined, has(after, k) ? after[k] : undefined, childPath(path, k)]);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (!deepEqual(before, after)) diffArrays(before, after, path, out, todo);
    return;
  }
  out.push({ path, op: 'replace', before, after });
}

function diffArrays(before: unknown[], after: unknown[], path: string, out: DiffEntry[], todo: Pair[]): void {
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
  const identity = identityAt(path);
  if (identity) {
    // Elements that are the same thing by identity (a rule for the same protocol and ports): compare
    // their fields; the others were added or removed whole.
    const pairs: [number, number][] = [];
    const left = removed.filter((i) => {
      const key = identity(before[i]);
      const n = key === undefined ? -1 : added.findIndex((j) => !pairs.some(([, pj]) => pj === j) && identity(after[j]) === key);
      if (n < 0) return true;
      pairs.push([i, added[n]!]);
      return false;
    });
    const paired = new Set(pairs.map(([, j]) => j));
    for (const i of left) out.push({ path: `${path}[${i}]`, op: 'remove', before: before[i] });
    for (const j of added) if (!paired.has(j)) out.push({ path: `${path}[${j}]`, op: 'add', after: after[j] });
    for (let n = pairs.length - 1; n >= 0; n--) todo.push([before[pairs[n]![0]], after[pairs[n]![1]], `${path}[${pairs[n]![1]}]`]);
    return;
  }
  // As many objects left on each side as were edited in place (a rule gained a CIDR): pair them
  // in order and show the field that changed rather than the whole element twice.
  if (removed.length === added.length && removed.every((i, n) => isPlainObject(before[i]) && isPlainObject(after[added[n]!]))) {
    for (let n = removed.length - 1; n >= 0; n--) todo.push([before[removed[n]!], after[added[n]!], `${path}[${added[n]}]`]);
    return;
  }
  for (const i of removed) out.push({ path: `${path}[${i}]`, op: 'remove', before: before[i] });
  for (const j of added) out.push({ path: `${path}[${j}]`, op: 'add', after: after[j] });
}

/**
 * The identity of the elements of a list, where the list's elements are things with one (security
 * group rules by protocol and ports, policy statements by Sid, tag lists by key); undefined for
 * lists whose elements are only their content.
 */
function identityAt(path: string): ((v: unknown) => string | undefined) | undefined {
  if (/ipPermissions(Egress)?$/.test(path)) return (v) => (isPlainObject(v) ? `${String(v.ipProtocol)}|${String(v.fromPort)}|${String(v.toPort)}` : undefined);
  if (/[Ss]tatement$/.test(path)) return (v) => (isPlainObject(v) && typeof v.Sid === 'string' && v.Sid !== '' ? v.Sid : undefined);
  if (/\.tags$|\.[Tt]agSet$|\.tagList$/.test(path)) return (v) => (isPlainObject(v) ? String(v.key ?? v.Key ?? '') || undefined : undefined);
  return undefined;
}

/** Caps a diff so one resource cannot flood the report; the last entry says how much was left out. */
export function capDiff(entries: DiffEntry[], max = MAX_DIFF_ENTRIES): DiffEntry[] {
  if (entries.length <= max) return entries;
  return [...entries.slice(0, max), { path: '…', op: 'replace', after: `${entries.length - max} more differences not shown` }];
}

const DELIVERED_OPS: Record<string, DiffEntry['op']> = { CREATE: 'add', DELETE: 'remove', UPDATE: 'replace' };

/**
 * The diff AWS Config delivered with a change notification (ConfigItem.configurationItemDiff): an
 * entry per `changedProperties` key, its path as AWS wrote it (`Configuration.IpPermissions.0`),
 * CREATE an add of `updatedValue`, DELETE a remove of `previousValue`, UPDATE a replace of one by
 * the other (any other changeType: by which values are there). Sorted by path; undefined when the
 * item has none, or one with no entries.
 */
export function deliveredDiff(diff: Record<string, unknown> | undefined): DiffEntry[] | undefined {
  const props = diff?.changedProperties;
  if (!isPlainObject(props)) return undefined;
  const entries: DiffEntry[] = [];
  for (const path of Object.keys(props).sort()) {
    const p = props[path];
    if (!isPlainObject(p)) continue;
    const { previousValue: before, updatedValue: after } = p;
    const op = (typeof p.changeType === 'string' ? DELIVERED_OPS[p.changeType] : undefined) ?? (before == null ? 'add' : after == null ? 'remove' : 'replace');
    const e: DiffEntry = { path, op };
    if (op !== 'add' && before !== undefined) e.before = before;
    if (op !== 'remove' && after !== undefined) e.after = after;
    entries.push(e);
  }
  return entries.length > 0 ? capDiff(entries) : undefined;
}
