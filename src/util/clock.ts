import type { Generated } from '../model/types.js';
import { UsageError } from './errors.js';

export type { Generated };

/** The latest time a Date holds, in seconds since the epoch. */
const MAX_SECONDS = 8.64e12;

/**
 * The one generation time of a run: `SOURCE_DATE_EPOCH` (seconds since 1970-01-01T00:00:00Z, the
 * reproducible-builds convention) when set, so that the same inputs give the same bytes without a
 * false date; otherwise the clock. Never a date derived from the period. A malformed value is a
 * usage error, as the convention asks, rather than silently the clock.
 */
export function generationTime(env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Generated {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return { at: isoSeconds(now()), by: 'clock' };
  if (!/^\d{1,13}$/.test(epoch) || Number(epoch) > MAX_SECONDS) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01T00:00:00Z, got "${epoch.slice(0, 40)}"`);
  }
  return { at: isoSeconds(new Date(Number(epoch) * 1000)), by: 'SOURCE_DATE_EPOCH' };
}

/** `2026-10-01T00:00:00Z`: ISO 8601 without the milliseconds (PDF dates hold seconds). */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A PDF date string's 14 digits, `YYYYMMDDHHmmss` (UTC), for a generation time. */
export function pdfDateDigits(at: string): string {
  return new Date(at).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}
