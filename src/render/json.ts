import { closeSync, openSync, writeSync } from 'node:fs';
import type { Report } from '../model/types.js';

/** report.json: the Report as built (already in a stable order, nothing time-dependent added). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes exactly the bytes of `reportJson`, one array element at a time: the inputs, changes and
 * findings of a large run can be hundreds of MB as one string, and they need not be.
 */
export function writeReportJson(report: Report, path: string): void {
  const fd = openSync(path, 'w');
  let buf = '';
  const out = (s: string) => {
    buf += s;
    if (buf.length >= 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  try {
    const entries = Object.entries(report).filter(([, v]) => v !== undefined);
    out('{\n');
    entries.forEach(([key, value], i) => {
      out(`  ${JSON.stringify(key)}: `);
      if (isList(value) && value.length > 0) {
        // Arrays, and the input list that may live on disk: one element at a time.
        out('[\n');
        let j = 0;
        for (const el of value as Iterable<unknown>) {
          out(`    ${JSON.stringify(el ?? null, null, 2).replace(/\n/g, '\n    ')}${j < value.length - 1 ? ',' : ''}\n`);
          j++;
        }
        out('  ]');
      } else {
        out(JSON.stringify(value, null, 2).replace(/\n/g, '\n  '));
      }
      out(i < entries.length - 1 ? ',\n' : '\n');
    });
    out('}\n');
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

function isList(v: unknown): v is { length: number } & Iterable<unknown> {
  return Array.isArray(v) || (typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number' && Symbol.iterator in v);
}
