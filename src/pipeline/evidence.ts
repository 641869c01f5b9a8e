import { createWriteStream, readFileSync } from 'node:fs';
import { FreshFile, ownFolder, writeFresh } from '../util/fresh-file.js';
import { basename, join } from 'node:path';
import { writeManifest, type Manifest } from './manifest.js';
import { csvStringify, lazy } from '../util/lazy.js';
import type { Change, ControlResult, EventRef, Evidence, Report } from '../model/types.js';
import { changeId, findChanges } from '../correlate/changes.js';
import { summarise } from '../report/build.js';
import { describePopulation, drawSample, isChangeManagement, populationOf, SAMPLE_METHOD, type ChangeSources, type FileCite, type PackContents, type Population, type SampleDraw } from '../report/population.js';
import { changesCsv, csv, findingsCsv, neutraliseCell, writeInputsCsv } from '../render/csv.js';
import { renderHtml } from '../render/html.js';
import { reportJson } from '../render/json.js';
import { renderPdf } from '../render/pdf.js';
import { cmp } from '../store/index.js';
import { UsageError } from '../util/errors.js';
import { analyseWithEvidence, type ReportRunOptions } from './report.js';

/** The zip writer, loaded when a pack is zipped (--zip), not at every start. */
const yazl = lazy<typeof import('yazl')>('yazl');

export interface EvidenceRunOptions extends Omit<ReportRunOptions, 'formats'> {
  /** `framework:requirement`, e.g. `cis-aws-v6.0:6.3`. */
  controls: string[];
  zip: boolean;
  /** `--sample N --seed S`: a reproducible sample of a change-management control's population. */
  sample?: { size: number; seed: string };
}

export interface EvidenceRun {
  files: string[];
  manifest: Manifest;
}

/** One event that is part of a control's evidence: causing calls of changes, activity, failures. */
interface EventRow {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  accountId: string;
  region: string;
  origin: string;
  role: string;
  errorCode: string;
}

/** Splits `framework:requirement`; requirement ids may themselves contain colons in custom files. */
export function parseControlRef(ref: string): { framework: string; id: string } {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1) throw new UsageError(`--control must look like <framework>:<requirement>, e.g. cis-aws-v6.0:6.3, got "${ref}"`);
  return { framework: ref.slice(0, at), id: ref.slice(at + 1) };
}

/**
 * The part of a report that is the evidence for some controls: the controls themselves, the
 * changes their findings point to (by change id or resource), and the failed calls they cite. Inputs,
 * rejections and integrity stay whole: they are the provenance of every piece of evidence.
 */
export function evidenceSubset(report: Report, selected: ControlResult[], period: ReportRunOptions['period'], wholePopulation = false): Report {
  const changeIds = new Set<string>();
  const resources = new Set<string>();
  const eventIds = new Set<string>();
  for (const c of selected) {
    for (const f of c.findings) {
      if (f.changeId) changeIds.add(f.changeId);
      if (f.resourceType === 'AWS::CloudTrail::Event') eventIds.add(f.resourceId);
      else resources.add(`${f.resourceType}|${f.resourceId}`);
    }
  }
  // A change-management control's evidence is every change of the period, not its exceptions alone.
  const changes: Change[] = wholePopulation ? report.changes : report.changes.filter((ch) => changeIds.has(ch.id) || resources.has(`${ch.resourceType}|${ch.resourceId}`));
  const failedCalls: EventRef[] = report.failedCalls.filter((e) => eventIds.has(e.eventId));
  return {
    ...report,
    scope: { ...report.scope, frameworks: [...new Set(selected.map((c) => c.framework))] },
    changes,
    failedCalls,
    failedCallsTotal: failedCalls.length,
    configRuleResults: report.configRuleResults.filter((r) => resources.has(`${r.resourceType}|${r.resourceId}`)),
    summary: summarise(changes, period),
    controls: selected,
  };
}

function eventRows(sub: Report): EventRow[] {
  const rows = new Map<string, EventRow>();
  for (const ch of sub.changes) {
    const a = ch.attribution;
    if (!a.eventId) continue;
    rows.set(a.eventId, { eventId: a.eventId, eventTime: a.eventTime ?? '', eventName: a.eventName ?? '', eventSource: a.eventSource ?? '', accountId: ch.accountId, region: ch.region, origin: ch.actor?.origin ?? '', role: `caused change ${ch.id}`, errorCode: '' });
  }
  for (const c of sub.controls) {
    for (const f of c.findings) {
      if (f.resourceType !== 'AWS::CloudTrail::Event' || rows.has(f.resourceId)) continue;
      rows.set(f.resourceId, { eventId: f.resourceId, eventTime: f.time ?? '', eventName: '', eventSource: '', accountId: '', region: '', origin: f.actor?.origin ?? '', role: f.detail, errorCode: '' });
    }
  }
  for (const e of sub.failedCalls) {
    rows.set(e.eventId, { eventId: e.eventId, eventTime: e.eventTime, eventName: e.eventName, eventSource: e.eventSource, accountId: e.accountId, region: e.awsRegion, origin: e.actor.origin, role: 'failed call', errorCode: e.errorCode ?? '' });
  }
  return [...rows.values()].sort((a, b) => cmp(a.eventTime, b.eventTime) || cmp(a.eventId, b.eventId));
}

/**
 * `configtrail evidence`: a standalone pack for one or more controls, to attach to a ticket. The
 * same command line over the same inputs with SOURCE_DATE_EPOCH set gives byte-identical files.
 */
export async function runEvidence(opts: EvidenceRunOptions): Promise<EvidenceRun> {
  // Official ids and the earlier ones a requirement is also known by (`soc2:cc_8_1` is CC8.1); an
  // unknown one is a usage error before anything is read.
  const refs = opts.controls.map(parseControlRef).map((r) => {
    const req = opts.frameworks.find((f) => f.id === r.framework)?.requirements.find((q) => q.id === r.id || q.aliases?.includes(r.id));
    if (!req) throw new UsageError(`no requirement ${r.id} in framework ${r.framework} (see \`configtrail checks --framework ${r.framework}\`)`);
    return { framework: r.framework, id: req.id, changeManagement: isChangeManagement(req) };
  });
  if (opts.sample) checkSample(opts.sample, refs);
  const { report, evidence } = await analyseWithEvidence(opts);
  const selected = refs.map((r) => report.controls.find((c) => c.framework === r.framework && c.id === r.id)!);
  const cm = selected.filter((_, i) => refs[i]!.changeManagement);
  const population = cm.length > 0 ? populationOf(report, cm) : undefined;
  const sample = population && opts.sample ? withSources(drawSample(population, opts.sample.size, opts.sample.seed), evidence, report) : undefined;
  const pack: PackContents | undefined = population ? { population, ...(sample ? { sample } : {}) } : undefined;
  const sub = evidenceSubset(report, selected, opts.period, population !== undefined);
  const title = `Evidence: ${selected.map((c) => `${c.framework} ${c.id}`).join(', ')}`;

  ownFolder(opts.outDir);
  const files: string[] = [];
  const write = (name: string, body: string | Buffer) => {
    const p = join(opts.outDir, name);
    writeFresh(p, body);
    files.push(p);
  };
  const doc = { title, pack: pack ?? { cited: sub.changes.length } };
  write('control.html', renderHtml(sub, doc));
  const pdf = join(opts.outDir, 'control.pdf');
  await renderPdf(sub, pdf, { ...doc, executablePath: opts.chromiumPath });
  files.push(pdf);
  write('control.json', reportJson(sub));
  write('findings.csv', findingsCsv(sub));
  write('changes.csv', changesCsv(sub));
  const events = eventRows(sub);
  write('events.csv', csvStringify().stringify([Object.keys(events[0] ?? { eventId: '' }), ...events.map((e) => Object.values(e).map(neutraliseCell))], { record_delimiter: '\n' }));
  write('events.json', `${JSON.stringify(events, null, 2)}\n`);
  // The input list the document cites by its SHA-256 (Appendix B), as a report writes it.
  const inputsCsv = join(opts.outDir, 'inputs.csv');
  writeInputsCsv(sub, inputsCsv);
  files.push(inputsCsv);
  if (population) write('population.csv', populationCsv(population));
  if (sample) write('sample.csv', sampleCsv(sample));

  const controls = selected.map((c) => ({ framework: c.framework, id: c.id, title: c.title, status: c.status }));
  const manifestPack = {
    ...(population
      ? {
          population: {
            changes: population.total,
            judged: population.judged,
            unauthorised: population.unauthorised,
            waived: population.waived,
            statement: describePopulation(population),
            controls: population.controls,
          },
        }
      : {}),
    ...(sample
      ? { sample: { seed: sample.seed, requested: sample.requested, drawn: sample.drawn.length, method: SAMPLE_METHOD, changes: sample.drawn.map((d) => ({ rank: d.rank, key: d.key, changeId: d.row.change.id })) } }
      : {}),
  };
  const { manifest, files: written } = writeManifest(opts.outDir, sub, files, { signKey: opts.signKey, controls, pack: manifestPack });
  files.push(...written);

  if (opts.zip) {
    const name = `evidence-${selected.map((c) => `${c.framework}_${c.id}`).join('+').replace(/[^A-Za-z0-9._+-]/g, '_')}.zip`;
    const zipPath = join(opts.outDir, name);
    // Its entries carry the generation time: the pack's, never a date derived from the period.
    await writeZip(zipPath, files, new Date(report.generated.at));
    files.push(zipPath);
  }
  return { files, manifest };
}

/** `--sample N --seed S` asks for a whole N of at least 1, a seed, and a change-management control to draw from. */
function checkSample(sample: { size: number; seed: string }, refs: { framework: string; id: string; changeManagement: boolean }[]): void {
  if (!Number.isInteger(sample.size) || sample.size < 1) throw new UsageError(`--sample must be a whole number of changes, at least 1, got ${Number.isNaN(sample.size) ? 'something else' : String(sample.size)}`);
  if (!refs.some((r) => r.changeManagement)) {
    throw new UsageError(`--sample draws from the population of a change-management control (soc2:CC8.1, pci-dss-v4.0:6.5.1 or nist-800-53-r5:CM-3(a)); ${refs.map((r) => `${r.framework}:${r.id}`).join(', ')} ${refs.length === 1 ? 'is' : 'are'} not one`);
  }
}

/**
 * Where each sampled change was read: its configuration item and the previous one (the pair the
 * diff compares, found as the correlate stage finds them) and its causing event, each with the
 * SHA-256 of its input file from the input list. What the evidence does not hold is left out, and
 * the document says "not recorded".
 */
function withSources(draw: SampleDraw, evidence: Evidence, report: Report): SampleDraw {
  if (draw.drawn.length === 0) return draw;
  const wanted = new Set(draw.drawn.map((d) => d.row.change.id));
  const items = new Map<string, Pick<ChangeSources, 'item' | 'previous'>>();
  for (const c of findChanges(evidence.items, evidence.period)) {
    const id = changeId(c.item);
    if (!wanted.has(id)) continue;
    items.set(id, { item: { ...c.item.source }, ...(c.previous ? { previous: { ...c.previous.source } } : {}) });
  }
  const eventIds = new Set(draw.drawn.map((d) => d.row.change.attribution.eventId).filter((e): e is string => e !== undefined));
  const events = new Map<string, { cite: FileCite; ip?: string }>();
  for (const e of evidence.events) {
    if (eventIds.has(e.eventId) && !events.has(e.eventId)) events.set(e.eventId, { cite: { ...e.source }, ...(e.sourceIPAddress ? { ip: e.sourceIPAddress } : {}) });
  }
  const cites = [...items.values()].flatMap((s) => [s.item, s.previous]).concat([...events.values()].map((e) => e.cite));
  const paths = new Set(cites.filter((c): c is FileCite => c !== undefined).map((c) => c.path));
  const hashes = new Map<string, string>();
  for (const i of report.inputs) if (paths.has(i.path)) hashes.set(i.path, i.sha256);
  const hashed = (c: FileCite | undefined): FileCite | undefined => (c ? { ...c, ...(hashes.has(c.path) ? { sha256: hashes.get(c.path)! } : {}) } : undefined);
  return {
    ...draw,
    drawn: draw.drawn.map((d) => {
      const s = items.get(d.row.change.id);
      const e = d.row.change.attribution.eventId !== undefined ? events.get(d.row.change.attribution.eventId) : undefined;
      const sources: ChangeSources = {};
      const item = hashed(s?.item);
      const previous = hashed(s?.previous);
      const event = hashed(e?.cite);
      if (item) sources.item = item;
      if (previous) sources.previous = previous;
      if (event) sources.event = event;
      if (e?.ip) sources.sourceIPAddress = e.ip;
      return { ...d, sources };
    }),
  };
}

const yesNo = (b: boolean | undefined, unjudged: string) => (b === undefined ? unjudged : b ? 'yes' : 'no');

/** population.csv: every change of the period, judged against the authorised principals. */
function populationCsv(p: Population): string {
  return csv(
    ['id', 'captureTime', 'accountId', 'region', 'resourceType', 'resourceId', 'changeType', 'eventId', 'eventName', 'origin', 'authorized', 'waived'],
    p.rows.map(({ change: c, authorised, waived }) => [
      c.id, c.captureTime, c.accountId, c.region, c.resourceType, c.resourceId, c.changeType,
      c.attribution.eventId ?? '', c.attribution.eventName ?? '', c.actor?.origin ?? '', yesNo(authorised, 'not judged'), waived ? 'yes' : 'no',
    ]),
  );
}

/** sample.csv: the drawn changes in draw order, with their keys and the files they were read from. */
function sampleCsv(s: SampleDraw): string {
  const cite = (c: FileCite | undefined) => (c ? [c.path, c.index, c.sha256 ?? 'not recorded'] : ['not recorded', '', '']);
  return csv(
    ['rank', 'key', 'changeId', 'captureTime', 'authorized', 'eventId', 'itemFile', 'itemRecord', 'itemFileSha256', 'eventFile', 'eventRecord', 'eventFileSha256'],
    s.drawn.map((d) => {
      const eventId = d.row.change.attribution.eventId;
      // A change with no causing call has no event file to cite.
      return [d.rank, d.key, d.row.change.id, d.row.change.captureTime, yesNo(d.row.authorised, 'not judged'), eventId ?? '', ...cite(d.sources?.item), ...(eventId ? cite(d.sources?.event) : ['', '', ''])];
    }),
  );
}

/** A zip whose entries carry a fixed time, so it changes only when its contents do. */
function writeZip(path: string, files: string[], mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new (yazl().ZipFile)();
    for (const f of files) zip.addBuffer(readFileSync(f), basename(f), { mtime, mode: 0o100644, compress: true });
    zip.end();
    const file = new FreshFile(path);
    const out = createWriteStream(path, { fd: file.fd, autoClose: false });
    zip.outputStream
      .pipe(out)
      .on('finish', () => {
        try {
          file.commit();
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      })
      .on('error', (err) => {
        file.abandon();
        reject(err);
      });
  });
}
