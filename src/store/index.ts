import { join } from 'node:path';
import type {
  CredentialReport,
  ConfigItem,
  Counts,
  DataEventGroup,
  Evidence,
  InputRecord,
  ParsedFile,
  Period,
  Rejection,
  Skip,
  SourceEvent,
} from '../model/types.js';
import { DataEvents } from './data-events.js';
import { withEventLines } from './event-lines.js';
import { EventSpill, keepFieldsOf, keyOfLine, savedEvents, type KeptEvents, type SavedHour, type SealedHour, type SealJob } from './events.js';
import { DATA_EVENTS_FILE, HOURS_DIR, HOURS_FILE, LAID_OUT_FILE, readIntegrityLines, savedFile, touchIngest, type IngestMeta, type IngestRecorder } from './ingest.js';
import { READ_AGAIN, verifyFile } from './checksum.js';
import { oldGenerationLimit } from './memory.js';
import { InputList, Reorder } from './inputs.js';
import { IntegrityTracker } from './integrity.js';
import type { DigestPublicKey } from './keys.js';
import { ANY_PERIOD, keepRule, keepsEvent, type KeepRule } from './keep.js';
import { readJsonLines } from './ndjson.js';
import { cmp } from '../util/compare.js';
import { append } from '../util/append.js';


/** How often a replayed ingest is marked in use while its events are read (store/ingest.ts prune). */
const TOUCH_EVERY_MS = 600_000;

export { SESSION_ISSUING_EVENTS } from './keep.js';
export { sessionRecord } from './event-lines.js';
// Defined in a leaf module (store/integrity.ts needs it too), exported here where its users import it.
export { cmp };

export interface StoreOptions {
  /** How long before a capture a causing event may be; events that early before the period are kept. */
  windowMs: number;
  /**
   * How long before the period a session-issuing event is kept. Role sessions last at most 12 h and
   * federation tokens 36 h; a chain's root can be older than the call it explains, so keep 48 h.
   */
  sessionMarginMs?: number;
  /** CloudTrail's public keys, to verify digest signatures (`--public-keys`). */
  publicKeys?: readonly DigestPublicKey[];
  /**
   * Where log files and digests are judged missing or uncovered: the period by default, or 'all'
   * the input (`configtrail verify` without --from/--to).
   */
  integrityWindow?: { startMs: number; endMs: number } | 'all';
  /** Bytes of kept events held in memory before they go to disk (`--memory-limit`): see store/events.ts. */
  memoryBytes?: number;
  /** Where kept events beyond that go (a folder inside the workspace; default: the system's temporary folder). */
  spillDir?: string;
}

/**
 * What the store holds of kept events in memory when `--memory-limit` is not given: 64 MiB (the
 * demo's whole evidence is a tenth of it), or a quarter of the heap when that is less (the heap also
 * holds the items, the sessions of a pass and the report). Beyond it they are written to disk and
 * read back from the page cache, which costs little beside decoding them.
 */
export function defaultMemoryBytes(): number {
  return Math.min(64 * 1024 * 1024, Math.floor(oldGenerationLimit() / 4));
}

/**
 * The store stage: receives parsed files one at a time and keeps only what correlation and controls
 * need, so memory follows the evidence, not the input size:
 * - configuration items: per resource the last one before the period, and all inside it;
 * - CloudTrail: writes (from `windowMs` before the period), session-issuing STS calls (from the
 *   session margin before it), failed calls and sign-ins in the period; read-only successes are
 *   only counted.
 */
export class EvidenceStore {
  /** Every input file, in the order the sources stage read them (spilled to disk when many). */
  private inputs = new InputList();
  private readonly inOrder = new Reorder<InputRecord>((i) => this.inputs.push(i));
  private nextSeq = 0;
  private readonly integrity: IntegrityTracker;
  private recorder: IngestRecorder | undefined;
  private readonly rejected: Rejection[] = [];
  private readonly skipped: Skip[] = [];
  private readonly credentialReports: CredentialReport[] = [];
  private readonly inPeriodItems: ConfigItem[] = [];
  private readonly lastBefore = new Map<string, ConfigItem>();
  /** The kept events, by hour, in memory up to the budget and on disk beyond it. */
  private readonly events: EventSpill;
  /** The kept events once sealed (sealEvents), or a saved ingest's when one was replayed (store/ingest.ts). */
  private kept: KeptEvents | undefined;
  private keptSoFar = 0;
  /** The period's data events by group: counted, never kept. */
  private readonly dataEvents: DataEvents;
  /** Shared copies of the reasons records are rejected for. */
  private readonly reasons = new Map<string, string>();
  private readonly counts: Counts = {
    files: { read: 0, used: 0, rejected: 0, skipped: 0 },
    records: { read: 0, used: 0, rejected: 0 },
    events: { read: 0, kept: 0, readOnly: 0, failed: 0, data: 0 },
    configurationItems: { read: 0, kept: 0 },
  };
  /** Which events are evidence; the parse stage applies the same rule to skip building the rest. */
  readonly keep: KeepRule;

  constructor(
    readonly period: Period,
    opts: StoreOptions,
  ) {
    this.keep = keepRule(period, opts.windowMs, opts.sessionMarginMs);
    this.dataEvents = new DataEvents(period);
    this.events = new EventSpill(opts.memoryBytes ?? defaultMemoryBytes(), opts.spillDir, this.keep);
    this.integrity = new IntegrityTracker({
      ...(opts.integrityWindow === 'all' ? {} : { window: opts.integrityWindow ?? { startMs: period.startMs, endMs: period.endMs } }),
      ...(opts.publicKeys ? { publicKeys: opts.publicKeys } : {}),
    });
  }

  /**
   * Records what the sources stage reports besides files (archives, source-level rejections).
   * `seq` is the event's place in the sources' order: results that arrive out of order (parse
   * workers) are listed in that order. Without it, calls are taken in the order made.
   */
  addSourceEvent(ev: Exclude<SourceEvent, { type: 'file' }>, seq = this.nextSeq++): void {
    this.inOrder.put(seq, ev.type === 'archive' || ev.type === 'rejected' || ev.type === 'skipped' ? ev.input : undefined);
    switch (ev.type) {
      case 'archive':
        break;
      case 'rejected':
        this.rejected.push(ev.rejection);
        this.counts.files.read++;
        this.counts.files.rejected++;
        break;
      case 'skipped':
        this.skipped.push(ev.skip);
        this.counts.files.read++;
        this.counts.files.skipped++;
        break;
    }
  }

  addParsed(file: ParsedFile, seq = this.nextSeq++): void {
    // A file that could not even be read has no hash to list; its rejection says why.
    this.inOrder.put(seq, file.input.sha256 ? file.input : undefined);
    if (file.input.kind === 'cloudtrail-log' && file.contentSha256 !== undefined) {
      this.integrity.addLog(file.input.path, file.contentSha256);
      this.recorder?.integrityPart(['log', file.input.path, file.contentSha256]);
    }
    // A file of bad records can hold millions, each crossing threads with its own copy of the path
    // and the reason: held, they share them.
    for (const r of file.rejected) {
      if (r.path === file.input.path) r.path = file.input.path;
      r.reason = intern(this.reasons, r.reason, 10_000);
      this.rejected.push(r);
    }
    this.counts.files.read++;
    this.counts.records.read += file.input.records;
    this.counts.records.rejected += file.input.rejected;
    this.counts.records.used += file.input.records - file.input.rejected;
    if (file.skipped) {
      this.skipped.push(file.skipped);
      this.counts.files.skipped++;
      return;
    }
    if (file.rejected.some((r) => r.record === undefined)) {
      this.counts.files.rejected++;
      return;
    }
    this.counts.files.used++;
    // Events as lines (a parse worker made them; else now), data events among them as groups.
    const ev = withEventLines(file, this.keep).eventLines!;
    if (file.dropped) {
      // Records the parse stage validated and counted but did not build: never evidence.
      this.counts.events.read += file.dropped.read;
      this.counts.events.readOnly += file.dropped.readOnly;
      this.counts.events.failed += file.dropped.failed;
      this.recorder?.tally(file.dropped);
    }
    if (file.digest) {
      file.digest.source.path = file.input.path;
      this.integrity.addDigest(file.digest);
      this.recorder?.integrityPart(['digest', file.digest]);
    }
    if (file.dataEvents) {
      this.addDataGroups(file.dataEvents);
      this.recorder?.dataEvents(file.dataEvents);
    }
    if (file.credentialReport) this.credentialReports.push(file.credentialReport);
    // One path string per file, not a copy per record (results cross threads as copies).
    const path = file.input.path;
    for (const item of file.items) {
      item.source.path = path;
      this.recorder?.item(item);
      this.addItem(item);
    }
    const c = this.counts.events;
    c.read += ev.lines.length;
    c.failed += ev.failed;
    c.readOnly += ev.readOnly;
    // The same record from two trails is dropped when the hours are sealed (store/events.ts).
    if (this.recorder) {
      // Saving the ingest: the spill takes what any period would keep, the period's marked.
      this.recorder.tally({ read: ev.lines.length, failed: ev.failed, readOnly: ev.readOnly });
      let next = 0;
      ev.lines.forEach((line, i) => {
        const kept = ev.kept[next] === i;
        if (kept) next++;
        const key = keyOfLine(line);
        if (kept || keepsEvent(keepFieldsOf(key), ANY_PERIOD)) this.events.addLine(line, key, kept);
      });
    } else for (const i of ev.kept) this.events.addLine(ev.lines[i]!);
    this.keptSoFar += ev.kept.length;
  }

  /** Has everything the store receives from files recorded, for a saved ingest (store/ingest.ts). */
  recordTo(recorder: IngestRecorder): void {
    this.recorder = recorder;
    this.events.saving = true;
  }

  /** What a saved ingest holds besides its events and items (a run that read files): none of it depends on the period. */
  ingestMeta(): Omit<IngestMeta, 'version' | 'events' | 'sums'> {
    return {
      inputs: this.inputs.length,
      counts: { files: { ...this.counts.files }, records: { ...this.counts.records } },
      rejected: this.rejected,
      skipped: this.skipped,
      credentialReports: this.credentialReports,
    };
  }

  /** Events kept as evidence so far (before finish() drops the duplicates). */
  get keptEvents(): number {
    return this.keptSoFar;
  }

  /** The rejections listed so far (files and records). */
  get rejections(): number {
    return this.rejected.length;
  }

  /** The input list as received so far, in read order. */
  get inputList(): InputList {
    return this.inputs;
  }

  /** Takes a saved ingest instead of files: the period applies to its events and items as to files'. */
  replay(dir: string, meta: IngestMeta): void {
    this.counts.files = { ...meta.counts.files };
    this.counts.records = { ...meta.counts.records };
    this.counts.events.read += meta.events.read;
    this.counts.events.readOnly += meta.events.readOnly;
    this.counts.events.failed += meta.events.failed;
    append(this.rejected, meta.rejected);
    append(this.skipped, meta.skipped);
    append(this.credentialReports, meta.credentialReports);
    // The input list and its layout are copied into the report as they stand: checked first.
    const inputs = savedFile(dir, meta, 'inputs.ndjson');
    const laidOut = savedFile(dir, meta, LAID_OUT_FILE);
    verifyFile(inputs.path, inputs.checked);
    verifyFile(laidOut.path, laidOut.checked);
    this.inputs = InputList.fromFile(inputs.path, meta.inputs, laidOut.path, inputs.checked.sha256);
    this.inputs.csvSha256 = meta.inputsCsvSha256;
    const items = savedFile(dir, meta, 'items.ndjson');
    for (const i of readJsonLines<ConfigItem>(items.path, items.checked)) this.addItem(i);
    // Read where they are, the period's picked by its rule as they are read.
    // Marked in use again as passes read it, however long they take: no concurrent run prunes it meanwhile.
    let touched = Date.now();
    const inUse = () => {
      if (Date.now() - touched < TOUCH_EVERY_MS) return;
      touched = Date.now();
      touchIngest(dir);
    };
    const hours = savedFile(dir, meta, HOURS_FILE);
    this.kept = savedEvents(join(dir, HOURS_DIR), [...readJsonLines<SavedHour>(hours.path, hours.checked)], this.keep, READ_AGAIN, inUse);
    this.keptSoFar = this.kept.count;
    const data = savedFile(dir, meta, DATA_EVENTS_FILE);
    for (const g of readJsonLines<DataEventGroup>(data.path, data.checked)) this.addDataGroups([g]);
    for (const line of readIntegrityLines(dir, meta)) {
      if (line[0] === 'log') this.integrity.addLog(line[1], line[2]);
      else this.integrity.addDigest(line[1]);
    }
  }

  private addItem(item: ConfigItem): void {
    this.counts.configurationItems.read++;
    if (item.captureTimeMs >= this.period.endMs) return;
    if (item.captureTimeMs >= this.period.startMs) {
      this.inPeriodItems.push(item);
      return;
    }
    const key = resourceKey(item);
    const prev = this.lastBefore.get(key);
    if (!prev || compareItems(prev, item) < 0) this.lastBefore.set(key, item);
  }

  private addDataGroups(groups: readonly DataEventGroup[]): void {
    for (const g of groups) this.counts.events.data += g.count;
    this.dataEvents.add(groups);
  }

  /**
   * Seals the kept events' hours with `seal` (the parse workers, several hours at a time), before
   * finish(); without it, finish() seals them on this thread.
   */
  async sealEvents(seal: (job: SealJob) => Promise<SealedHour>): Promise<void> {
    if (this.kept === undefined) this.sealed(await this.events.finishWith(seal));
  }

  /** Takes the sealed kept events; a saved ingest takes their hour files as its events. */
  private sealed(kept: KeptEvents): KeptEvents {
    this.kept = kept;
    if (this.events.saved) this.recorder?.eventHours(this.events.saved);
    return kept;
  }

  /** The evidence, in a stable order whatever order the files arrived in. */
  finish(): Evidence {
    const items = [...this.lastBefore.values(), ...this.inPeriodItems].sort(compareItems);
    const events = this.kept ?? this.sealed(this.events.finish());
    this.counts.configurationItems.kept = items.length;
    this.counts.events.kept = events.count;
    return {
      period: this.period,
      inputs: this.inputs,
      rejected: [...this.rejected].sort((a, b) => cmp(a.path, b.path) || (a.record ?? -1) - (b.record ?? -1) || cmp(a.reason, b.reason)),
      skipped: [...this.skipped].sort((a, b) => cmp(a.path, b.path)),
      counts: this.counts,
      items,
      events,
      integrity: this.integrity.finish(),
      credentialReports: [...this.credentialReports].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.path, b.path)),
      dataEvents: this.dataEvents.finish(),
    };
  }
}

/** The string `seen` holds equal to `v`, else `v` (remembered while `seen` holds fewer than `max`). */
function intern(seen: Map<string, string>, v: string, max: number): string {
  const had = seen.get(v);
  if (had !== undefined) return had;
  if (seen.size < max) seen.set(v, v);
  return v;
}

export function resourceKey(item: Pick<ConfigItem, 'accountId' | 'region' | 'resourceType' | 'resourceId'>): string {
  return `${item.accountId}|${item.region}|${item.resourceType}|${item.resourceId}`;
}

/** Items in time order; of a resource's items at one time, an oversized one (no body) before one with its body, which supersedes it. */
function compareItems(a: ConfigItem, b: ConfigItem): number {
  return (
    a.captureTimeMs - b.captureTimeMs ||
    cmp(resourceKey(a), resourceKey(b)) ||
    Number(!a.oversized) - Number(!b.oversized) ||
    cmp(String(a.stateId ?? ''), String(b.stateId ?? '')) ||
    cmp(a.source.path, b.source.path) ||
    a.source.index - b.source.index
  );
}
