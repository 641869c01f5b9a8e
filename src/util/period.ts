import type { Period } from '../model/types.js';
import { UsageError } from './errors.js';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const QUARTER_RE = /^(\d{4})-?Q([1-4])$/i;

/** Parses a YYYY-MM-DD day as UTC midnight; rejects impossible dates such as 2026-02-30. */
export function parseDay(text: string, flag: string): number {
  const m = DATE_RE.exec(text.trim());
  if (!m) throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${text}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new UsageError(`${flag} is not a real date: "${text}"`);
  }
  return ms;
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The reporting period from `--from/--to` (both inclusive, UTC) or `--quarter 2026-Q3`.
 * Exactly one of the two forms must be given.
 */
export function resolvePeriod(opts: { from?: string; to?: string; quarter?: string }): Period {
  if (opts.quarter) {
    if (opts.from || opts.to) throw new UsageError('give either --quarter or --from/--to, not both');
    const m = QUARTER_RE.exec(opts.quarter.trim());
    if (!m) throw new UsageError(`--quarter must look like 2026-Q3, got "${opts.quarter}"`);
    const year = Number(m[1]);
    const q = Number(m[2]);
    const startMs = Date.UTC(year, (q - 1) * 3, 1);
    const endMs = Date.UTC(year, q * 3, 1);
    return { from: formatDay(startMs), to: formatDay(endMs - DAY_MS), startMs, endMs, label: `${year}-Q${q}` };
  }
  if (!opts.from || !opts.to) throw new UsageError('a period is required: --from YYYY-MM-DD --to YYYY-MM-DD, or --quarter YYYY-QN');
  const startMs = parseDay(opts.from, '--from');
  const lastDay = parseDay(opts.to, '--to');
  if (lastDay < startMs) throw new UsageError(`--to (${opts.to}) is before --from (${opts.from})`);
  const from = formatDay(startMs);
  const to = formatDay(lastDay);
  return { from, to, startMs, endMs: lastDay + DAY_MS, label: `${from} – ${to}` };
}

/** Day number (days since 1970-01-01) of the Monday of the ISO week holding `day`. */
function mondayOf(day: number): number {
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  return day - (((day + 3) % 7) + 7) % 7;
}

/** Monday (UTC) of the ISO week holding `ms`, as YYYY-MM-DD. */
export function isoWeekStart(ms: number): string {
  return formatDay(mondayOf(Math.floor(ms / DAY_MS)) * DAY_MS);
}

/** Every ISO week start touching the period, in order (so a chart shows quiet weeks too). */
export function weeksOf(period: Period): string[] {
  const weeks: string[] = [];
  let day = mondayOf(Math.floor(period.startMs / DAY_MS));
  const lastDay = Math.floor((period.endMs - 1) / DAY_MS);
  while (day <= lastDay) {
    weeks.push(formatDay(day * DAY_MS));
    day += 7;
  }
  return weeks;
}
