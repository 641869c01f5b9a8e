import { integrityFailed, LIST_LIMIT } from '../store/integrity.js';
import type { Actor, Change, CheckOutcome, ControlResult, ControlStatus, CountRow, Deviation, IntegrityResult, Report } from '../model/types.js';
import { cellJson } from '../util/pretty-json.js';
import { describePopulation, SAMPLE_METHOD, type FileCite, type PackContents, type Population, type SampleDraw } from '../report/population.js';
import { capStrings } from './cap.js';
import { inputsCsvSha256 } from './csv.js';

/**
 * The view model: everything the templates show, already grouped, numbered, sorted, truncated and
 * measured (chart geometry). Templates only format what is here; no logic lives in them.
 */

export interface RenderOptions {
  /** Section anchor id → page number, for the table of contents (second PDF pass). */
  pageNumbers?: Map<string, number>;
  /**
   * Rows shown in the document's long tables (change log, failed calls, coverage gaps); the rest are
   * in the CSV files and report.json.
   */
  maxChangesInDocument?: number;
  /** Requirements with findings listed per framework before the document points to findings.csv. */
  maxFindingsPerControl?: number;
  title?: string;
  /**
   * An evidence pack's document: the population of a change-management control and the sample
   * drawn from it, or (for other controls) how many changes its findings cite. The cover then says
   * what the pack holds, not what a report holds.
   */
  pack?: PackContents | { cited: number };
}

export const DEFAULT_MAX_CHANGES = 2000;
export const DEFAULT_MAX_FINDINGS = 50;
const VALUE_CHARS = 240;
/** The failed calls the document shows of all of them (report.json lists the first FAILED_CALLS_LISTED). */
function failedCut(report: Report, maxChanges: number): { shown: number; total: number } | undefined {
  const shown = Math.min(maxChanges, report.failedCalls.length);
  return report.failedCallsTotal > shown ? { shown, total: report.failedCallsTotal } : undefined;
}

/** Groups of data events the document shows (report.json holds 1,000, data-events.csv all). */
const DATA_GROUPS_IN_DOCUMENT = 25;

export interface TocEntry {
  id: string;
  number: string;
  title: string;
  level: number;
  page: string;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  labelX: number;
  count: number;
  countY: number;
}

export interface Chart {
  width: number;
  height: number;
  baseline: number;
  bars: Bar[];
  max: number;
  gridLines: { y: number; label: number }[];
}

const STATUS_CLASS: Record<ControlStatus, string> = {
  PASS: 'pass',
  FAIL: 'fail',
  MANUAL: 'manual',
  NOT_APPLICABLE: 'na',
  INSUFFICIENT_DATA: 'nodata',
  ERROR: 'error',
};
const ROLE_LABEL: Record<CheckOutcome['role'], string> = { decides: 'decides', indicates: 'exceptions only', supports: 'supporting' };
const STATUS_ORDER: ControlStatus[] = ['FAIL', 'ERROR', 'INSUFFICIENT_DATA', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

/** Compact JSON for a diff value, cut to a readable length (full values are in report.json). */
export function compactValue(v: unknown): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : cellJson(v);
  return s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS - 1)}…` : s;
}

export function actorChain(actor: Actor | null | undefined): { type: string; name: string; via?: string }[] {
  if (!actor) return [];
  return actor.chain.map((s) => ({ type: s.type, name: s.name, ...(s.accountId && !s.name.includes(s.accountId) ? { accountId: s.accountId } : {}), ...(s.via ? { via: s.via } : {}) }));
}

function pct(n: number, total: number): string {
  return total === 0 ? '0%' : `${Math.round((n / total) * 1000) / 10}%`;
}

function rows(list: CountRow[], total: number, limit = Infinity) {
  const shown = list.slice(0, limit).map((r) => ({ key: r.key, count: r.count, pct: pct(r.count, total) }));
  const rest = list.slice(limit).reduce((s, r) => s + r.count, 0);
  if (rest > 0) shown.push({ key: `${list.length - limit} others`, count: rest, pct: pct(rest, total) });
  return shown;
}

/** Bar chart geometry (SVG user units) for changes per ISO week. */
export function weeklyChart(byWeek: CountRow[]): Chart {
  const width = 640;
  const height = 200;
  const left = 36;
  const bottom = 28;
  const top = 14;
  const max = Math.max(1, ...byWeek.map((w) => w.count));
  const step = Math.max(1, Math.ceil(max / 4));
  const niceMax = step * 4;
  const plotH = height - bottom - top;
  const slot = (width - left - 8) / Math.max(1, byWeek.length);
  const bw = Math.max(4, Math.min(36, slot * 0.7));
  const bars = byWeek.map((w, i) => {
    const h = Math.round((w.count / niceMax) * plotH * 10) / 10;
    const x = Math.round((left + i * slot + (slot - bw) / 2) * 10) / 10;
    return {
      x,
      y: Math.round((height - bottom - h) * 10) / 10,
      width: Math.round(bw * 10) / 10,
      height: h,
      label: w.key.slice(5),
      labelX: Math.round((x + bw / 2) * 10) / 10,
      count: w.count,
      countY: Math.round((height - bottom - h - 3) * 10) / 10,
    };
  });
  const gridLines = [0, 1, 2, 3, 4].map((k) => ({ y: Math.round((height - bottom - (k * step * plotH) / niceMax) * 10) / 10, label: k * step }));
  return { width, height, baseline: height - bottom, bars, max: niceMax, gridLines };
}

function deviationView(d: Deviation, anchored: Set<string>) {
  const hours = d.durationMs / 3_600_000;
  return {
    ...d,
    severity: d.severity ?? '',
    openedActor: d.openedActor ?? '',
    closedActor: d.closedActor ?? '',
    openedChangeListed: d.openedChangeId !== undefined && anchored.has(d.openedChangeId),
    closedChangeListed: d.closedChangeId !== undefined && anchored.has(d.closedChangeId),
    duration: hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} days`,
  };
}

export function changeView(c: Change) {
  return {
    id: c.id,
    captureTime: c.captureTime,
    previousCaptureTime: c.previousCaptureTime ?? '',
    changeType: c.changeType,
    summary: c.summary.join('; '),
    resource: c.resourceName && c.resourceName !== c.resourceId ? `${c.resourceName} (${c.resourceId})` : c.resourceId,
    resourceId: c.resourceId,
    resourceType: c.resourceType,
    accountId: c.accountId,
    region: c.region,
    method: c.attribution.method,
    confidence: c.attribution.confidence,
    eventName: c.attribution.eventName ?? '',
    eventSource: c.attribution.eventSource ?? '',
    eventTime: c.attribution.eventTime ?? '',
    eventId: c.attribution.eventId ?? '',
    reason: c.attribution.reason,
    origin: c.actor?.origin ?? 'not attributed',
    originType: c.actor?.originType ?? '',
    resolved: c.actor ? c.actor.resolved : true,
    sourceIdentity: c.actor?.sourceIdentity ?? '',
    mfa: c.actor?.mfa === undefined ? '' : c.actor.mfa ? 'MFA used' : 'no MFA',
    chain: actorChain(c.actor),
    diff: c.diff.map((d) => ({ path: d.path, op: d.op, before: compactValue(d.before), after: compactValue(d.after) })),
  };
}

export type ChangeView = ReturnType<typeof changeView>;

/** Where a finding's resource lives: its change's account and region, else its ARN's, else unknown (''). */
function findingPlace(f: ControlResult['findings'][number], byId: Map<string, Change>): { accountId: string; region: string } {
  const c = f.changeId === undefined ? undefined : byId.get(f.changeId);
  if (c) return { accountId: c.accountId, region: c.region };
  const arn = /^arn:[^:]+:[^:]*:([^:]*):([0-9]{12})?:/.exec(f.resourceId);
  return { accountId: arn?.[2] ?? '', region: arn?.[1] ?? '' };
}

/** What the screen's filters need of a finding: its anchor, framework and requirement, and where it lives. */
export interface FindingContext {
  anchor: string;
  framework: string;
  requirement: string;
  byId: Map<string, Change>;
}

export function findingView(f: ControlResult['findings'][number], anchored: Set<string>, ctx: FindingContext) {
  return {
    anchor: ctx.anchor,
    framework: ctx.framework,
    requirement: ctx.requirement,
    ...findingPlace(f, ctx.byId),
    status: f.status,
    statusClass: STATUS_CLASS[f.status],
    severity: f.severity ?? '',
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    detail: f.detail,
    time: f.time ?? '',
    sinceBeforePeriod: f.sinceBeforePeriod === true,
    changeId: f.changeId ?? '',
    /** Whether the change is listed in this document (the change log may be cut), so a link would land. */
    changeListed: f.changeId !== undefined && anchored.has(f.changeId),
    eventId: f.eventId ?? '',
    origin: f.actor?.origin ?? '',
    waiver: f.waiver
      ? { reason: f.waiver.reason, approver: f.waiver.approver ?? '', ticket: f.waiver.ticket ?? '', expires: f.waiver.expires ?? '', expired: f.waiver.expired }
      : undefined,
  };
}

/** A finding's stable anchor: framework, requirement and finding, numbered from 1 in document order. */
export function findingAnchor(framework: number, requirement: number, finding: number): string {
  return `finding-${framework + 1}-${requirement + 1}-${finding + 1}`;
}

export function buildView(report: Report, opts: RenderOptions = {}) {
  return capStrings(viewOf(report, opts));
}

function viewOf(report: Report, opts: RenderOptions) {
  const maxChanges = opts.maxChangesInDocument ?? DEFAULT_MAX_CHANGES;
  const maxFindings = opts.maxFindingsPerControl ?? DEFAULT_MAX_FINDINGS;
  /** What a long table of `total` rows says it left out of the document, if anything. */
  const cut = (total: number) => (total > maxChanges ? { shown: maxChanges, total } : undefined);
  const page = (id: string) => String(opts.pageNumbers?.get(id) ?? '');
  const toc: TocEntry[] = [];
  const section = (id: string, number: string, title: string, level = 1) => {
    toc.push({ id, number, title, level, page: page(id) });
    return { id, number, title, heading: number ? `${number} ${title}` : title };
  };

  const changes = report.changes;
  // The change log lists the first `maxChanges` changes; only those carry an anchor to link to.
  const anchored = new Set(changes.slice(0, maxChanges).map((c) => c.id));
  const byId = new Map(changes.map((c) => [c.id, c]));
  const attributed = changes.filter((c) => c.attribution.method !== 'none').length;
  const resolved = changes.filter((c) => c.actor?.resolved).length;

  let n = 0;
  const summarySection = section('summary', `${++n}.`, 'Executive summary');
  const methodSection = section('method', `${++n}.`, 'Scope, criteria and method');

  // Governance controls: a compliance summary per framework, then one section per requirement in
  // framework order; MANUAL and NOT_APPLICABLE ones are short (status and why), the rest in full.
  const frameworks = [...new Set(report.controls.map((c) => c.framework))];
  const controlsNumber = frameworks.length > 0 ? `${++n}.` : '';
  const controlsSection = frameworks.length > 0 ? section('controls', controlsNumber, 'Governance controls') : undefined;
  const frameworkViews = frameworks.map((fw, fi) => {
    const results = report.controls.filter((c) => c.framework === fw);
    const counts = STATUS_ORDER.map((s) => ({ status: s, statusClass: STATUS_CLASS[s], count: results.filter((r) => r.status === s).length })).filter((c) => c.count > 0);
    const total = results.length;
    let x = 0;
    const segments = counts.map((c) => {
      const w = Math.round((c.count / Math.max(1, total)) * 600 * 10) / 10;
      const seg = { x, width: w, statusClass: c.statusClass };
      x += w;
      return seg;
    });
    const sec = section(`fw-${fi + 1}`, `${controlsNumber}${fi + 1}`, fw, 2);
    return {
      ...sec,
      framework: fw,
      total,
      counts,
      segments,
      controls: results.map((r, ri) => ({
        id: `ctl-${fi + 1}-${ri + 1}`,
        brief: (r.status === 'MANUAL' || r.status === 'NOT_APPLICABLE') && r.findings.length === 0 && (r.deviations ?? []).length === 0 && (r.supportingFindings ?? []).length === 0 && !(r.checks ?? []).some((c) => c.role !== 'supports'),
        requirement: r.id,
        title: r.title,
        section: r.section ?? '',
        status: r.status,
        statusClass: STATUS_CLASS[r.status],
        reason: r.reason ?? '',
        note: r.note ?? '',
        waived: r.waived ?? 0,
        rationale: r.rationale ?? '',
        checks: (r.checks ?? []).map((c) => ({ check: c.check, status: c.status, statusClass: STATUS_CLASS[c.status], reason: c.reason, role: ROLE_LABEL[c.role] })),
        supporting: (r.supportingFindings ?? []).slice(0, maxFindings).map((f, k) => findingView(f, anchored, { anchor: `support-${fi + 1}-${ri + 1}-${k + 1}`, framework: fw, requirement: r.id, byId })),
        moreSupporting: Math.max(0, (r.supportingFindings ?? []).length - maxFindings),
        findings: r.findings.slice(0, maxFindings).map((f, k) => findingView(f, anchored, { anchor: findingAnchor(fi, ri, k), framework: fw, requirement: r.id, byId })),
        moreFindings: Math.max(0, r.findings.length - maxFindings),
        deviations: (r.deviations ?? []).slice(0, maxFindings).map((d) => deviationView(d, anchored)),
        moreDeviations: Math.max(0, (r.deviations ?? []).length - maxFindings),
        deviationHeading: `${(r.deviations ?? []).length.toLocaleString('en-US')} closed deviation${(r.deviations ?? []).length === 1 ? '' : 's'} during the period`,
      })),
    };
  });

  // An evidence pack of a change-management control: its population, then the sample, a page each.
  const pack = opts.pack && 'population' in opts.pack ? opts.pack : undefined;
  const populationSection = pack ? section('population', `${++n}.`, 'Population of changes') : undefined;
  const population = pack ? populationView(pack.population, maxChanges) : undefined;
  const sampleNumber = pack?.sample ? `${++n}.` : '';
  const sampleSection = pack?.sample ? section('sample', sampleNumber, 'Sample of changes') : undefined;
  const sample = pack?.sample ? sampleView(pack.sample, (rank, id) => section(`sample-${rank}`, `${sampleNumber}${rank}`, `Sampled change ${id}`, 2)) : undefined;

  // Until controls are selected, the evidence is grouped by resource type.
  const byTypeNumber = frameworks.length === 0 ? `${++n}.` : '';
  const typeGroups = frameworks.length === 0 ? [...new Set(changes.map((c) => c.resourceType))].sort() : [];
  const byTypeSection = frameworks.length === 0 ? section('by-type', byTypeNumber, 'Changes by resource type') : undefined;
  const typeSections = typeGroups.map((t, i) => ({ ...section(`type-${i + 1}`, `${byTypeNumber}${i + 1}`, t, 2), changes: changes.filter((c) => c.resourceType === t).slice(0, maxChanges).map(changeView) }));

  // Change log per resource: type, account, region, id.
  const logNumber = `${++n}.`;
  const logSection = section('change-log', logNumber, 'Change log by resource');
  const shown = [...changes].slice(0, maxChanges);
  const byResource = new Map<string, Change[]>();
  for (const c of [...shown].sort((a, b) => (a.resourceType + a.accountId + a.region + a.resourceId < b.resourceType + b.accountId + b.region + b.resourceId ? -1 : 1))) {
    const k = `${c.resourceType}|${c.accountId}|${c.region}|${c.resourceId}`;
    byResource.set(k, [...(byResource.get(k) ?? []), c]);
  }
  const resources = [...byResource.values()].map((list, i) => {
    const first = list[0]!;
    return {
      anchor: `res-${i + 1}`,
      number: `${logNumber}${i + 1}`,
      resourceType: first.resourceType,
      resource: first.resourceName && first.resourceName !== first.resourceId ? `${first.resourceName} (${first.resourceId})` : first.resourceId,
      accountId: first.accountId,
      region: first.region,
      arn: first.arn ?? '',
      changes: list.map(changeView),
    };
  });

  const failedSection = section('failed-calls', `${++n}.`, 'Failed and denied calls');
  const rulesSection = section('config-rules', `${++n}.`, 'AWS Config rule results');
  const appendixA = section('appendix-a', '', 'Appendix A — Rejected and skipped inputs');
  const appendixB = section('appendix-b', '', 'Appendix B — The input list and its SHA-256');
  const signoffSection = section('signoff', '', 'Provenance and sign-off');
  const counts = report.counts;

  return {
    title: opts.title ?? 'AWS configuration change audit',
    coverNote: coverNote(opts.pack, populationSection?.number, sampleSection?.number, pack?.sample),
    populationSection,
    population,
    sampleSection,
    sample,
    generator: report.generator,
    period: report.period,
    scope: {
      accounts: report.scope.accounts,
      regions: report.scope.regions,
      frameworks: report.scope.frameworks.length > 0 ? report.scope.frameworks.join(', ') : 'none selected',
    },
    inputs: { files: counts.files.read, records: counts.records.read, rejected: report.rejected.length, skipped: report.skipped.length },
    toc,
    summarySection,
    keyFigures: [
      { label: 'Configuration changes', value: String(changes.length) },
      { label: 'Attributed to an API call', value: `${attributed} (${pct(attributed, changes.length)})` },
      { label: 'Actor resolved to its origin', value: `${resolved} (${pct(resolved, changes.length)})` },
      { label: 'Not attributed', value: String(changes.length - attributed) },
      { label: 'Failed or denied calls', value: String(report.failedCallsTotal) },
      ...(report.dataEvents.events > 0 ? [{ label: 'Data events (counted by group)', value: `${report.dataEvents.events.toLocaleString('en-US')} in ${report.dataEvents.groups.toLocaleString('en-US')} groups` }] : []),
      { label: 'Rejected inputs (files and records)', value: String(report.rejected.length) },
    ],
    byChangeType: rows(report.summary.byChangeType, changes.length),
    byActor: rows(report.summary.byActor, changes.length, 15),
    byResourceType: rows(report.summary.byResourceType, changes.length),
    chart: weeklyChart(report.summary.byWeek),
    integrity: report.integrity,
    integrityView: integrityView(report.integrity),
    integrityOk: report.integrity.mismatchedTotal === 0,
    controlsSection,
    frameworks: frameworkViews,
    byTypeSection,
    typeSections,
    logSection,
    resources,
    truncated: cut(changes.length),
    failedSection,
    failedCalls: report.failedCalls.slice(0, maxChanges).map((f) => ({ ...f, origin: f.actor.origin, chain: actorChain(f.actor) })),
    failedTruncated: failedCut(report, maxChanges),
    dataEvents: { ...report.dataEvents, rows: report.dataEvents.top.slice(0, DATA_GROUPS_IN_DOCUMENT).map((g) => ({ ...g, samples: g.sampleEventIds[0] ?? '' })) },
    rulesSection,
    configRules: report.configRuleResults,
    appendixA,
    rejected: report.rejected.map((r) => ({ path: r.path, record: r.record === undefined ? '' : String(r.record), reason: r.reason })),
    skipped: report.skipped,
    reconciliation: {
      files: `${counts.files.read} files read = ${counts.files.used} used + ${counts.files.rejected} rejected + ${counts.files.skipped} skipped`,
      records: `${counts.records.read} records read = ${counts.records.used} used + ${counts.records.rejected} rejected`,
      events: `${counts.events.read} CloudTrail events (${counts.events.readOnly} read-only, ${counts.events.failed} with an error code, ${counts.events.data} data events counted by group); ${counts.events.kept} kept as evidence`,
      items: `${counts.configurationItems.read} configuration items; ${counts.configurationItems.kept} bear on the period`,
    },
    appendixB,
    inputList: inputList(report),
    audit: auditSummary(report),
    signoffSection,
    provenance: provenanceView(report),
    methodSection,
    criteria: criteriaView(report),
    coverage: coverageView(report, maxChanges),
  };
}

/** What the cover claims: everything a report holds, or exactly what an evidence pack holds. */
function coverNote(pack: RenderOptions['pack'], populationNumber?: string, sampleNumber?: string, sample?: SampleDraw): string {
  const from = 'from the exported AWS Config and CloudTrail data named in Appendix B';
  if (!pack) return `Every configuration change recorded by AWS Config in the period is listed with the API call that caused it and the identity behind that call, ${from}.`;
  if (!('population' in pack)) {
    return `This pack holds the findings of the selected controls and the ${pack.cited.toLocaleString('en-US')} configuration change${pack.cited === 1 ? '' : 's'} they cite, ${from}; it does not list every change of the period.`;
  }
  // "section 4", not "section 4.": the number as it ends a heading's label.
  const sec = (x?: string) => (x ?? '').replace(/\.$/, '');
  const drawn = sample
    ? ` A sample of ${sample.drawn.length.toLocaleString('en-US')} of them, drawn with seed ${sample.seed}, is shown one change per page (section ${sec(sampleNumber)}).`
    : '';
  return `This pack holds ${describePopulation(pack.population)}: each with the API call that caused it and the identity behind that call (section ${sec(populationNumber)} and population.csv), ${from}.${drawn}`;
}

const judgement = (a: boolean | undefined) => (a === undefined ? 'not judged' : a ? 'yes' : 'no');

function populationView(p: Population, maxRows: number) {
  return {
    statement: describePopulation(p),
    total: p.total,
    judged: p.judged,
    unauthorised: p.unauthorised,
    authorised: p.total - p.unauthorised,
    waived: p.waived,
    principals: p.principals,
    controls: p.controls.map((c) => ({
      ...c,
      text: c.agrees
        ? `${c.framework} ${c.id}: its ${c.failingChanges.toLocaleString('en-US')} failing finding(s) on changes are exactly the changes marked "no" here`
        : `${c.framework} ${c.id}: its ${c.failingChanges.toLocaleString('en-US')} failing finding(s) on changes differ from the ${p.unauthorised.toLocaleString('en-US')} changes marked "no" here`,
    })),
    rows: p.rows.slice(0, maxRows).map(({ change: c, authorised, waived }) => ({
      id: c.id,
      captureTime: c.captureTime,
      accountId: c.accountId,
      region: c.region,
      resourceType: c.resourceType,
      resourceId: c.resourceId,
      changeType: c.changeType,
      eventId: c.attribution.eventId ?? '',
      eventName: c.attribution.eventName ?? '',
      origin: c.actor?.origin ?? 'not attributed',
      authorised: judgement(authorised),
      unauthorised: authorised === false,
      waived,
    })),
    truncated: p.total > maxRows ? { shown: maxRows, total: p.total } : undefined,
  };
}

/** One cited file for a sample page: "not recorded" where the evidence does not hold it. */
function citeView(role: string, c: FileCite | undefined, none = 'not recorded') {
  return c ? { role, path: c.path, record: String(c.index), sha256: c.sha256 ?? 'not recorded (not in the input list)' } : { role, path: none, record: '', sha256: '' };
}

function sampleView(s: SampleDraw, pageSection: (rank: number, id: string) => { id: string; heading: string }) {
  return {
    seed: s.seed,
    requested: s.requested,
    drawnCount: s.drawn.length,
    all: s.drawn.length < s.requested,
    method: SAMPLE_METHOD,
    draws: s.drawn.map((d) => ({ rank: d.rank, key: d.key, id: d.row.change.id, captureTime: d.row.change.captureTime, authorised: judgement(d.row.authorised) })),
    pages: s.drawn.map(({ rank, key, row, sources }) => {
      const c = row.change;
      const hasEvent = c.attribution.eventId !== undefined;
      return {
        ...pageSection(rank, c.id),
        rank,
        key,
        change: changeView(c),
        authorised: judgement(row.authorised),
        unauthorised: row.authorised === false,
        waived: row.waived,
        sourceIp: sources?.sourceIPAddress ?? '',
        steps: (c.actor?.chain ?? []).map((st, i) => ({ n: i + 1, type: st.type, name: st.name, arn: st.arn ?? '', accountId: st.accountId ?? '', via: st.via ?? '', eventId: st.eventId ?? '', eventTime: st.eventTime ?? '' })),
        files: [
          citeView('Configuration item (after)', sources?.item),
          citeView('Configuration item (before)', sources?.previous, c.previousCaptureTime ? 'not recorded' : 'none: no earlier state in the input'),
          citeView('Causing CloudTrail event', sources?.event, hasEvent ? 'not recorded' : 'none: no causing call found'),
        ],
      };
    }),
  };
}

/**
 * The cover's and the sign-off page's provenance: generation time and its source, the command line
 * (shell-quoted for reading; report.json holds it word by word), the inputs as given, and the names
 * given with --entity and --prepared-by (blank lines to sign where none was given).
 */
function provenanceView(report: Report) {
  const g = report.generated;
  return {
    generatedAt: g.at.replace('T', ' ').replace(/Z$/, ' UTC'),
    generatedBy: g.by === 'SOURCE_DATE_EPOCH' ? 'SOURCE_DATE_EPOCH (a fixed time set for reproducible output)' : 'the system clock',
    commandLine: report.invocation.argv.length > 0 ? ['configtrail', ...report.invocation.argv].map(shellWord).join(' ') : '',
    inputs: report.invocation.inputs,
    entity: report.signoff.entity ?? '',
    preparedBy: report.signoff.preparedBy ?? '',
  };
}

/** A word as a POSIX shell reads it back: bare when it is plainly safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The input list as the document cites it: how many files of each kind, and the SHA-256 of
 * inputs.csv, which lists every file with its own SHA-256 (as report.json does).
 */
function inputList(report: Report) {
  const kinds = new Map<string, { files: number; records: number; bytes: number }>();
  for (const i of report.inputs) {
    const k = kinds.get(i.kind) ?? { files: 0, records: 0, bytes: 0 };
    k.files++;
    k.records += i.records;
    k.bytes += i.size;
    kinds.set(i.kind, k);
  }
  return {
    files: report.inputs.length,
    csvSha256: inputsCsvSha256(report),
    kinds: [...kinds].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, k]) => ({ kind, ...k })),
  };
}

const SEVERITY_RANK = ['critical', 'high', 'medium', 'low', 'informational'];

/**
 * The audit at a glance: requirement statuses per framework, the distinct failing findings by
 * severity (a finding serving several requirements counts once), the worst of them, and how the
 * changes were attributed.
 */
function auditSummary(report: Report) {
  const frameworks = [...new Set(report.controls.map((c) => c.framework))].map((fw) => {
    const results = report.controls.filter((c) => c.framework === fw);
    const version = report.criteria.frameworks.find((f) => f.id === fw)?.version ?? '';
    return { framework: fw, version, total: results.length, counts: STATUS_ORDER.map((st) => ({ status: st, statusClass: STATUS_CLASS[st], count: results.filter((r) => r.status === st).length })) };
  });
  const failing = new Map<string, ControlResult['findings'][number] & { requirements: string[] }>();
  for (const c of report.controls) {
    for (const f of c.findings) {
      if (f.status !== 'FAIL' || (f.waiver && !f.waiver.expired)) continue;
      const k = `${f.check ?? ''}|${f.resourceType}|${f.resourceId}|${f.time ?? ''}`;
      const seen = failing.get(k);
      if (seen) seen.requirements.push(`${c.framework} ${c.id}`);
      else failing.set(k, { ...f, requirements: [`${c.framework} ${c.id}`] });
    }
  }
  const list = [...failing.values()];
  const bySeverity = SEVERITY_RANK.map((sev) => ({ severity: sev, count: list.filter((f) => (f.severity ?? 'informational') === sev).length })).filter((r) => r.count > 0);
  const rank = (f: { severity?: string }) => SEVERITY_RANK.indexOf(f.severity ?? 'informational');
  const top = [...list].sort((a, b) => rank(a) - rank(b) || (a.check ?? '').localeCompare(b.check ?? '') || a.resourceId.localeCompare(b.resourceId)).slice(0, 10);
  const changes = report.changes;
  const band = (lo: number, hi: number) => changes.filter((c) => c.attribution.method === 'inferred' && c.attribution.confidence >= lo && c.attribution.confidence < hi).length;
  const attribution = [
    { label: 'From AWS Config relatedEvents', count: changes.filter((c) => c.attribution.method === 'relatedEvents').length },
    { label: 'Inferred, confidence 90% or more', count: band(0.9, 1.01) },
    { label: 'Inferred, confidence 70% to 90%', count: band(0.7, 0.9) },
    { label: 'Inferred, confidence under 70%', count: band(0, 0.7) },
    { label: 'No causing call found', count: changes.filter((c) => c.attribution.method === 'none').length },
  ].map((r) => ({ ...r, pct: pct(r.count, changes.length) }));
  const deviations = report.controls.reduce((sum, c) => sum + (c.deviations?.length ?? 0), 0);
  return {
    frameworks,
    statuses: STATUS_ORDER.map((st) => ({ status: st, statusClass: STATUS_CLASS[st] })),
    exceptions: list.length,
    bySeverity,
    top: top.map((f) => ({ severity: f.severity ?? '', detail: f.detail, check: f.check ?? '', requirements: f.requirements.join(', '), changeId: f.changeId ?? '', eventId: f.eventId ?? '' })),
    attribution,
    deviations,
    gaps: report.coverage.gaps.length,
    integrityLevel: report.integrity.level,
  };
}

function criteriaView(report: Report) {
  const c = report.criteria;
  return {
    window: c.attributionWindowMinutes,
    accounts: c.expectedScope.accounts ? c.expectedScope.accounts.join(', ') : '',
    regions: c.expectedScope.regions ? c.expectedScope.regions.join(', ') : '',
    principals: c.authorizedPrincipals.principals,
    principalFiles: c.authorizedPrincipals.files,
    waiversFile: c.waivers.file,
    waivers: c.waivers.entries,
    frameworks: c.frameworks,
    publicKeys: c.publicKeys,
  };
}

/** The account × region matrix of what the data holds, and the gaps, gaps first in each cell. */
function coverageView(report: Report, maxRows: number) {
  const cov = report.coverage;
  const gapped = new Set(cov.gaps.map((g) => `${g.accountId}|${g.region}`));
  const rows = cov.expected.accounts.map((accountId) => ({
    accountId,
    cells: cov.expected.regions.map((region) => {
      const cell = cov.cells.find((x) => x.accountId === accountId && x.region === region);
      return { cloudtrailDays: cell?.cloudtrailDays ?? 0, configItems: cell?.configItems ?? 0, gap: gapped.has(`${accountId}|${region}`) };
    }),
  }));
  return {
    declared: cov.declared.accounts || cov.declared.regions,
    declaredAccounts: cov.declared.accounts,
    declaredRegions: cov.declared.regions,
    regions: cov.expected.regions,
    rows,
    gaps: cov.gaps.slice(0, maxRows),
    gapsTotal: cov.gaps.length,
    gapsCut: cov.gaps.length > maxRows,
  };
}

export type ReportView = ReturnType<typeof buildView>;

/** Findings of each kind the document names one by one; report.json holds up to LIST_LIMIT. */
const INTEGRITY_ALERTS = 20;

const LEVEL_TEXT: Record<IntegrityResult['level'], string> = {
  hash: 'log file hashes against their digests only (no digest chain in the input)',
  'hash+chain': 'log file hashes against their digests, and the chain of digests (each against the next one\'s hash of it)',
  'hash+chain+signature': 'log file hashes against their digests, the chain of digests, and the digests\' signatures with CloudTrail\'s public keys',
};

/** What the document says about integrity: exactly what was verified, what was not, and every failure (the first of each kind). */
export function integrityView(i: IntegrityResult) {
  const alerts: string[] = [];
  const more = (listed: number, total: number, what: string) => {
    if (total > listed) alerts.push(`… and ${(total - listed).toLocaleString('en-US')} more ${what} (report.json lists the first ${LIST_LIMIT.toLocaleString('en-US')})`);
  };
  const first = <T>(list: T[]) => list.slice(0, INTEGRITY_ALERTS);
  for (const x of first(i.digests.signatureInvalid)) alerts.push(`Digest invalid: ${x.path}: ${x.reason}`);
  more(Math.min(i.digests.signatureInvalid.length, INTEGRITY_ALERTS), i.digests.signatureInvalidTotal, 'invalid digests');
  for (const b of first(i.chainBreaks)) alerts.push(`Digest chain broken (${b.accountId} ${b.region}) between ${b.after} and ${b.before}: ${b.reason}`);
  more(Math.min(i.chainBreaks.length, INTEGRITY_ALERTS), i.chainBreaksTotal, 'chain breaks');
  for (const m of first(i.mismatched)) alerts.push(`Altered after delivery: ${m.path} (digest ${m.expected}, file ${m.actual})`);
  more(Math.min(i.mismatched.length, INTEGRITY_ALERTS), i.mismatchedTotal, 'altered log files');
  for (const m of first(i.missingFiles)) alerts.push(`Listed in ${m.digest} but not among the inputs: ${m.path}`);
  more(Math.min(i.missingFiles.length, INTEGRITY_ALERTS), i.missing, 'missing log files');
  for (const u of first(i.uncoveredFiles)) alerts.push(`Listed in no digest: ${u.path}`);
  more(Math.min(i.uncoveredFiles.length, INTEGRITY_ALERTS), i.uncovered, 'log files listed in no digest');
  return {
    level: i.level,
    levelText: LEVEL_TEXT[i.level],
    notVerified: [...i.notes, 'AWS Config files carry no AWS integrity control: their SHA-256 is listed (Appendix B), but nothing AWS signed vouches for them'],
    ok: !integrityFailed(i),
    alerts,
  };
}
