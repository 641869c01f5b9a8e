// UTCDateMini: UTC getters and setters, all date-fns needs here. The full UTCDate adds Date's
// string formatters and builds three Intl.DateTimeFormat objects for them as it loads (~7 ms).
import { UTCDateMini as UTCDate } from '@date-fns/utc/date/mini';
// One module per function: the package index would load all of date-fns at start-up.
import { addDays } from 'date-fns/addDays';
import { addQuarters } from 'date-fns/addQuarters';
import { eachWeekOfInterval } from 'date-fns/eachWeekOfInterval';
import { isValid } from 'date-fns/isValid';
// lightFormat, not format: the same output for these numeric patterns without loading the locale data (~15 ms at start-up).
import { lightFormat } from 'date-fns/lightFormat';
import { parseISO } from 'date-fns/parseISO';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import type { Period } from '../model/types.js';
import { UsageError } from './errors.js';

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const QUARTER_RE = /^(\d{4})-?Q([1-4])$/i;

/** The date-fns context (`in` option) that computes in UTC, as @date-fns/utc's `utc` does. */
const utc = (value: Date | number | string): Date => new UTCDate(+new Date(value));

/** Parses a YYYY-MM-DD day as UTC midnight; rejects impossible dates such as 2026-02-30. */
export function parseDay(text: string, flag: string): number {
  const t = text.trim();
  if (!DATE_RE.test(t)) throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${text}"`);
  // parseISO (not the general parse, which loads a parser per format token) rejects 2026-02-30.
  const day = parseISO(t, { in: utc });
  if (!isValid(day)) throw new UsageError(`${flag} is not a real date: "${text}"`);
  return day.getTime();
}

export function formatDay(ms: number): string {
  return lightFormat(new UTCDate(ms), 'yyyy-MM-dd');
}

/** An instant as `2026-07-03 10:15:42Z`: ISO 8601's content, easier to read in a table. */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? lightFormat(new UTCDate(ms), "yyyy-MM-dd HH:mm:ss'Z'") : iso;
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
    const start = new UTCDate(year, (q - 1) * 3, 1);
    const startMs = start.getTime();
    const endMs = addQuarters(start, 1).getTime();
    return { from: formatDay(startMs), to: formatDay(endMs - DAY_MS), startMs, endMs, label: `${year}-Q${q}` };
  }
  if (!opts.from || !opts.to) throw new UsageError('a period is required: --from YYYY-MM-DD --to YYYY-MM-DD, or --quarter YYYY-QN');
  const startMs = parseDay(opts.from, '--from');
  const lastDay = parseDay(opts.to, '--to');
  if (lastDay < startMs) throw new UsageError(`--to (${opts.to}) is before --from (${opts.from})`);
  const from = formatDay(startMs);
  const to = formatDay(lastDay);
  return { from, to, startMs, endMs: addDays(new UTCDate(lastDay), 1).getTime(), label: `${from} – ${to}` };
}

/** Monday (UTC) of the ISO week holding `ms`, as YYYY-MM-DD. */
export function isoWeekStart(ms: number): string {
  return formatDay(startOfISOWeek(new UTCDate(ms), { in: utc }).getTime());
}

/** Every ISO week start touching the period, in order (so a chart shows quiet weeks too). */
export function weeksOf(period: Period): string[] {
  return eachWeekOfInterval({ start: new UTCDate(period.startMs), end: new UTCDate(period.endMs - 1) }, { weekStartsOn: 1, in: utc }).map((d) => formatDay(d.getTime()));
}
