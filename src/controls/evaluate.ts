import type { CheckOutcome, ControlResult, ControlStatus, CoverageGap, Finding } from '../model/types.js';
import { cmp } from '../store/index.js';
import { oneLine } from '../util/errors.js';
import type { Framework } from './frameworks.js';
import { ActivityGrouper } from './checks/util.js';
import type { ActivityContext, ActivityEvent, ActivityHits, ActivityQuery, Check, CheckResult, ControlEvidence } from './model.js';
import { applyWaivers, type Waiver } from './waivers.js';

/** Worst first: a requirement takes the worst status among its checks. */
const SEVERITY_ORDER: ControlStatus[] = ['FAIL', 'ERROR', 'INSUFFICIENT_DATA', 'MANUAL', 'PASS', 'NOT_APPLICABLE'];

export function worstStatus(statuses: ControlStatus[]): ControlStatus {
  let best = SEVERITY_ORDER.length - 1;
  for (const s of statuses) best = Math.min(best, SEVERITY_ORDER.indexOf(s));
  return SEVERITY_ORDER[best]!;
}

/** The coverage gaps that leave a check's evidence incomplete: those of the sources it reads. */
function gapsFor(check: Check, ev: ControlEvidence): CoverageGap[] {
  const sources = new Set<CoverageGap['source']>();
  if (check.meta.needs.includes('cloudtrail')) sources.add('cloudtrail').add('digest');
  if (check.meta.needs.includes('config') || check.meta.needs.includes('config-rules')) sources.add('config');
  return ev.coverage.gaps.filter((g) => sources.has(g.source));
}

/**
 * A PASS or NOT_APPLICABLE drawn from evidence with holes is not a conclusion: what is missing could
 * hold the failure. Such a result becomes INSUFFICIENT_DATA, naming the first hole; FAIL stands.
 * So does one that reads CloudTrail events no digest could check (`trailUnverified`: engine rows),
 * as those are the checks a digest's gaps reach (gapsFor).
 */
function withinCoverage(check: Check, ev: ControlEvidence, r: CheckResult): CheckResult {
  if (r.status !== 'PASS' && r.status !== 'NOT_APPLICABLE') return r;
  const gaps = gapsFor(check, ev);
  const would = `would be ${r.status === 'PASS' ? 'PASS' : 'NOT APPLICABLE'} on the data present (${r.reason})`;
  if (gaps.length > 0) {
    const g = gaps[0]!;
    const first = `${g.accountId}/${g.region} ${g.from === g.to ? g.from : `${g.from} to ${g.to}`}: ${g.reason}`;
    return { ...r, status: 'INSUFFICIENT_DATA', reason: `${would}, but the evidence has ${gaps.length} coverage gap${gaps.length === 1 ? '' : 's'} (${first}${gaps.length > 1 ? '; …' : ''})` };
  }
  // Unverified events could lack what the digests would show missing: the same holes, unknown.
  if (ev.trailUnverified !== undefined && check.meta.needs.includes('cloudtrail')) return { ...r, status: 'INSUFFICIENT_DATA', reason: `${would}, but ${ev.trailUnverified}` };
  return r;
}

/** What a check without an activity query reads of the activity: nothing (its own lists, so no check sees another's). */
const noHits = (): ActivityHits => ({ count: 0, findings: [], events: [] });

/** One check's query during the pass, and what it gathered so far; `failed` once its query threw. */
interface Gathering {
  query: ActivityQuery;
  count: number;
  grouper: ActivityGrouper | undefined;
  events: ActivityEvent[];
  failed?: unknown;
}

/** What the checks' activity queries gathered, by check: their hits, or the error their query threw. */
export type GatheredActivity = Map<Check, ActivityHits | { error: unknown }>;

/**
 * The activity queries of some checks, fed one pass over the activity (`take`, in time order):
 * each event goes to every query whose `match` accepts it, to be grouped (`judge`) or handed over.
 * A query that throws (building it, `match` or `judge`) is dropped from the pass and its check gets
 * the error, to become an ERROR result. The pass is the correlate stage's (correlate/index.ts), or
 * gatherActivity's.
 */
export class ActivityGathering {
  private readonly reading = new Map<Check, Gathering>();
  private readonly errors: GatheredActivity = new Map();
  private live: Gathering[];

  constructor(checks: Iterable<Check>, ev: ActivityContext) {
    for (const check of checks) {
      if (!check.activity || this.errors.has(check) || this.reading.has(check)) continue;
      try {
        const query = check.activity(ev);
        this.reading.set(check, { query, count: 0, grouper: query.judge ? new ActivityGrouper() : undefined, events: [] });
      } catch (error) {
        this.errors.set(check, { error });
      }
    }
    this.live = [...this.reading.values()];
  }

  /** Whether any query reads the activity (else no pass is needed). */
  get reads(): boolean {
    return this.live.length > 0;
  }

  take(a: ActivityEvent): void {
    let dropped = false;
    for (const g of this.live) {
      try {
        if (!g.query.match(a)) continue;
        g.count++;
        if (g.grouper) {
          const { status, what } = g.query.judge!(a);
          g.grouper.add(a, status, what);
        } else g.events.push(a);
      } catch (error) {
        g.failed = error;
        dropped = true;
      }
    }
    if (dropped) this.live = this.live.filter((g) => !('failed' in g));
  }

  result(): GatheredActivity {
    const out: GatheredActivity = new Map(this.errors);
    for (const [check, g] of this.reading) out.set(check, 'failed' in g ? { error: g.failed } : { count: g.count, findings: g.grouper?.findings() ?? [], events: g.events });
    return out;
  }
}

/**
 * Reads the activity once for all the given checks (ActivityGathering): not at all when no check has
 * a query. The activity failing to be read (the kept events' files, store/events.ts) is not a
 * check's error: it ends the run, as any failure to read the evidence does.
 */
export function gatherActivity(checks: Iterable<Check>, ev: ControlEvidence): GatheredActivity {
  const gathering = new ActivityGathering(checks, ev);
  if (gathering.reads) for (const a of ev.activity) gathering.take(a);
  return gathering.result();
}

/** The checks the frameworks' requirements use, known to `checks`, each once. */
export function checksUsed(frameworks: Framework[], checks: Map<string, Check>): Check[] {
  const ids = new Set(frameworks.flatMap((fw) => fw.requirements.flatMap((req) => [...req.checks, ...(req.indicators ?? []), ...(req.supporting ?? [])])));
  return [...ids].map((id) => checks.get(id)).filter((c): c is Check => c !== undefined);
}

/**
 * Runs one check over what the activity pass gathered for it (`hits`; gathered here, in a pass of its
 * own, when not given). A check that throws, or whose activity query threw, becomes an ERROR result,
 * never a silent gap.
 */
export function runCheck(check: Check, ev: ControlEvidence, hits?: ActivityHits | { error: unknown }): CheckResult {
  try {
    const gathered = hits ?? gatherActivity([check], ev).get(check) ?? noHits();
    if ('error' in gathered) throw gathered.error;
    const r = withinCoverage(check, ev, check.evaluate(ev, gathered));
    const mine = { check: check.meta.id, severity: check.meta.severity };
    // Object.assign, not a spread: V8 gives each object spread here a hidden class of its own, and a
    // report can hold tens of thousands of findings.
    const out: CheckResult = { ...r, findings: r.findings.map((f) => Object.assign({}, f, mine)) };
    if (r.deviations) out.deviations = r.deviations.map((d) => Object.assign({}, mine, d));
    return out;
  } catch (err) {
    return { status: 'ERROR', findings: [], reason: `check failed: ${oneLine(err)}` };
  }
}

/**
 * Evaluates the requirements of the given frameworks: every check runs once, each requirement
 * takes the worst status of its checks, waivers are applied to failing findings, and requirements
 * with no check are MANUAL with the reason recorded in the framework file.
 */
export function evaluateFrameworks(
  frameworks: Framework[],
  checks: Map<string, Check>,
  ev: ControlEvidence,
  waivers: Waiver[] = [],
  /** What the checks' queries gathered in the correlate stage's pass; else gathered here, in a pass of its own. */
  gathered: GatheredActivity = gatherActivity(checksUsed(frameworks, checks), ev),
): ControlResult[] {
  const cache = new Map<string, CheckResult>();
  const resultOf = (id: string): CheckResult => {
    let r = cache.get(id);
    if (!r) {
      const check = checks.get(id);
      r = check ? runCheck(check, ev, gathered.get(check) ?? noHits()) : { status: 'ERROR', findings: [], reason: `unknown check ${id}` };
      cache.set(id, r);
    }
    return r;
  };

  const out: ControlResult[] = [];
  for (const fw of frameworks) {
    for (const req of fw.requirements) {
      const base = {
        framework: fw.id,
        id: req.id,
        title: req.title,
        ...(req.section ? { section: req.section } : {}),
        ...(req.description ? { description: req.description } : {}),
        ...(req.partial ? { note: req.partial } : {}),
        ...(req.rationale ? { rationale: req.rationale } : {}),
      };
      const roles: [string, CheckOutcome['role']][] = [
        ...req.checks.map((id): [string, CheckOutcome['role']] => [id, 'decides']),
        ...(req.indicators ?? []).map((id): [string, CheckOutcome['role']] => [id, 'indicates']),
        ...(req.supporting ?? []).map((id): [string, CheckOutcome['role']] => [id, 'supports']),
      ];
      const outcomes: CheckOutcome[] = roles.map(([id, role]) => {
        const r = resultOf(id);
        return { check: id, title: checks.get(id)?.meta.title ?? id, status: r.status, reason: r.reason, role };
      });
      const supportingFindings = (req.supporting ?? []).flatMap((id) => resultOf(id).findings);
      const withSupport = supportingFindings.length > 0 ? { supportingFindings: sortFindings(supportingFindings) } : {};
      const judging = roles.filter(([, role]) => role !== 'supports').map(([id]) => id);
      if (judging.length === 0) {
        out.push({ ...base, status: 'MANUAL', findings: [], reason: req.manual ?? 'no automated check: needs evidence outside the export', checks: outcomes, ...withSupport });
        continue;
      }
      const findings: Finding[] = judging.flatMap((id) => resultOf(id).findings);
      const applied = applyWaivers(findings, waivers, { framework: fw.id, requirement: req.id, aliases: req.aliases ?? [] }, ev.period);
      const waived = applied.filter((f) => f.status === 'FAIL' && f.waiver && !f.waiver.expired).length;
      // A check whose every failing finding is waived counts as passing for this requirement.
      const statusOf = (id: string): ControlStatus => {
        const r = resultOf(id);
        if (r.status !== 'FAIL') return r.status;
        const mine = applied.filter((f) => f.check === id && f.status === 'FAIL');
        return mine.length > 0 && mine.every((f) => f.waiver && !f.waiver.expired) ? 'PASS' : 'FAIL';
      };
      const deciding = req.checks.map(statusOf);
      const indicated = (req.indicators ?? []).map(statusOf);
      let status: ControlStatus;
      if (deciding.length > 0) status = worstStatus([...deciding, ...indicated.filter((s) => s === 'FAIL' || s === 'ERROR')]);
      // Indicators alone: an exception fails the requirement; their passing never establishes it.
      else status = indicated.some((s) => s === 'FAIL' || s === 'ERROR') ? worstStatus(indicated) : 'MANUAL';
      if (req.manual && deciding.length > 0 && status !== 'FAIL') status = worstStatus([status, 'MANUAL']);
      const judged = outcomes.filter((o) => o.role !== 'supports');
      const reason =
        status === 'MANUAL' && deciding.length === 0
          ? `no exception found by ${judged.length} check${judged.length === 1 ? '' : 's'} that can reveal one (${judged.map((o) => `${o.check}: ${o.status}`).join('; ')}); ${req.manual ?? 'the requirement needs review by hand'}`
          : status === 'MANUAL' && req.manual
            ? req.manual
            : reasonFor(status, judged, waived);
      const deviations = judging.flatMap((id) => resultOf(id).deviations ?? []);
      out.push({ ...base, status, findings: sortFindings(applied), reason, checks: outcomes, ...(waived > 0 ? { waived } : {}), ...(deviations.length > 0 ? { deviations } : {}), ...withSupport });
    }
  }
  return out;
}

function reasonFor(status: ControlStatus, outcomes: CheckOutcome[], waived: number): string {
  const deciding = outcomes.filter((o) => o.status === status);
  const text = (deciding.length > 0 ? deciding : outcomes).map((o) => o.reason).join('; ');
  return waived > 0 ? `${text} (${waived} failing finding${waived === 1 ? '' : 's'} waived)` : text;
}

function sortFindings(findings: Finding[]): Finding[] {
  const rank = (s: ControlStatus) => SEVERITY_ORDER.indexOf(s);
  return [...findings].sort(
    // Events in time order (their resource id is the event id); resources by id, then since when.
    (a, b) =>
      rank(a.status) - rank(b.status) ||
      cmp(a.resourceType, b.resourceType) ||
      (a.resourceType === 'AWS::CloudTrail::Event' ? cmp(a.time ?? '', b.time ?? '') : 0) ||
      cmp(a.resourceId, b.resourceId) ||
      cmp(a.time ?? '', b.time ?? '') ||
      cmp(a.detail, b.detail),
  );
}
