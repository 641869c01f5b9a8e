import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigItem, DataEventGroup, Counts, CredentialReport, DigestFile, Rejection, Skip, SourceEvent } from '../model/types.js';
import { LAID_OUT_INDENT, writeLaidOut, type InputList } from './inputs.js';
import { cmp } from '../util/compare.js';
import { DataEventCounter } from './data-events.js';
import { INGEST_VERSION } from './runkey.js';
import { fileLines, LineWriter } from './ndjson.js';
import type { SavedHour } from './events.js';
import { FOLDERS_FILE, PARTS_FILE, PlanRecorder, type PlanHeader } from './plan.js';
import { forget, removeAtExit, removeNow } from '../util/tempdir.js';
import { isSealed, READ_AGAIN, seal, unseal, type Checked } from './checksum.js';

/**
 * A run's ingest, saved in the workspace: everything the store received from the inputs before it
 * applied a period (the events that can be evidence for any period, the configuration items, the
 * input list, what the integrity check reads, rejections and counts). A later report over exactly the same local files
 * (the run key: every batch's stat key, in order, and every source-level event) replays it instead
 * of loading thousands of packs: that is what makes a second report over unchanged inputs cheap.
 */

/** Data-event groups a recorder merges in memory before it writes them out. */
const DATA_GROUPS_HELD = 100_000;
/** The folder of a saved ingest's events: the sealed hour files of the run that saved it (store/events.ts). */
export const HOURS_DIR = 'hours';
/** The hour files of HOURS_DIR, one a line (store/events.ts SavedHour: sum, lines, places). */
export const HOURS_FILE = 'hours.ndjson';
/** A saved ingest's data-event groups, one a line (IngestRecorder.dataEvents). */
export const DATA_EVENTS_FILE = 'data-events.ndjson';
/** The input list as report.json lays it out (an ingest saved before it existed has none: then it is laid out anew). */
export const LAID_OUT_FILE = 'inputs.report.json';
/** Saved ingests kept; older ones are removed. */
const KEEP_RUNS = 2;

export interface IngestMeta {
  version: string;
  /** Lines of inputs.ndjson. */
  inputs: number;
  counts: Pick<Counts, 'files' | 'records'>;
  /** The CloudTrail events the files held, and among them read-only successes and failed calls (`counts.events`): any period's. */
  events: { read: number; readOnly: number; failed: number };
  rejected: Rejection[];
  skipped: Skip[];
  credentialReports: CredentialReport[];
  /** The SHA-256 of every other file of the saved ingest, by name (store/checksum.ts); meta.json itself is sealed. */
  sums: Record<string, string>;
  /** The SHA-256 of the input list as inputs.csv, which every report cites (render/csv.ts inputsCsvSha256). */
  inputsCsvSha256?: string;
}

/** A saved ingest's file, with the sum it must have. */
export function savedFile(dir: string, meta: IngestMeta, name: string): { path: string; checked: Checked } {
  return { path: join(dir, name), checked: { sha256: meta.sums[name], remedy: READ_AGAIN } };
}

/**
 * What the integrity check received, in the order it did (integrity.ndjson): its result depends on
 * the period and the public keys, so a replay checks these again rather than keeping a result.
 */
export type IntegrityLine = ['log', string, string] | ['digest', DigestFile];

export function* readIntegrityLines(dir: string, meta: IngestMeta): Generator<IntegrityLine> {
  const { path, checked } = savedFile(dir, meta, 'integrity.ndjson');
  for (const line of fileLines(path, Infinity, checked)) yield JSON.parse(line) as IntegrityLine;
}

function runsDir(workspace: string): string {
  return join(workspace, 'runs');
}

/** The runs folder's entries: saved ingests, the most recently saved or replayed first, and the folders of runs still recording (*.tmp). */
function runFolders(workspace: string): { saved: { path: string; mtime: number }[]; recording: { path: string; mtime: number }[] } {
  const dir = runsDir(workspace);
  const all = readdirSync(dir).map((d) => ({ name: d, path: join(dir, d), mtime: statSync(join(dir, d)).mtimeMs }));
  return {
    saved: all.filter((r) => !r.name.endsWith('.tmp')).sort((a, b) => b.mtime - a.mtime || cmp(a.path, b.path)),
    recording: all.filter((r) => r.name.endsWith('.tmp')),
  };
}

/** The saved ingests' folders, the most recently saved or replayed first. */
export function savedIngests(workspace: string): string[] {
  try {
    return runFolders(workspace).saved.map((r) => r.path);
  } catch {
    return [];
  }
}

export function savedIngest(workspace: string, key: string): string | undefined {
  const dir = join(runsDir(workspace), key);
  return existsSync(join(dir, 'meta.json')) ? dir : undefined;
}

/**
 * Records what the store receives, into a folder renamed into place when the run completes. Like
 * the packs, a saved ingest only saves time: if the workspace cannot be written, recording stops
 * and the run goes on without it.
 */
export class IngestRecorder {
  private readonly tmp: string;
  private hours: SavedHour[] | undefined;
  private items: LineWriter | undefined;
  private integrity: LineWriter | undefined;
  private data: LineWriter | undefined;
  private readonly dataGroups = new DataEventCounter();
  private readonly events = { read: 0, readOnly: 0, failed: 0 };
  private broken = false;

  /** What the run was read from, when it can be checked again without a walk (see store/plan.ts). */
  private plan: PlanRecorder | undefined;

  constructor(
    private readonly workspace: string,
    planHeader?: PlanHeader,
  ) {
    this.tmp = join(runsDir(workspace), `${process.pid}-${Date.now()}.tmp`);
    this.guard(() => {
      mkdirSync(this.tmp, { recursive: true });
      removeAtExit(this.tmp);
      this.items = new LineWriter(join(this.tmp, 'items.ndjson'));
      this.integrity = new LineWriter(join(this.tmp, 'integrity.ndjson'));
      this.data = new LineWriter(join(this.tmp, DATA_EVENTS_FILE));
      if (planHeader !== undefined) this.plan = new PlanRecorder(this.tmp, planHeader);
    });
  }

  private guard(f: () => void): void {
    if (this.broken) return;
    try {
      f();
    } catch {
      this.broken = true;
    }
  }

  /**
   * The store's sealed hour files (EventSpill.saved) become the ingest's events: linked into its
   * folder (the spill's own folder goes when the run ends), copied where links cannot be made.
   */
  eventHours(saved: { dir: string; hours: SavedHour[] }): void {
    this.guard(() => {
      const into = join(this.tmp, HOURS_DIR);
      mkdirSync(into, { recursive: true });
      for (const [hour] of saved.hours) {
        const from = join(saved.dir, `${hour}.ndjson`);
        const to = join(into, `${hour}.ndjson`);
        try {
          linkSync(from, to);
        } catch {
          copyFileSync(from, to);
        }
      }
      this.hours = saved.hours;
    });
  }

  item(i: ConfigItem): void {
    this.guard(() => this.items!.add(i));
  }

  /**
   * A file's data events, by day and group (store/data-events.ts): any period's are in them. Files
   * hold minutes of a trail, so their groups are merged here by day first (a replay merges again
   * whatever is written), at most DATA_GROUPS_HELD at a time.
   */
  dataEvents(groups: readonly DataEventGroup[]): void {
    this.guard(() => {
      for (const g of groups) this.dataGroups.addGroup(g);
      if (this.dataGroups.size >= DATA_GROUPS_HELD) this.flushDataGroups();
    });
  }

  private flushDataGroups(): void {
    for (const g of this.dataGroups.list()) this.data!.add(g);
    this.dataGroups.clear();
  }

  /** A log file or digest as the integrity check received it. */
  integrityPart(line: IntegrityLine): void {
    this.guard(() => this.integrity!.add(line));
  }

  /** A folder about to be listed (see PlanRecorder). */
  planFolder(path: string): void {
    this.guard(() => this.plan?.folder(path));
  }

  /** A source event, in the sources' order: a file as it is sent to be parsed, or any other event. */
  planPart(ev: SourceEvent): void {
    this.guard(() => {
      if (ev.type === 'file') this.plan?.file(ev.file.fsPath, ev.file.path);
      else this.plan?.event(ev);
    });
  }

  /** Events counted as the store counts them (`counts.events`: read, read-only, failed), whether built or not. */
  tally(d: { read: number; readOnly: number; failed: number }): void {
    this.events.read += d.read;
    this.events.readOnly += d.readOnly;
    this.events.failed += d.failed;
  }

  /** Saves the ingest under `key` (or discards it when the run has none) and prunes old ones. */
  finish(key: string | undefined, meta: Omit<IngestMeta, 'version' | 'events' | 'sums'>, inputs: InputList): void {
    let sums: Record<string, string | undefined> = {};
    this.guard(() => {
      this.items!.close();
      this.integrity!.close();
      this.flushDataGroups();
      this.data!.close();
      sums = { 'items.ndjson': this.items!.sha256, 'integrity.ndjson': this.integrity!.sha256, [DATA_EVENTS_FILE]: this.data!.sha256 };
      // A plan that cannot stand for the run is not kept: a later run then walks the folders.
      if (this.plan && !this.plan.close()) for (const f of [FOLDERS_FILE, PARTS_FILE]) rmSync(join(this.tmp, f), { force: true });
      else if (this.plan) Object.assign(sums, this.plan.sums());
    });
    // Without the store's hours (it could not write them) there is nothing to replay.
    if (key === undefined || this.broken || this.hours === undefined) return this.discard();
    this.guard(() => {
      const lines = new LineWriter(join(this.tmp, 'inputs.ndjson'));
      for (const line of inputs.lines()) lines.addLine(line);
      lines.close();
      sums['inputs.ndjson'] = lines.sha256;
      // Laid out already when the list is long (it was, as it grew); else now.
      const laidOut = inputs.laidOut(LAID_OUT_INDENT);
      const laidOutSum = inputs.laidOutSum();
      if (laidOut !== undefined && laidOutSum !== undefined) {
        copyFileSync(laidOut, join(this.tmp, LAID_OUT_FILE));
        sums[LAID_OUT_FILE] = laidOutSum;
      } else sums[LAID_OUT_FILE] = writeLaidOut(inputs, join(this.tmp, LAID_OUT_FILE));
      const hours = new LineWriter(join(this.tmp, HOURS_FILE));
      for (const h of this.hours!) hours.add(h);
      hours.close();
      sums[HOURS_FILE] = hours.sha256;
      const full: IngestMeta = { version: INGEST_VERSION, ...meta, events: this.events, sums: sums as Record<string, string> };
      writeFileSync(join(this.tmp, 'meta.json'), seal(JSON.stringify(full)));
      const dest = join(runsDir(this.workspace), key);
      rmSync(dest, { recursive: true, force: true });
      renameSync(this.tmp, dest);
      forget(this.tmp);
      prune(this.workspace, dest);
    });
    if (this.broken) this.discard();
  }

  discard(): void {
    try {
      removeNow(this.tmp);
    } catch {
      // Nothing more to do: a leftover *.tmp folder is never read.
    }
  }
}

/** A saved ingest younger than this is never removed: another run may be replaying it. */
const PRUNE_GRACE_MS = 3_600_000;

/**
 * Removes saved ingests but the newest KEEP_RUNS, `keep` and any touched in the last hour (a run
 * that replays one marks it, so a concurrent run never removes what it is reading). Also leftover
 * folders of runs that died while recording, once they are an hour old.
 */
export function prune(workspace: string, keep: string, now = Date.now()): void {
  const { saved, recording } = runFolders(workspace);
  const stale = [...saved.slice(KEEP_RUNS), ...recording];
  for (const r of stale) if (r.path !== keep && now - r.mtime > PRUNE_GRACE_MS) rmSync(r.path, { recursive: true, force: true });
}

/** Marks a saved ingest as in use (its folder's time), so no concurrent run prunes it. */
export function touchIngest(dir: string): void {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // Only a hint for pruning.
  }
}

/**
 * A saved ingest's meta, when it is of this version and matches its checksum. One saved by a version
 * before checksums (plain JSON of another version) is passed over without a word.
 */
export function readIngestMeta(dir: string): IngestMeta | undefined {
  const path = join(dir, 'meta.json');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (!isSealed(bytes) && !bytes.toString('utf8').startsWith(`{"version":"${INGEST_VERSION}"`)) return undefined;
  const body = unseal(path, bytes, READ_AGAIN);
  try {
    const meta = body === undefined ? undefined : (JSON.parse(body.toString('utf8')) as IngestMeta);
    return meta?.version === INGEST_VERSION ? meta : undefined;
  } catch {
    return undefined;
  }
}

