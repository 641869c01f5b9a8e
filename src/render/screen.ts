import type { Report } from '../model/types.js';
import { formatInstant } from '../util/period.js';
import { changeView, DEFAULT_MAX_CHANGES, DEFAULT_MAX_FINDINGS, findingAnchor, findingView, type RenderOptions } from './view.js';

/**
 * The rows the document leaves out (change log and failed calls beyond `maxChangesInDocument`,
 * findings beyond `maxFindingsPerControl` per requirement), for the screen's script to render on
 * demand: each once, already formatted as the templates would show it. Empty lists when nothing
 * was cut; `undefined` when there is nothing at all to embed.
 */
export function screenData(report: Report, opts: RenderOptions = {}) {
  const maxChanges = opts.maxChangesInDocument ?? DEFAULT_MAX_CHANGES;
  const maxFindings = opts.maxFindingsPerControl ?? DEFAULT_MAX_FINDINGS;
  const byId = new Map(report.changes.map((c) => [c.id, c]));
  const changes = report.changes.slice(maxChanges).map((c) => {
    const v = changeView(c);
    return { ...v, captureTime: formatInstant(v.captureTime), previousCaptureTime: v.previousCaptureTime ? formatInstant(v.previousCaptureTime) : '', eventTime: v.eventTime ? formatInstant(v.eventTime) : '' };
  });
  const failedCalls = report.failedCalls.slice(maxChanges).map((f) => ({
    eventId: f.eventId,
    eventTime: formatInstant(f.eventTime),
    eventName: f.eventName,
    eventSource: f.eventSource,
    errorCode: f.errorCode,
    errorMessage: f.errorMessage ?? '',
    origin: f.actor.origin,
    accountId: f.accountId,
    region: f.awsRegion,
  }));
  const frameworks = [...new Set(report.controls.map((c) => c.framework))];
  const findings = frameworks.flatMap((fw, fi) =>
    report.controls
      .filter((c) => c.framework === fw)
      .flatMap((r, ri) =>
        r.findings.slice(maxFindings).map((f, k) => {
          const v = findingView(f, new Set(), { anchor: findingAnchor(fi, ri, maxFindings + k), framework: fw, requirement: r.id, byId });
          const w = v.waiver;
          const waiver = w ? (w.expired ? `Waiver expired ${w.expires}: no longer applies. ${w.reason}` : `Waived${w.expires ? ` until ${w.expires}` : ''}: ${w.reason}`) : '';
          return { control: `ctl-${fi + 1}-${ri + 1}`, ...v, waiver };
        }),
      ),
  );
  if (changes.length + failedCalls.length + findings.length === 0) return undefined;
  return { changes, failedCalls, findings };
}

export type ScreenData = NonNullable<ReturnType<typeof screenData>>;

/**
 * JSON for a `<script type="application/json">` element: nothing in the data can end the element
 * or open a comment (`<` is written \u003c), and the line separators some parsers reject are escaped.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
