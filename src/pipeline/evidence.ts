import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { openFresh, writeFresh } from '../util/fresh-file.js';
import { basename, join } from 'node:path';
import { writeManifest, type Manifest } from './manifest.js';
import { csvStringify, lazy } from '../util/lazy.js';
import type { Change, ControlResult, EventRef, Report } from '../model/types.js';
import { summarise } from '../report/build.js';
import { changesCsv, findingsCsv, neutraliseCell } from '../render/csv.js';
import { renderHtml } from '../render/html.js';
import { reportJson } from '../render/json.js';
import { renderPdf } from '../render/pdf.js';
import { cmp } from '../store/index.js';
import { UsageError } from '../util/errors.js';
import { analyse, type ReportRunOptions } from './report.js';

/** The zip writer, loaded when a pack is zipped (--zip), not at every start. */
const yazl = lazy<typeof import('yazl')>('yazl');

export interface EvidenceRunOptions extends Omit<ReportRunOptions, 'formats'> {
  /** `framework:requirement`, e.g. `cis-aws-v6.0:6.3`. */
  controls: string[];
  zip: boolean;
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
export function evidenceSubset(report: Report, selected: ControlResult[], period: ReportRunOptions['period']): Report {
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
  const changes: Change[] = report.changes.filter((ch) => changeIds.has(ch.id) || resources.has(`${ch.resourceType}|${ch.resourceId}`));
  const failedCalls: EventRef[] = report.failedCalls.filter((e) => eventIds.has(e.eventId));
  return {
    ...report,
    scope: { ...report.scope, frameworks: [...new Set(selected.map((c) => c.framework))] },
    changes,
    failedCalls,
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
    return { framework: r.framework, id: req.id };
  });
  const report = await analyse(opts);
  const selected = refs.map((r) => report.controls.find((c) => c.framework === r.framework && c.id === r.id)!);
  const sub = evidenceSubset(report, selected, opts.period);
  const title = `Evidence: ${selected.map((c) => `${c.framework} ${c.id}`).join(', ')}`;

  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, body: string | Buffer) => {
    const p = join(opts.outDir, name);
    writeFresh(p, body);
    files.push(p);
  };
  write('control.html', renderHtml(sub, { title }));
  const pdf = join(opts.outDir, 'control.pdf');
  await renderPdf(sub, pdf, { title, executablePath: opts.chromiumPath });
  files.push(pdf);
  write('control.json', reportJson(sub));
  write('findings.csv', findingsCsv(sub));
  write('changes.csv', changesCsv(sub));
  const events = eventRows(sub);
  write('events.csv', csvStringify().stringify([Object.keys(events[0] ?? { eventId: '' }), ...events.map((e) => Object.values(e).map(neutraliseCell))], { record_delimiter: '\n' }));
  write('events.json', `${JSON.stringify(events, null, 2)}\n`);

  const controls = selected.map((c) => ({ framework: c.framework, id: c.id, title: c.title, status: c.status }));
  const { manifest, files: written } = writeManifest(opts.outDir, sub, files, { signKey: opts.signKey, controls });
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

/** A zip whose entries carry a fixed time, so it changes only when its contents do. */
function writeZip(path: string, files: string[], mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new (yazl().ZipFile)();
    for (const f of files) zip.addBuffer(readFileSync(f), basename(f), { mtime, mode: 0o100644, compress: true });
    zip.end();
    const out = createWriteStream(path, { fd: openFresh(path) });
    zip.outputStream.pipe(out).on('close', () => resolve()).on('error', reject);
  });
}
