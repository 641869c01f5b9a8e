import type { Report } from '../model/types.js';
import { printable } from '../util/printable.js';

/** The CLI's closing summary: counts that reconcile, then every rejected and skipped input. */
export function formatSummary(report: Report, files: string[]): string {
  const c = report.counts;
  const attributed = report.changes.filter((ch) => ch.attribution.method !== 'none').length;
  const p = report.period;
  // A quarter's label names it; a --from/--to period's label is already its range.
  const range = `${p.from} to ${p.to}`;
  const lines = [
    `configtrail ${report.generator.version} — ${p.label.startsWith(p.from) ? range : `${p.label} (${range})`}`,
    `files:   ${c.files.read} read = ${c.files.used} used + ${c.files.rejected} rejected + ${c.files.skipped} skipped`,
    `records: ${c.records.read} read = ${c.records.used} used + ${c.records.rejected} rejected`,
    `events:  ${c.events.read} CloudTrail events (${c.events.kept} kept as evidence, ${c.events.failed} with an error code)`,
    `config:  ${c.configurationItems.read} configuration items (${c.configurationItems.kept} bear on the period)`,
    `changes: ${report.changes.length} in the period, ${attributed} attributed to an API call`,
  ];
  for (const [fw, counts] of Object.entries(controlCounts(report))) {
    lines.push(`controls: ${fw}: ${Object.entries(counts).map(([status, n]) => `${n} ${status}`).join(', ')}`);
  }
  const cov = report.coverage;
  const scope = cov.declared.accounts || cov.declared.regions ? 'the declared scope' : 'the scope the data shows (no --accounts/--regions)';
  lines.push(`coverage: ${cov.expected.accounts.length} account(s) × ${cov.expected.regions.length} region(s), ${scope}; ${cov.gaps.length === 0 ? 'no gap' : `${cov.gaps.length} gap(s) (report.json coverage.gaps)`}`);
  const deviations = report.controls.reduce((n, c) => n + (c.deviations?.length ?? 0), 0);
  if (deviations > 0) lines.push(`deviations: ${deviations} failing fact(s) opened and closed during the period (deviations.csv)`);
  const i = report.integrity;
  const problems = [
    i.mismatchedTotal > 0 ? `${i.mismatchedTotal} log file(s) do NOT match their digest` : '',
    i.missing > 0 ? `${i.missing} listed in a digest but not in the input` : '',
    i.uncovered > 0 ? `${i.uncovered} listed in no digest` : '',
    i.digests.signatureInvalidTotal > 0 ? `${i.digests.signatureInvalidTotal} digest(s) INVALID` : '',
    i.chainBreaksTotal > 0 ? `${i.chainBreaksTotal} break(s) in digest chains` : '',
  ].filter(Boolean);
  if (i.digests.read > 0 || problems.length > 0) {
    lines.push(`integrity: ${i.level} verified${problems.length > 0 ? `; ${problems.join(', ')} (configtrail verify lists them)` : ''}`);
  }
  if (report.rejected.length > 0) {
    lines.push(`rejected (${report.rejected.length}):`);
    for (const r of report.rejected) lines.push(`  ${printable(r.path)}${r.record !== undefined ? ` #${r.record}` : ''}: ${printable(r.reason)}`);
  }
  if (report.skipped.length > 0) {
    lines.push(`skipped (${report.skipped.length}):`);
    for (const s of report.skipped) lines.push(`  ${printable(s.path)}: ${printable(s.reason)}`);
  }
  lines.push('wrote:');
  for (const f of files) lines.push(`  ${f}`);
  return `${lines.join('\n')}\n`;
}

/** `--json`: what a pipeline needs to act on the run, without parsing report.json. */
export function jsonSummary(report: Report, files: string[]) {
  return {
    period: report.period,
    counts: report.counts,
    changes: report.changes.length,
    attributed: report.changes.filter((ch) => ch.attribution.method !== 'none').length,
    failedCalls: report.failedCallsTotal,
    integrity: {
      level: report.integrity.level,
      verified: report.integrity.verified,
      mismatched: report.integrity.mismatchedTotal,
      uncovered: report.integrity.uncovered,
      missing: report.integrity.missing,
      digests: report.integrity.digests.read,
      digestsInvalid: report.integrity.digests.signatureInvalidTotal,
      signaturesUnchecked: report.integrity.digests.signatureUnchecked,
      chainBreaks: report.integrity.chainBreaksTotal,
    },
    controls: controlCounts(report),
    rejected: report.rejected,
    skipped: report.skipped,
    outputs: files,
  };
}

const STATUS_ORDER = ['FAIL', 'ERROR', 'INSUFFICIENT_DATA', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

/** Requirements per status, per framework, in the report's framework order. */
export function controlCounts(report: Report): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const fw of report.scope.frameworks) {
    const counts: Record<string, number> = {};
    for (const status of STATUS_ORDER) {
      const n = report.controls.filter((c) => c.framework === fw && c.status === status).length;
      if (n > 0) counts[status] = n;
    }
    out[fw] = counts;
  }
  return out;
}
