import type { Report } from '../model/types.js';

/** report.json: the Report as built (already in a stable order, nothing time-dependent added). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
