import { createHash } from 'node:crypto';
import { isAuthorised } from '../controls/checks/activity/_shared.js';
import type { Change, ControlResult, Report } from '../model/types.js';
import { cmp } from '../store/index.js';

/**
 * The population of a change-management control: every configuration change of the period, each
 * judged authorised or not by the rule the control's check applies (isAuthorised against the
 * criteria's authorised principals), and a reproducible sample of it for an auditor's tests of
 * detail. Pure: the pipeline adds where each sampled change was read (src/pipeline/evidence.ts).
 */

/** The check whose requirements are change-management ones (SOC 2 CC8.1, PCI DSS 6.5.1, NIST CM-3). */
export const CHANGE_MANAGEMENT_CHECK = 'change-management-authorized-principals';

/** Whether a requirement maps the change-management check, in any role (decides, indicates, supports). */
export function isChangeManagement(req: { checks: string[]; indicators?: string[]; supporting?: string[] }): boolean {
  return [...req.checks, ...(req.indicators ?? []), ...(req.supporting ?? [])].includes(CHANGE_MANAGEMENT_CHECK);
}

export interface PopulationRow {
  change: Change;
  /** By the check's rule; undefined when no authorised principals were given (nothing to judge against). */
  authorised: boolean | undefined;
  /** The change's failing finding carries a waiver that applies (in any of the selected controls). */
  waived: boolean;
}

/** How one selected control's own count of exceptions compares with the population's. */
export interface ControlAgreement {
  framework: string;
  id: string;
  /** The control's failing findings of the change-management check that cite a change. */
  failingChanges: number;
  /** Those are exactly the population's unauthorised changes. */
  agrees: boolean;
}

export interface Population {
  /** Changes in the period: report.changes, in the report's order. */
  total: number;
  /** Whether an authorised list was given: without one, no change is judged. */
  judged: boolean;
  unauthorised: number;
  /** Unauthorised changes whose finding a waiver covers. */
  waived: number;
  principals: string[];
  rows: PopulationRow[];
  controls: ControlAgreement[];
}

/** The population of the selected change-management controls, with each control's agreement. */
export function populationOf(report: Report, controls: ControlResult[]): Population {
  const principals = report.criteria.authorizedPrincipals.principals;
  const judged = principals.length > 0;
  const failing = (c: ControlResult) => c.findings.filter((f) => f.check === CHANGE_MANAGEMENT_CHECK && f.status === 'FAIL' && f.changeId !== undefined);
  const waivedIds = new Set(controls.flatMap((c) => failing(c).filter((f) => f.waiver && !f.waiver.expired).map((f) => f.changeId!)));
  const rows = report.changes.map((change) => ({
    change,
    authorised: judged ? isAuthorised(change.actor, principals) : undefined,
    waived: waivedIds.has(change.id),
  }));
  const bad = new Set(rows.filter((r) => r.authorised === false).map((r) => r.change.id));
  return {
    total: rows.length,
    judged,
    unauthorised: bad.size,
    waived: rows.filter((r) => r.authorised === false && r.waived).length,
    principals,
    rows,
    controls: controls.map((c) => {
      const ids = new Set(failing(c).map((f) => f.changeId!));
      return { framework: c.framework, id: c.id, failingChanges: ids.size, agrees: ids.size === bad.size && [...ids].every((id) => bad.has(id)) };
    }),
  };
}

/** The population as a sentence: what the pack holds, and nothing more. */
export function describePopulation(p: Population): string {
  const n = `the population of ${p.total.toLocaleString('en-US')} configuration change${p.total === 1 ? '' : 's'} recorded by AWS Config in the period`;
  if (!p.judged) return `${n}; none judged against an authorised list (no --authorized-principals given)`;
  const waived = p.waived > 0 ? ` (${p.waived.toLocaleString('en-US')} of them waived)` : '';
  return `${n}, ${p.unauthorised.toLocaleString('en-US')} by principals outside the authorised list${waived}`;
}

/** The method, as the manifest and the document state it: enough to draw the same sample by hand. */
export const SAMPLE_METHOD =
  'Each change of the population gets the key SHA-256 of the UTF-8 text "<seed>:<change id>", in lowercase hex; ' +
  'the changes are ordered by key (ascending; equal keys by change id) and the first N are drawn, every change when N is at least the population. ' +
  "To re-perform: for each id in population.csv, printf '%s' '<seed>:<id>' | sha256sum, then LC_ALL=C sort the keys and take the first N.";

/** A record in an input file: its display path (as report.json's inputs name it), index and SHA-256. */
export interface FileCite {
  path: string;
  /** 0-based index of the record in the file. */
  index: number;
  /** From report.inputs; undefined when the path is not among them. */
  sha256?: string;
}

/** Where a sampled change was read: its configuration item, the previous one, its causing event. */
export interface ChangeSources {
  item?: FileCite;
  previous?: FileCite;
  event?: FileCite;
  sourceIPAddress?: string;
}

export interface SampleDraw {
  seed: string;
  requested: number;
  /** In draw order: rank 1 has the lowest key. */
  drawn: { rank: number; key: string; row: PopulationRow; sources?: ChangeSources }[];
}

/** What an evidence pack adds to the document: the population, and the sample drawn from it. */
export interface PackContents {
  population: Population;
  sample?: SampleDraw;
}

/** The draw key of a change for a seed (see SAMPLE_METHOD). */
export function sampleKey(seed: string, changeId: string): string {
  return createHash('sha256').update(`${seed}:${changeId}`, 'utf8').digest('hex');
}

/** A reproducible sample of `size` changes: the same seed and population always draw the same ones. */
export function drawSample(p: Population, size: number, seed: string): SampleDraw {
  const keyed = p.rows.map((row) => ({ key: sampleKey(seed, row.change.id), row }));
  keyed.sort((a, b) => cmp(a.key, b.key) || cmp(a.row.change.id, b.row.change.id));
  return { seed, requested: size, drawn: keyed.slice(0, size).map((k, i) => ({ rank: i + 1, ...k })) };
}
