import { buildControlEvidence, evaluateControls } from '../controls/index.js';
import type { Framework } from '../controls/frameworks.js';
import type { Waiver } from '../controls/waivers.js';
import { activityOf } from '../correlate/activity.js';
import { correlate } from '../correlate/index.js';
import type { Period, Report } from '../model/types.js';
import { unreadable } from '../parse/index.js';
import { BATCH_FILES, ParsePool } from '../parse/pool.js';
import { writeQueryTables } from '../store/query.js';
import { writeOutputs, type OutputFormat } from '../render/index.js';
import { buildReport } from '../report/build.js';
import { localInputBytes } from '../sources/estimate.js';
import { readSources } from '../sources/index.js';
import type { S3Options } from '../sources/s3.js';
import { EvidenceStore } from '../store/index.js';
import { generatorInfo } from '../util/version.js';

export type Stage = 'read' | 'correlate' | 'render';

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
  formats: Set<OutputFormat>;
  outDir: string;
  /** Largest decompressed file or archive entry accepted (gzip-bomb guard). */
  maxFileBytes: number;
  /** How long before a configuration capture its causing API call may be. */
  windowMs: number;
  chromiumPath?: string;
  /** Rows the HTML/PDF lists per long table; the CSV and JSON hold all. */
  documentRows?: number;
  /** S3 inputs: credentials profile, region, endpoint, concurrency. */
  s3?: S3Options;
  /** Where decoded inputs are cached by hash for later runs (see src/store/workspace.ts). */
  workspace?: string;
  /** Filled in by the run: files decoded now and files reused from the workspace. */
  stats?: { decoded: number; reused: number };
  onProgress?: (p: Progress) => void;
}

export interface ReportRun {
  report: Report;
  files: string[];
}

/** The whole one-way pipeline: sources → parse → store → correlate → controls → render. */
export async function runReport(opts: ReportRunOptions): Promise<ReportRun> {
  const report = await analyse(opts);
  opts.onProgress?.({ stage: 'render', files: report.counts.files.read, bytes: inputBytes(report), records: report.counts.records.read, detail: [...opts.formats].join(',') });
  const files = await writeOutputs(report, opts.outDir, opts.formats, { executablePath: opts.chromiumPath, ...(opts.documentRows !== undefined ? { maxChangesInDocument: opts.documentRows } : {}) });
  return { report, files };
}

/** Every stage but rendering: the inputs read, correlated and evaluated into a Report. */
export async function analyse(opts: Omit<ReportRunOptions, 'formats' | 'outDir'>): Promise<Report> {
  const progress: Progress = { stage: 'read', files: 0, bytes: 0, records: 0 };
  const tell = (detail?: string) => opts.onProgress?.({ ...progress, detail });
  // Only for a progress bar: counts the input bytes beside the read, never delays it.
  if (opts.onProgress) {
    void localInputBytes(opts.inputs).then((total) => {
      if (total !== undefined) progress.totalBytes = total;
    });
  }

  const store = new EvidenceStore(opts.period, { windowMs: opts.windowMs });
  const pool = new ParsePool({ maxFileBytes: opts.maxFileBytes, keep: store.keep }, undefined, opts.workspace);
  const stats = opts.stats ?? { decoded: 0, reused: 0 };
  // Decoded files arrive in any order; the store sorts what it keeps, so the report does not depend on it.
  // Enough batches in flight to keep every worker busy while the main thread merges results.
  const limit = Math.max(2, pool.threads * BATCH_FILES * 4);
  let inFlight = 0;
  // Each source event's place in the sources' order: the input list follows it, not arrival order.
  let nextSeq = 0;
  // One waiter at a time: racing every in-flight promise per file would cost O(limit) per file.
  let slotFree: (() => void) | undefined;
  let allDone: (() => void) | undefined;
  let failure: Error | undefined;
  const settle = () => {
    inFlight--;
    if (slotFree && inFlight < limit) {
      const wake = slotFree;
      slotFree = undefined;
      wake();
    }
    if (inFlight === 0) allDone?.();
  };
  try {
    for await (const ev of readSources(opts.inputs, { maxFileBytes: opts.maxFileBytes, deferReads: pool.threads > 0, period: opts.period, ...(opts.s3 ? { s3: opts.s3 } : {}) })) {
      const seq = nextSeq++;
      if (ev.type !== 'file') {
        store.addSourceEvent(ev, seq);
        continue;
      }
      inFlight++;
      void pool.parse(ev.file).then((parsed) => {
        if (parsed.fromCache) stats.reused++;
        else stats.decoded++;
        delete parsed.fromCache;
        store.addParsed(parsed, seq);
        progress.files++;
        progress.bytes += parsed.input.size;
        progress.records += parsed.input.records;
        tell(parsed.input.path);
        settle();
      }, (err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
        store.addParsed(unreadable(ev.file, `parse failed: ${failure.message}`), seq);
        settle();
      });
      // At most one part batch is unsent, and the limit is several batches: a slot always frees.
      if (inFlight >= limit) await new Promise<void>((resolve) => (slotFree = resolve));
    }
    pool.flush();
    if (inFlight > 0) await new Promise<void>((resolve) => (allDone = resolve));
    if (failure) throw failure;
  } finally {
    await pool.close();
  }
  const evidence = store.finish();

  progress.stage = 'correlate';
  tell();
  const correlation = correlate(evidence, { windowMs: opts.windowMs });
  const activity = activityOf(evidence);
  const controlEvidence = buildControlEvidence(evidence, correlation, {
    activity,
    authorizedPrincipals: opts.authorizedPrincipals,
  });
  const controls = evaluateControls(opts.frameworks, controlEvidence, opts.waivers);
  const report = buildReport(evidence, correlation, {
    generator: generatorInfo(),
    frameworks: opts.frameworks.map((f) => f.id),
    controls,
  });
  if (opts.workspace) writeQueryTables(opts.workspace, report, activity);
  return report;
}

/** Bytes of the files read (archives count through their entries). */
function inputBytes(report: Report): number {
  let n = 0;
  for (const i of report.inputs) if (i.kind !== 'archive') n += i.size;
  return n;
}
