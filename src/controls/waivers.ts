import type { Finding, Period } from '../model/types.js';
import { parseDay } from '../util/period.js';
import { dataError, optString, readDataFile, readYamlRecords, reqString } from './datafile.js';

/**
 * An accepted exception: a failing finding of a control (optionally only for one resource) that the
 * organisation has accepted, with its justification, approver, ticket and expiry.
 */
export interface Waiver {
  /** `framework:requirement` (e.g. `cis-aws-v6.0:6.3`), a bare requirement id, or a check id. */
  control: string;
  resource?: string;
  reason: string;
  approver?: string;
  ticket?: string;
  expires?: string;
  line: number;
}

/** Reads `waivers.yaml`: a list under `waivers:` (or a top-level list). Errors name the line. */
export function loadWaivers(path: string): Waiver[] {
  const text = readDataFile(path, 'waivers file');
  const { records } = readYamlRecords(path, text.trimStart().startsWith('-') ? `waivers:\n${text.replace(/^/gm, '  ')}` : text, 'waivers');
  const offset = text.trimStart().startsWith('-') ? 1 : 0;
  return records.map((rec) => {
    const line = rec.line - offset;
    const fix = { ...rec, line };
    const w: Waiver = { control: reqString(path, fix, 'control'), reason: reqString(path, fix, 'reason'), line };
    const resource = optString(path, fix, 'resource');
    const approver = optString(path, fix, 'approver');
    const ticket = optString(path, fix, 'ticket');
    let expires = rec.fields.expires instanceof Date ? rec.fields.expires.toISOString().slice(0, 10) : optString(path, fix, 'expires');
    if (expires !== undefined) {
      try {
        parseDay(expires, 'expires');
      } catch {
        throw dataError(path, line, `"expires" must be a date YYYY-MM-DD, got "${expires}"`);
      }
      expires = expires.slice(0, 10);
    }
    if (resource) w.resource = resource;
    if (approver) w.approver = approver;
    if (ticket) w.ticket = ticket;
    if (expires) w.expires = expires;
    return w;
  });
}

/** Where a waiver is matched: the requirement, with the earlier ids it is also known by. */
export interface WaiverScope {
  framework: string;
  requirement: string;
  aliases?: string[];
}

function matchesControl(w: Waiver, where: WaiverScope, finding: Finding): boolean {
  for (const id of [where.requirement, ...(where.aliases ?? [])]) if (w.control === `${where.framework}:${id}` || w.control === id) return true;
  return !!finding.check && w.control === finding.check;
}

/**
 * Marks failing findings that a waiver covers. A waiver that expired before the end of the period
 * is attached as expired: it no longer applies, and the report says so.
 */
export function applyWaivers(findings: Finding[], waivers: Waiver[], where: WaiverScope, period: Period): Finding[] {
  if (waivers.length === 0) return findings;
  return findings.map((f) => {
    if (f.status !== 'FAIL') return f;
    const w = waivers.find((x) => matchesControl(x, where, f) && (!x.resource || x.resource === f.resourceId));
    if (!w) return f;
    const expired = w.expires !== undefined && parseDay(w.expires, 'expires') + 86_400_000 < period.endMs;
    const applied: NonNullable<Finding['waiver']> = { reason: w.reason, expired };
    if (w.approver) applied.approver = w.approver;
    if (w.ticket) applied.ticket = w.ticket;
    if (w.expires) applied.expires = w.expires;
    return Object.assign({}, f, { waiver: applied }); // not a spread: see runCheck
  });
}
