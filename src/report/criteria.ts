import { createHash } from 'node:crypto';
import type { Framework } from '../controls/frameworks.js';
import type { Waiver } from '../controls/waivers.js';
import type { Criteria, FileRef, Period } from '../model/types.js';
import { readDataFile } from '../controls/datafile.js';

/**
 * The criteria a run judged by, as report.json and the document record them: what a reviewer needs
 * to re-perform the evaluation (the period and window, the expected scope, the authorised principals,
 * the waivers, the frameworks and key files, each file with its SHA-256 as read).
 */
export interface CriteriaInput {
  period: Period;
  windowMs: number;
  expected: { accounts?: string[]; regions?: string[] };
  frameworks: Framework[];
  authorizedPrincipals: string[];
  /** The --authorized-principals values that named files. */
  principalFiles: string[];
  waiversFile?: string;
  waivers: Waiver[];
  publicKeyFiles: string[];
}

/** A file as given on the command line, with the SHA-256 of its bytes. */
export function fileRef(path: string, what: string): FileRef {
  return { path, sha256: createHash('sha256').update(readDataFile(path, what)).digest('hex') };
}

export function describeCriteria(c: CriteriaInput): Criteria {
  return {
    period: { from: c.period.from, to: c.period.to, label: c.period.label },
    attributionWindowMinutes: c.windowMs / 60_000,
    expectedScope: { accounts: c.expected.accounts ?? null, regions: c.expected.regions ?? null },
    authorizedPrincipals: { principals: c.authorizedPrincipals, files: c.principalFiles.map((f) => fileRef(f, 'authorized principals file')) },
    waivers: {
      file: c.waiversFile ? fileRef(c.waiversFile, 'waivers file') : null,
      entries: c.waivers.map(({ line: _line, ...w }) => w),
    },
    frameworks: c.frameworks.map((f) => ({ id: f.id, title: f.title, version: f.version ?? '', sha256: f.sha256 ?? '', ...(f.file ? { file: f.file } : {}), ...(f.source ? { source: f.source } : {}) })),
    publicKeys: c.publicKeyFiles.map((f) => fileRef(f, 'public keys file')),
  };
}
