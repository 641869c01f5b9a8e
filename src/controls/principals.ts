import { existsSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { readDataFile } from './datafile.js';

/**
 * `--authorized-principals`: each value is a principal (role or user ARN, SSO user name, web-identity
 * subject, service; a trailing `*` matches a prefix) or a file with one per line (`#` comments).
 */
export function loadAuthorizedPrincipals(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (existsSync(v)) {
      readDataFile(v, 'authorized principals file').split(/\r?\n/).forEach((line, i) => {
        const p = line.replace(/#.*$/, '').trim();
        if (!p) return;
        if (/\s/.test(p)) throw new UsageError(`${v}:${i + 1}: one principal per line, got "${p}"`);
        out.push(p);
      });
    } else {
      out.push(v.trim());
    }
  }
  return [...new Set(out.filter(Boolean))].sort();
}
