import { ownFolder, writeFresh } from '../util/fresh-file.js';
import { join } from 'node:path';
import type { Actor, CloudTrailEvent, DataEventGroup, Report } from '../model/types.js';
import { dataEventRow } from '../store/data-events.js';
import { changesCsv, dataEventsCsv, deviationsCsv, findingsCsv, rejectedCsv, writeActivityCsv, writeInputsCsv } from './csv.js';
import { renderHtml } from './html.js';
import { writeReportJson } from './json.js';
import type { RenderOptions } from './view.js';

export type OutputFormat = 'html' | 'pdf' | 'json' | 'csv';

/**
 * Writes the requested outputs into `outDir` (created if needed) under fixed names; no path ever
 * comes from the data. Returns the files written, in a stable order. `dataEvents`: every group of the period's data events, for data-events.csv (report.json holds the
 * largest; without it the CSV lists those). `activity`: the period's kept events with their actors,
 * for activity.csv (the events report.json's activity findings group).
 */
export async function writeOutputs(
  report: Report,
  outDir: string,
  formats: Set<OutputFormat>,
  opts: RenderOptions & { executablePath?: string; dataEvents?: DataEventGroup[]; activity?: Iterable<{ event: CloudTrailEvent; actor: Actor }> } = {},
): Promise<string[]> {
  ownFolder(outDir);
  const files: string[] = [];
  const write = (name: string, body: string) => {
    const p = join(outDir, name);
    writeFresh(p, body);
    files.push(p);
  };
  if (formats.has('json')) {
    const p = join(outDir, 'report.json');
    writeReportJson(report, p);
    files.push(p);
  }
  if (formats.has('csv')) {
    write('changes.csv', changesCsv(report));
    write('findings.csv', findingsCsv(report));
    write('deviations.csv', deviationsCsv(report));
    write('data-events.csv', dataEventsCsv(opts.dataEvents ? opts.dataEvents.map(dataEventRow) : report.dataEvents.top));
    write('rejected.csv', rejectedCsv(report));
    const p = join(outDir, 'inputs.csv');
    writeInputsCsv(report, p);
    files.push(p);
    if (opts.activity) {
      const a = join(outDir, 'activity.csv');
      writeActivityCsv(opts.activity, a);
      files.push(a);
    }
  }
  if (formats.has('html')) write('report.html', renderHtml(report, opts));
  if (formats.has('pdf')) {
    const p = join(outDir, 'report.pdf');
    // Loaded on demand, with puppeteer behind it.
    const { renderPdf } = await import('./pdf.js');
    await renderPdf(report, p, opts);
    files.push(p);
  }
  return files;
}
