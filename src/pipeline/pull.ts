import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { ownFolder, removeDeadTempFiles, writeFresh } from '../util/fresh-file.js';
import { dirname, join } from 'node:path';
import type { Period, Rejection } from '../model/types.js';
import { unsafeEntryName } from '../sources/archive.js';
import { fetchObject, listForPeriod, makeClient, ordered, parseS3Url, type S3Object, type S3Options } from '../sources/s3.js';
import { cmp } from '../store/index.js';
import { ConfigtrailError, oneLine } from '../util/errors.js';

export interface PullOptions {
  source: string;
  period: Period;
  outDir: string;
  s3?: S3Options & { onListRequest?: () => void };
  /** Largest object accepted (the same guard as for reading). */
  maxFileBytes: number;
  onProgress?: (done: number, bytes: number, key: string) => void;
}

export interface PulledObject {
  key: string;
  size: number;
  etag: string;
  sha256: string;
}

export interface PullResult {
  /** Objects fetched in this run. */
  downloaded: number;
  /** Objects already present from an earlier, interrupted run. */
  resumed: number;
  objects: PulledObject[];
  rejected: Rejection[];
  manifestPath: string;
}

const JOURNAL = '.configtrail-pull.jsonl';

/** Entries written by earlier runs (a torn last line from an interrupted run is ignored). */
function readJournal(path: string): Map<string, PulledObject> {
  const done = new Map<string, PulledObject>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as PulledObject;
      if (typeof e.key === 'string' && typeof e.sha256 === 'string') done.set(e.key, e);
    } catch {
      // the line an interruption cut short: that object is fetched again
    }
  }
  return done;
}

/**
 * `configtrail pull`: copies exactly the objects a report for the period needs (the same pruned
 * listing the report uses) into `outDir` under their keys, for an air-gapped machine. Each object
 * is written to a temporary file and renamed, then recorded in a journal, so an interrupted pull
 * resumes where it stopped; `manifest.json` lists key, size, ETag and SHA-256 of every object.
 */
export async function runPull(opts: PullOptions): Promise<PullResult> {
  const loc = parseS3Url(opts.source);
  ownFolder(opts.outDir);
  const journalPath = join(opts.outDir, JOURNAL);
  // The journal is appended to: a link planted in its place would be written through.
  if (lstatSync(journalPath, { throwIfNoEntry: false })?.isSymbolicLink()) throw new ConfigtrailError(`${journalPath} is a symbolic link: configtrail does not write through links`);
  const done = readJournal(journalPath);
  const client = await makeClient(opts.s3 ?? {});
  const rejected: Rejection[] = [];
  const objects = new Map<string, PulledObject>();
  let downloaded = 0;
  let resumed = 0;
  let bytes = 0;
  // A pull that was killed can have left an object half written under a temporary name (even before
  // its journal had a line): a pull removes those, once per folder it writes to, so the folder holds
  // whole objects only.
  const swept = new Set<string>();
  const sweep = (dir: string) => {
    if (swept.has(dir)) return;
    swept.add(dir);
    removeDeadTempFiles(dir);
  };

  async function* listing(): AsyncGenerator<S3Object | { error: string }> {
    try {
      yield* listForPeriod(client, loc, opts.period, opts.s3);
    } catch (err) {
      yield { error: oneLine(err) };
    }
  }

  const work = async (item: S3Object | { error: string }): Promise<void> => {
    if ('error' in item) {
      rejected.push({ path: opts.source, reason: `listing failed: ${item.error}` });
      return;
    }
    const path = `s3://${loc.bucket}/${item.key}`;
    // Keys are data too: one that would land outside the output folder is refused.
    const unsafe = unsafeEntryName(item.key);
    if (unsafe) {
      rejected.push({ path, reason: `key not written: ${unsafe.replace('entry', 'key').replace('archive root', 'output folder')}` });
      return;
    }
    const target = join(opts.outDir, item.key);
    const prior = done.get(item.key);
    if (prior && prior.etag === item.etag && prior.size === item.size && existsSync(target) && statSync(target).size === item.size) {
      objects.set(item.key, prior);
      resumed++;
      return;
    }
    if (item.size > opts.maxFileBytes) {
      rejected.push({ path, reason: `object of ${item.size} bytes exceeds the ${opts.maxFileBytes}-byte limit` });
      return;
    }
    try {
      const body = await fetchObject(client, loc.bucket, item, opts.maxFileBytes, opts.s3?.attempts);
      mkdirSync(dirname(target), { recursive: true });
      sweep(dirname(target));
      writeFresh(target, body);
      const entry: PulledObject = { key: item.key, size: body.length, etag: item.etag, sha256: createHash('sha256').update(body).digest('hex') };
      appendFileSync(journalPath, `${JSON.stringify(entry)}\n`);
      objects.set(item.key, entry);
      downloaded++;
      bytes += body.length;
      opts.onProgress?.(downloaded + resumed, bytes, item.key);
    } catch (err) {
      rejected.push({ path, reason: `download failed: ${oneLine(err)}` });
    }
  };

  try {
    for await (const _ of ordered(listing(), Math.max(1, opts.s3?.concurrency ?? 8), work)) void _;
  } finally {
    client.destroy();
  }

  const sorted = [...objects.values()].sort((a, b) => cmp(a.key, b.key));
  const manifestPath = join(opts.outDir, 'manifest.json');
  const manifest = {
    source: opts.source,
    period: { from: opts.period.from, to: opts.period.to, label: opts.period.label },
    objects: sorted,
    rejected: [...rejected].sort((a, b) => cmp(a.path, b.path)),
  };
  writeFresh(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { downloaded, resumed, objects: sorted, rejected: manifest.rejected, manifestPath };
}
