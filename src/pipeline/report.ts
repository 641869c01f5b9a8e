import { activityGathering, controlContext, evaluateControls, withCorrelation } from '../controls/index.js';
import type { Framework } from '../controls/frameworks.js';
import type { Waiver } from '../controls/waivers.js';
import { activityOf } from '../correlate/activity.js';
import type { ActivityEvent } from '../controls/model.js';
import { correlate } from '../correlate/index.js';
import { basename, resolve as resolvePath } from 'node:path';
import type { Evidence, Generated, Period, Report, Signoff, SourceEvent, SourceFile } from '../model/types.js';
import { unreadable } from '../parse/index.js';
import { BATCH_FILES, BatchCutter, ParsePool } from '../parse/pool.js';
import { coverageOf, type ExpectedScope } from '../store/coverage.js';
import { QueryTables } from '../store/query.js';
import { writeOutputs, type OutputFormat } from '../render/index.js';
import { inputsCsvSha256 } from '../render/csv.js';
import { buildReport } from '../report/build.js';
import { describeCriteria } from '../report/criteria.js';
import { localInputBytes } from '../sources/estimate.js';
import { readSourceGroups } from '../sources/index.js';
import { isS3Url, type S3Options } from '../sources/s3.js';
import { EvidenceStore, type StoreOptions } from '../store/index.js';
import type { DigestPublicKey } from '../store/keys.js';
import { HeapWatch } from '../store/memory.js';
import { IngestRecorder, readIngestMeta, savedIngest, savedIngests, touchIngest, type IngestMeta } from '../store/ingest.js';
import { eventPart, PendingRunKey, RunKey } from '../store/runkey.js';
import { folderSignature, planFoldersStand, planFor, planRunKey, type PlanHeader } from '../store/plan.js';
import { Reorder } from '../store/inputs.js';
import type { EngineInput } from '../sql/results.js';
import { generatorInfo } from '../util/version.js';
import { generationTime } from '../util/clock.js';
import { writeManifest, type SignKey } from './manifest.js';
import { ConfigtrailError } from '../util/errors.js';

export type Stage = 'check' | 'read' | 'correlate' | 'render';

export interface Progress {
  stage: Stage;
  files: number;
  bytes: number;
  records: number;
  /** What is being done now, e.g. the file being read or the format being rendered. */
  detail?: string;
  /** Bytes the local inputs hold, once a quick walk beside the read has counted them. */
  totalBytes?: number;
}

export interface ReportRunOptions {
  inputs: string[];
  period: Period;
  frameworks: Framework[];
  waivers: Waiver[];
  authorizedPrincipals: string[];
  /** The accounts and regions the report must answer for (`--accounts`, `--regions`). */
  expected?: ExpectedScope;
  /** The files the criteria were read from, recorded in report.json with their SHA-256. */
  criteriaFiles?: { principals: string[]; waivers?: string; publicKeys: string[] };
  formats: Set<OutputFormat>;
  outDir: string;
  /** Largest decompressed file or archive entry accepted (gzip-bomb guard). */
  maxFileBytes: number;
  /** Most bytes one archive inflates to in all (default: see SourceOptions). */
  maxArchiveBytes?: number;
  /** How long before a configuration capture its causing API call may be. */
  windowMs: number;
  chromiumPath?: string;
  /** Rows the HTML/PDF lists per long table; the CSV and JSON hold all. */
  documentRows?: number;
  /** S3 inputs: credentials profile, region, endpoint, concurrency. */
  s3?: S3Options;
  /** CloudTrail's public keys (`--public-keys`), to verify digest signatures. */
  publicKeys?: DigestPublicKey[];
  /** Where decoded inputs are cached by hash for later runs (see src/store/workspace.ts); kept events beyond the memory limit go there too. */
  workspace?: string;
  /** `--memory-limit`: bytes of kept events held in memory; beyond it they go to disk (store/events.ts). */
  memoryLimit?: number;
  /**
   * CloudTrail events an engine extracted (`--engine-results`, src/sql/results.ts): taken after the
   * inputs, as parsed files; no workspace is used with them.
   */
  engine?: EngineInput;
  /** The run's generation time (default: generationTime(), the clock or SOURCE_DATE_EPOCH). */
  generated?: Generated;
  /** The command line after the executable, as given (default: none; the inputs are recorded all the same). */
  argv?: string[];
  /** `--entity` and `--prepared-by`. */
  signoff?: Signoff;
  /** `--sign-key`: the private key manifest.json is signed with (src/pipeline/manifest.ts). */
  signKey?: SignKey;
  /** Filled in by the run: files decoded now and files reused from the workspace. */
  stats?: { decoded: number; reused: number; replayed?: boolean };
  onProgress?: (p: Progress) => void;
}

export interface ReportRun {
  report: Report;
  files: string[];
}

/** The whole one-way pipeline: sources → parse → store → correlate → controls → render. */
export async function runReport(opts: ReportRunOptions): Promise<ReportRun> {
  // Only the data-event groups and the activity outlive the analysis (for their CSV files): not the evidence.
  const { report, dataEvents, activity } = await analyseWithEvidence(opts).then(({ report, evidence, activity }) => ({ report, dataEvents: evidence.dataEvents.groups, activity }));
  opts.onProgress?.({ stage: 'render', files: report.counts.files.read, bytes: inputBytes(report), records: report.counts.records.read, detail: [...opts.formats].join(',') });
  const files = await writeOutputs(report, opts.outDir, opts.formats, {
    executablePath: opts.chromiumPath,
    dataEvents,
    activity,
    ...(opts.documentRows !== undefined ? { maxChangesInDocument: opts.documentRows } : {}),
  });
  files.push(...writeManifest(opts.outDir, report, files, { signKey: opts.signKey }).files);
  return { report, files };
}

/** Every stage but rendering: the inputs read, correlated and evaluated into a Report. */
export async function analyse(opts: Omit<ReportRunOptions, 'formats' | 'outDir'>): Promise<Report> {
  return (await analyseWithEvidence(opts)).report;
}

/**
 * As analyse, also handing back the evidence the report was drawn from: where each configuration
 * item and CloudTrail event was read (an evidence pack cites the input file behind a change).
 */
export async function analyseWithEvidence(opts: Omit<ReportRunOptions, 'formats' | 'outDir'>): Promise<{ report: Report; evidence: Evidence; activity: Iterable<ActivityEvent> }> {
  const { evidence, ingestKey, closed, tell } = await readEvidence(opts);
  tell();
  const trailUnverified = opts.engine ? engineIntegrity(opts.engine, evidence) : undefined;
  const coverage = coverageOf(evidence, opts.expected ?? {}, opts.engine?.trailDays);
  // The controls' activity queries, and the query tables' events table with a workspace (the tables
  // but findings follow from the ingest, the period and the window alone: they stand when those do),
  // are opened first, so that the correlate stage's pass feeds them: the kept events are read once.
  const context = controlContext(evidence, { authorizedPrincipals: opts.authorizedPrincipals, coverage, ...(trailUnverified !== undefined ? { trailUnverified } : {}) });
  const gathering = activityGathering(opts.frameworks, context);
  const evidenceKey = ingestKey === undefined ? undefined : JSON.stringify({ ingest: ingestKey, period: [opts.period.startMs, opts.period.endMs], windowMs: opts.windowMs, generator: generatorInfo().version });
  const tables = opts.workspace ? new QueryTables(opts.workspace, evidenceKey) : undefined;
  const takers: { take(a: ActivityEvent): void }[] = [];
  if (gathering.reads) takers.push(gathering);
  if (tables?.reads) takers.push(tables);
  const activity = activityOf(evidence);
  let report: Report;
  try {
    const correlation = correlate(evidence, { windowMs: opts.windowMs }, takers.length > 0 ? (a) => takers.forEach((t) => t.take(a)) : undefined);
    const controls = evaluateControls(opts.frameworks, withCorrelation(context, correlation, activity), opts.waivers, gathering.result());
    report = buildReport(evidence, correlation, {
      generator: generatorInfo(),
      generated: opts.generated ?? generationTime(),
      invocation: { argv: opts.argv ?? [], inputs: [...opts.inputs] },
      signoff: opts.signoff ?? {},
      frameworks: opts.frameworks.map((f) => f.id),
      controls,
      coverage,
      criteria: describeCriteria({
        period: opts.period,
        windowMs: opts.windowMs,
        expected: opts.expected ?? {},
        frameworks: opts.frameworks,
        authorizedPrincipals: opts.authorizedPrincipals,
        principalFiles: opts.criteriaFiles?.principals ?? [],
        ...(opts.criteriaFiles?.waivers ? { waiversFile: opts.criteriaFiles.waivers } : {}),
        waivers: opts.waivers,
        publicKeyFiles: opts.criteriaFiles?.publicKeys ?? [],
      }),
    });
    tables?.finish(report);
  } catch (err) {
    tables?.abandon();
    throw err;
  }
  await closed;
  return { report, evidence, activity };
}

/**
 * Engine rows have no digest to check. With `--verified`, the integrity `configtrail verify` found
 * over the delivered files stands as the evidence's (its gaps are then coverage gaps, as in a direct
 * run); without it, or when it read no digest, the events are unverified: the reason, for the checks
 * that read them (controls/evaluate.ts). Either way the integrity notes say which.
 */
function engineIntegrity(engine: EngineInput, evidence: Evidence): string | undefined {
  const files = engine.parsed.filter((p) => p.input.kind === 'engine-extract').length;
  const rows = `${engine.rows} rows from ${files} result file(s)`;
  const v = engine.verification;
  if (v && v.integrity.digests.read > 0) {
    evidence.integrity = { ...v.integrity, notes: [...v.integrity.notes, `CloudTrail events of engine input (${rows}): integrity as \`configtrail verify\` found it over the delivered files for ${v.period.from}..${v.period.to} (--verified ${v.parsed.input.path})`] };
    return undefined;
  }
  const why = v ? `--verified ${v.parsed.input.path} read no CloudTrail digest` : 'no --verified file was given';
  evidence.integrity.notes.push(`CloudTrail events not verified (engine input): ${rows} have no digest to check, and ${why}; run \`configtrail verify --from … --to … --json\` over the delivered files and give its output to --verified`);
  return `the CloudTrail events it reads are engine input (${rows}), not verified against CloudTrail's digests (${why})`;
}

/** What readEvidence needs: the inputs and how to read them. */
export type ReadOptions = Pick<ReportRunOptions, 'inputs' | 'period' | 'maxFileBytes' | 'maxArchiveBytes' | 'windowMs' | 's3' | 'workspace' | 'memoryLimit' | 'stats' | 'onProgress' | 'publicKeys' | 'engine'> &
  Pick<StoreOptions, 'integrityWindow'>;

/**
 * The sources, parse and store stages: the inputs read (or a saved ingest replayed) into the
 * evidence for the period. `closed` settles once the parse workers have ended; `tell` reports the
 * next stage (correlate) to the progress callback.
 */
export async function readEvidence(opts: ReadOptions): Promise<{ evidence: Evidence; ingestKey: string | undefined; closed: Promise<void>; tell: () => void }> {
  const progress: Progress = { stage: 'read', files: 0, bytes: 0, records: 0 };
  const tell = (detail?: string) => {
    if (opts.onProgress) opts.onProgress({ ...progress, detail });
  };
  // Only for a progress bar: counts the input bytes beside the read, never delays it.
  if (opts.onProgress) {
    void localInputBytes(opts.inputs).then((total) => {
      if (total !== undefined) progress.totalBytes = total;
    });
  }

  // A replay that is dropped leaves the store to start again, empty.
  const emptyStore = () =>
    new EvidenceStore(opts.period, {
      windowMs: opts.windowMs,
      ...(opts.publicKeys ? { publicKeys: opts.publicKeys } : {}),
      ...(opts.integrityWindow ? { integrityWindow: opts.integrityWindow } : {}),
      ...(opts.memoryLimit !== undefined ? { memoryBytes: opts.memoryLimit } : {}),
      ...(opts.workspace !== undefined ? { spillDir: opts.workspace } : {}),
    });
  let store = emptyStore();
  const pool = new ParsePool({ maxFileBytes: opts.maxFileBytes, keep: store.keep }, undefined, opts.workspace);
  const stats = opts.stats ?? { decoded: 0, reused: 0 };
  // Enough batches in flight to keep every worker busy while the main thread merges results.
  const limit = Math.max(2, pool.threads * BATCH_FILES * 4);
  const sourceOptions = {
    maxFileBytes: opts.maxFileBytes,
    ...(opts.maxArchiveBytes !== undefined ? { maxArchiveBytes: opts.maxArchiveBytes } : {}),
    deferReads: pool.threads > 0,
    period: opts.period,
    ...(opts.s3 ? { s3: opts.s3 } : {}),
  };
  const sources = () => readSourceGroups(opts.inputs, sourceOptions);
  // A saved ingest stands for local files only: S3 objects and archive entries have no stat key.
  const ws = opts.workspace !== undefined && !opts.inputs.some(isS3Url) && !opts.engine ? opts.workspace : undefined;
  // The archive limit only where it was given: the run keys of runs without it stay as they were.
  const keyParts = [`inputs ${JSON.stringify(opts.inputs.map((i) => resolvePath(i)))}`, `max ${opts.maxFileBytes}`, ...(opts.maxArchiveBytes !== undefined ? [`archive max ${opts.maxArchiveBytes}`] : [])];
  // A plan is checked only by a run that would batch its files alike (see probeRunKey).
  const planHeader: PlanHeader = { plan: 1, keyParts, inline: pool.threads === 0 };
  // The saved ingest this run's evidence came from (replayed or just recorded), when there is one.
  let ingestKey: string | undefined;
  try {
    let replayed = false;
    const saved = ws !== undefined ? savedIngests(ws) : [];
    if (ws !== undefined && saved.length > 0) {
      // Are these exactly the files of a saved ingest? Only their stat keys are computed: over the
      // files a saved plan lists when none of its folders changed, else over a walk of the inputs.
      progress.stage = 'check';
      const onBatch = (n: number) => {
        progress.files = n;
        tell();
      };
      // Replays a saved ingest into the store: false, with the store emptied, when it cannot be
      // read whole (a workspace only saves time: the files are then read, and the ingest saved anew).
      const dropped = new Set<string>();
      const replayIngest = (dir: string, meta: IngestMeta): boolean => {
        // A saved ingest found damaged (store/checksum.ts) is not tried again.
        if (dropped.has(dir)) return false;
        touchIngest(dir);
        try {
          store.replay(dir, meta);
          return true;
        } catch (err) {
          // An error that ends a run ends it here too; any other means the ingest cannot be read whole.
          if (err instanceof ConfigtrailError) throw err;
          dropped.add(dir);
          store = emptyStore();
          return false;
        }
      };
      const acceptReplay = (meta: IngestMeta, files: number, runKey: string) => {
        ingestKey = runKey;
        stats.reused += files;
        stats.replayed = true;
        progress.files = meta.counts.files.read;
        progress.records = meta.counts.records.read;
        tell('workspace');
        replayed = true;
      };
      let probed: { runKey: string | undefined; files: number } | undefined;
      // A saved plan made for these inputs: while the workers stat its files, the main thread
      // replays its ingest and then checks its folders. If the folders are as they were and the
      // files' key is the ingest's, the ingest is this run's; if not, the replay is dropped. Only
      // the first such plan is replayed before its folders are checked.
      let speculative = true;
      for (const dir of saved) {
        if (!planFor(dir, planHeader)) continue;
        // The meta first: it holds the sums the plan's files are checked against.
        const meta = readIngestMeta(dir);
        if (meta === undefined) continue;
        if (!speculative && !planFoldersStand(dir, meta.sums)) continue;
        let plan: ReturnType<typeof planRunKey>;
        try {
          plan = planRunKey(dir, meta.sums, keyParts, (folder, names) => pool.statKeyIn(folder, names), onBatch);
        } catch {
          // A plan that cannot be read to the end stands for nothing.
          continue;
        }
        const replayedMeta = replayIngest(dir, meta) ? meta : undefined;
        const stands = !speculative || planFoldersStand(dir, meta.sums);
        speculative = false;
        const runKey = stands ? await plan.runKey : undefined;
        if (stands && replayedMeta && runKey === basename(dir)) {
          acceptReplay(replayedMeta, plan.files, runKey);
          break;
        }
        if (replayedMeta) store = emptyStore();
        if (stands) {
          probed = { runKey, files: plan.files };
          break;
        }
      }
      if (!replayed) {
        const { runKey, files } = probed ?? (await probeRunKey(sources(), keyParts, pool, onBatch));
        const dir = runKey === undefined ? undefined : savedIngest(ws, runKey);
        const meta = dir === undefined ? undefined : readIngestMeta(dir);
        if (dir !== undefined && meta !== undefined && replayIngest(dir, meta)) acceptReplay(meta, files, runKey!);
      }
      progress.stage = 'read';
      if (!replayed) progress.files = 0;
    }
    if (!replayed) {
      // Decoded files arrive in any order; the store puts them back in the sources' order where it matters.
      // The folders and files read are recorded beside the ingest when every input is a folder.
      const planned = opts.inputs.every((i) => folderSignature(resolvePath(i)) !== undefined);
      const recorder = ws !== undefined ? new IngestRecorder(ws, planned ? planHeader : undefined) : undefined;
      const readOptions = recorder && planned ? { ...sourceOptions, onFolder: (d: string) => recorder.planFolder(d) } : sourceOptions;
      const key = new RunKey(keyParts);
      const order = recorder ? new Reorder<string>((k) => key.add(k === NO_KEY ? undefined : k)) : undefined;
      if (recorder) store.recordTo(recorder);
      let failure: Error | undefined;
      const heap = new HeapWatch();
      let seq = await pump(readSourceGroups(opts.inputs, readOptions), limit, () => pool.flush(), (ev, seq) => {
        order?.put(seq, eventPart(ev));
        recorder?.planPart(ev);
        store.addSourceEvent(ev, seq);
      }, (file, seq) => {
        recorder?.planPart({ type: 'file', file });
        return pool.parse(file).then(
          (parsed) => {
            // The read has stopped, the heap nearly full, and the run ends in that error: what was
            // still in flight is let go rather than kept on the way to V8's out-of-memory crash.
            if (heap.stopped) return;
            if (parsed.fromCache) stats.reused++;
            else stats.decoded++;
            order?.put(seq, parsed.batchKey ?? NO_KEY);
            delete parsed.fromCache;
            delete parsed.batchKey;
            // Read from S3: a digest's signature from its object metadata (never cached with the parse).
            if (file.signature !== undefined && parsed.digest) parsed.digest.signature = file.signature;
            store.addParsed(parsed, seq);
            progress.files++;
            progress.bytes += parsed.input.size;
            progress.records += parsed.input.records;
            tell(parsed.input.path);
          },
          (err: unknown) => {
            failure ??= err instanceof Error ? err : new Error(String(err));
            order?.put(seq, NO_KEY);
            store.addParsed(unreadable(file, `parse failed: ${failure.message}`), seq);
          },
        );
      }, () => heap.exceeded());
      if (heap.exceeded()) {
        const rejected = store.rejections > 0 ? ` and ${store.rejections.toLocaleString('en-US')} rejections listed` : '';
        failure ??= heap.error(`${store.keptEvents.toLocaleString('en-US')} events kept${rejected} from ${progress.files.toLocaleString('en-US')} files`);
      }
      if (failure) {
        recorder?.discard();
        throw failure;
      }
      for (const parsed of opts.engine?.parsed ?? []) store.addParsed(parsed, seq++);
      // The store seals the kept events' hours (on the workers, now idle), which a saved ingest then holds as they are.
      await store.sealEvents((job) => pool.seal(job));
      if (recorder) {
        ingestKey = key.digest();
        // The list's inputs.csv hash, which every report over this ingest cites, is saved with it.
        recorder.finish(ingestKey, { ...store.ingestMeta(), inputsCsvSha256: inputsCsvSha256({ inputs: store.inputList }) }, store.inputList);
      }
    }
  } catch (err) {
    await pool.close();
    throw err;
  }
  // The workers end while this thread correlates: waited for only before returning.
  const closed = pool.close();
  const evidence = store.finish();
  progress.stage = 'correlate';
  return { evidence, ingestKey, closed, tell: () => tell() };
}

/** Bytes of the files read (archives count through their entries). */
function inputBytes(report: Report): number {
  let n = 0;
  for (const i of report.inputs) if (i.kind !== 'archive') n += i.size;
  return n;
}

/** A file whose batch has no stat key: the run then has no key, and its ingest is not saved. */
const NO_KEY = '\0';
/** Stat-key batches handed to the workers at once while checking a saved ingest. */
const PROBE_IN_FLIGHT = 64;

/**
 * Feeds the sources' file events to `work` with at most `limit` in flight, other events to `other`,
 * each with its place in the sources' order. `work` must not reject. `flush` sends the part batch
 * once the sources are done.
 */
async function pump(
  groups: AsyncIterable<SourceEvent[]>,
  limit: number,
  flush: () => void,
  other: (ev: Exclude<SourceEvent, { type: 'file' }>, seq: number) => void,
  work: (file: SourceFile, seq: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<number> {
  let inFlight = 0;
  let seq = 0;
  // One waiter at a time: racing every in-flight promise per file would cost O(limit) per file.
  let slotFree: (() => void) | undefined;
  let allDone: (() => void) | undefined;
  const settle = () => {
    inFlight--;
    if (slotFree && inFlight < limit) {
      const wake = slotFree;
      slotFree = undefined;
      wake();
    }
    if (inFlight === 0) allDone?.();
  };
  read: for await (const group of groups) {
    for (const ev of group) {
      // Stopped (the evidence outgrew memory): what is in flight still completes.
      if (stop()) break read;
      const n = seq++;
      if (ev.type !== 'file') {
        other(ev, n);
        continue;
      }
      inFlight++;
      void work(ev.file, n).then(settle);
      // At most one part batch is unsent, and the limit is several batches: a slot always frees.
      if (inFlight >= limit) await new Promise<void>((resolve) => (slotFree = resolve));
    }
  }
  flush();
  if (inFlight > 0) await new Promise<void>((resolve) => (allDone = resolve));
  return seq;
}

/**
 * The run key of the files the sources list now, batched exactly as the parse pool batches them
 * (one file a batch when parsing inline), from their stat keys alone: no file is read.
 */
async function probeRunKey(
  groups: AsyncIterable<SourceEvent[]>,
  keyParts: string[],
  pool: ParsePool,
  onBatch: (files: number) => void,
): Promise<{ runKey: string | undefined; files: number }> {
  const key = new PendingRunKey(keyParts);
  const cutter = new BatchCutter();
  let batch: { files: SourceFile[]; places: number[] } = { files: [], places: [] };
  // The workers lstat while this thread walks on; a bounded number of batches in flight.
  const inFlight: Promise<void>[] = [];
  let files = 0;
  const cut = () => {
    if (batch.files.length === 0) return;
    const done = files;
    inFlight.push(key.fill(pool.statKey(batch.files), batch.places).then(() => onBatch(done)));
    batch = { files: [], places: [] };
  };
  for await (const group of groups) {
    for (const ev of group) {
      if (ev.type !== 'file') {
        key.event(ev);
        continue;
      }
      files++;
      if (cutter.before(ev.file)) cut();
      batch.files.push(ev.file);
      batch.places.push(key.place());
      if (pool.threads === 0 || cutter.after(ev.file)) cut();
    }
    while (inFlight.length >= PROBE_IN_FLIGHT) await inFlight.shift();
  }
  cut();
  return { runKey: await key.digest(), files };
}
