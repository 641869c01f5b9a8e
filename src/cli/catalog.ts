import { ALL_CHECKS, builtinFrameworkIds, loadBuiltinFramework } from '../controls/index.js';
import { cmp } from '../store/index.js';

/**
 * `configtrail frameworks`: id, title, version, and how many requirements checks decide, how many
 * they can only find exceptions to, and how many need a person (with or without supporting evidence).
 */
export function listFrameworks(json: boolean): string {
  const rows = builtinFrameworkIds().map((id) => {
    const fw = loadBuiltinFramework(id);
    const decided = fw.requirements.filter((r) => r.checks.length > 0).length;
    const exceptions = fw.requirements.filter((r) => r.checks.length === 0 && (r.indicators?.length ?? 0) > 0).length;
    return { id, title: fw.title, version: fw.version ?? '', requirements: fw.requirements.length, decided, exceptions, manual: fw.requirements.length - decided - exceptions };
  });
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  return table(
    ['ID', 'FRAMEWORK', 'VERSION', 'REQUIREMENTS', 'DECIDED', 'EXCEPTIONS ONLY', 'MANUAL'],
    rows.map((r) => [r.id, r.title, r.version, String(r.requirements), String(r.decided), String(r.exceptions), String(r.manual)]),
  );
}

/** `configtrail checks`: every check with the requirements (framework:id) it serves. */
export function listChecks(frameworkIds: string[], json: boolean): string {
  const ids = frameworkIds.length > 0 ? frameworkIds : builtinFrameworkIds();
  const serves = new Map<string, string[]>();
  for (const id of ids) {
    for (const r of loadBuiltinFramework(id).requirements) {
      for (const c of [...r.checks, ...(r.indicators ?? []), ...(r.supporting ?? [])]) serves.set(c, [...(serves.get(c) ?? []), `${id}:${r.id}`]);
    }
  }
  const rows = [...ALL_CHECKS]
    .sort((a, b) => cmp(a.meta.id, b.meta.id))
    .map((c) => ({ id: c.meta.id, title: c.meta.title, severity: c.meta.severity, needs: c.meta.needs, requirements: serves.get(c.meta.id) ?? [] }));
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  return table(
    ['CHECK', 'SEVERITY', 'EVIDENCE', 'REQUIREMENTS'],
    rows.map((r) => [r.id, r.severity, r.needs.join('+'), abbreviate(r.requirements)]),
  );
}

function abbreviate(reqs: string[]): string {
  return reqs.length <= 6 ? reqs.join(' ') : `${reqs.slice(0, 6).join(' ')} … (+${reqs.length - 6})`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
