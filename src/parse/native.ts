import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DataEventGroup } from '../model/types.js';
import type { KeepRule } from '../store/keep.js';
import { findPackageRoot } from '../util/package-root.js';
import { MAX_DEPTH } from './values.js';

/**
 * The optional native reader of delivered CloudTrail log files (native/trail.cc, built by
 * scripts/build-native.mjs): inflates with libdeflate, parses with simdjson, and counts the records
 * that are valid and not evidence without building them. Without it (no compiler or libraries where
 * configtrail was installed, or CONFIGTRAIL_NATIVE=0) every file is read in TypeScript, with the
 * same results: the addon settles a file only when it can settle all of it.
 */
export const NATIVE_ADDON = join('build', 'native', 'trail.node');

interface Addon {
  scanTrail: (gz: Uint8Array, maxBytes: number, rule: Float64Array, maxDepth: number) => unknown[] | string | undefined;
  readFile: (path: string, maxBytes: number) => Buffer | undefined;
  statLines?: (folder: string, names: string[]) => string | undefined;
  folderSignatures?: (paths: string) => string | undefined;
}

let addon: Addon | null | undefined;

function load(): Addon | null {
  if (process.env.CONFIGTRAIL_NATIVE === '0') return null;
  try {
    const file = join(findPackageRoot(), NATIVE_ADDON);
    if (!existsSync(file)) return null;
    const mod = createRequire(import.meta.url)(file) as Partial<Addon>;
    return typeof mod.scanTrail === 'function' && typeof mod.readFile === 'function' ? (mod as Addon) : null;
  } catch {
    // A build for another Node or a missing shared library: the TypeScript reader does the work.
    return null;
  }
}

/** Whether files are read by the native addon in this thread. */
export function nativeReader(): boolean {
  if (addon === undefined) addon = load();
  return addon !== null;
}

/** Turns the native reader off or back on (tests compare both readers on the same files). */
export function useNativeReader(on: boolean): void {
  addon = on ? load() : null;
}

/** What the addon settled of one file: its records, the ones it counted, and the ones left to TypeScript. */
export interface TrailScan {
  records: number;
  dropped: { read: number; readOnly: number; failed: number };
  /** The data events it counted (store/data-events.ts), by day and group. */
  dataEvents: DataEventGroup[];
  /** SHA-256 (hex) of the inflated file: what a CloudTrail digest lists for it. */
  sha256: string;
  /** The records it did not settle (evidence, or anything doubtful), by index, as JSON text. */
  rest: { index: number; json: string }[];
}

const ruleCache = new WeakMap<KeepRule, Float64Array>();

/**
 * A gzip CloudTrail log file read natively; or, for another gzip file, its inflated text when that
 * is exactly what TypeScript's own decoding would give (valid UTF-8 without a byte-order mark);
 * otherwise undefined (not gzip, a gzip that is not one whole member with a true size trailer, over
 * the size limit, or no addon): then the caller reads the file in TypeScript. A log file with a record
 * nested more than `maxDepth` levels is not settled natively either (simdjson's own depth limit: the
 * document and its Records array are two levels more, and simdjson fails a document that reaches
 * its limit, so one more again): TypeScript rejects that record.
 */
export function scanTrail(gz: Uint8Array, maxBytes: number, rule: KeepRule, maxDepth = MAX_DEPTH): TrailScan | string | undefined {
  if (!nativeReader()) return undefined;
  let bounds = ruleCache.get(rule);
  if (!bounds) ruleCache.set(rule, (bounds = new Float64Array([rule.startMs, rule.endMs, rule.writeFromMs, rule.sessionFromMs])));
  const r = addon!.scanTrail(gz, maxBytes, bounds, maxDepth + 3);
  if (r === undefined || typeof r === 'string') return r;
  const rest: TrailScan['rest'] = [];
  for (let i = 6; i < r.length; i += 2) rest.push({ index: r[i] as number, json: r[i + 1] as string });
  return { records: r[0] as number, dropped: { read: r[1] as number, readOnly: r[2] as number, failed: r[3] as number }, dataEvents: groupsOf(r[5] as unknown[][]), sha256: r[4] as string, rest };
}

/** The addon's groups: [dayMs, account, region, source, name, actorType, actor, errorCode, count, lastMs, time, id, time, id…]. */
function groupsOf(rows: unknown[][]): DataEventGroup[] {
  return rows.map((g) => {
    const samples: [number, string][] = [];
    for (let i = 10; i < g.length; i += 2) samples.push([g[i] as number, g[i + 1] as string]);
    const [dayMs, accountId, region, eventSource, eventName, actorType, actor, errorCode, count, lastMs] = g as [number, string, string, string, string, string, string, string, number, number];
    return { dayMs, accountId, region, eventSource, eventName, actorType, actor, errorCode, count, lastMs, samples };
  });
}

/**
 * A regular file of at most `maxBytes` read in one native call instead of Node's open, fstat, read
 * and close (an export is hundreds of thousands of small files: the calls' own overhead counts,
 * though the system calls are most of the cost); undefined for anything else, which the caller then
 * reads itself and explains.
 */
export function readFileNative(path: string, maxBytes: number): Buffer | undefined {
  return nativeReader() ? addon!.readFile(path, maxBytes) : undefined;
}

/**
 * The stat-key lines of files of one folder (`folder` ends with '/'; see store/workspace.ts
 * statKey), from the addon: one fstatat() per name from the folder and the lines written there,
 * where Node builds a Stats object per file. Undefined when the addon cannot say exactly what
 * TypeScript would (a file not regular, a value JavaScript writes otherwise) or is not there.
 */
export function statLinesNative(folder: string, names: string[]): string | undefined {
  return nativeReader() && addon!.statLines ? addon!.statLines(folder, names) : undefined;
}

/**
 * store/plan.ts folderSignature() of each path, from the addon ('' for anything but a folder);
 * undefined when it cannot say exactly what TypeScript would, or is not there.
 */
export function folderSignaturesNative(paths: string[]): string[] | undefined {
  if (!nativeReader() || !addon!.folderSignatures || paths.some((p) => p.includes('\0'))) return undefined;
  return addon!.folderSignatures(paths.join('\0'))?.split('\0');
}
