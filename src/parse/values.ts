/**
 * Small readers for untrusted JSON values: every field of a record may have any type, so code
 * downstream only ever sees the types the model promises.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field; numbers (account ids written as numbers) become their decimal string. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A non-empty string field. */
export function text(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined || s.length === 0 ? undefined : s;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Days seen (`2026-07-03` → epoch ms of its midnight): a file's records share a handful. */
const dayCache = new Map<string, number>();

function digits2(v: string, at: number): number {
  const a = v.charCodeAt(at) - 48;
  const b = v.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Epoch ms of a `YYYY-MM-DD` day's midnight, or undefined when it is no real day. */
function dayMs(day: string): number | undefined {
  let ms = dayCache.get(day);
  if (ms === undefined) {
    ms = Date.parse(`${day}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March: only a day that reads back the same is a day.
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return undefined;
    if (dayCache.size > 10_000) dayCache.clear();
    dayCache.set(day, ms);
  }
  return ms;
}

/** `HH`, `MM`, `SS` as ms into the day; undefined when out of range. */
function clockMs(h: number, m: number, sec: number): number | undefined {
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return undefined;
  return h * 3_600_000 + m * 60_000 + sec * 1000;
}

/** `YYYY-MM-DDTHH:MM:SSZ` without a regular expression: the day from a cache, the time from its digits. */
function fastIso(v: string): number | undefined {
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined;
  const clock = clockMs(digits2(v, 11), digits2(v, 14), digits2(v, 17));
  const day = clock === undefined ? undefined : dayMs(v.slice(0, 10));
  return day === undefined ? undefined : day + clock!;
}

/**
 * ISO 8601 as exports write it: `T` or a space, seconds and any fraction optional (botocore writes
 * microseconds), `Z`, `±HH:MM` or `±HHMM`, or no zone (then UTC: never the machine's own zone).
 */
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|([+-])(\d{2}):?(\d{2}))?$/;

/** Epoch ms of the latest time `YYYY-MM-DDTHH:mm:ss.sssZ` can write (9999-12-31T23:59:59.999Z). */
const LAST_MS = 253_402_300_799_999;

/**
 * An epoch number: seconds (the Config API), or milliseconds from 1e11 on (1973 in milliseconds,
 * the year 5138 in seconds), as some exports write them. Undefined outside 1970–9999.
 */
function epochMs(v: number): number | undefined {
  if (!Number.isFinite(v) || v <= 0) return undefined;
  const ms = Math.round(v >= 1e11 ? v : v * 1000);
  return ms <= LAST_MS ? ms : undefined;
}

/**
 * Parses a timestamp: ISO 8601 strings (see ISO), CloudTrail's compact `20131102T010628Z`, and
 * epoch numbers (see epochMs). Returns epoch ms, or undefined when it is not a time.
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return epochMs(v);
  if (typeof v !== 'string' || v.length === 0 || v.length > 40) return undefined;
  // The common case first: CloudTrail's `2026-07-03T10:15:42Z`.
  if (v.length === 20 && v.charCodeAt(10) === 84 && v.charCodeAt(19) === 90 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45) {
    const ms = fastIso(v);
    if (ms !== undefined) return ms;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return epochMs(Number(v));
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    const clock = clockMs(Number(h), Number(mi), Number(s));
    const day = clock === undefined ? undefined : dayMs(`${y}-${mo}-${d}`);
    return day === undefined ? undefined : day + clock!;
  }
  const m = ISO.exec(v);
  if (!m) return undefined;
  const [, date, h, mi, s, frac, , sign, oh, om] = m;
  const day = dayMs(date!);
  const clock = clockMs(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (day === undefined || clock === undefined) return undefined;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let offset = 0;
  if (sign) {
    if (Number(oh) > 23 || Number(om) > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  }
  const t = day + clock + ms - offset;
  return t <= LAST_MS ? t : undefined;
}

/**
 * A time in the one form every time is written in (`YYYY-MM-DDTHH:mm:ss.sssZ`, UTC), so that times
 * sort as strings whatever form their input wrote them in. Undefined when it is not a time.
 */
export function isoTime(v: unknown): { iso: string; ms: number } | undefined {
  const ms = parseTime(v);
  if (ms === undefined) return undefined;
  // CloudTrail's form needs only its milliseconds; the rest is written by Date.
  if (typeof v === 'string' && v.length === 20 && v.charCodeAt(19) === 90 && v.charCodeAt(10) === 84) return { iso: `${v.slice(0, 19)}.000Z`, ms };
  return { iso: new Date(ms).toISOString(), ms };
}

/** A string-keyed map whose values are strings (tags); other shapes give an empty map. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) {
    for (const k of Object.keys(v).sort()) {
      const s = str(v[k]);
      if (s !== undefined) out[k] = s;
    }
  } else if (Array.isArray(v)) {
    // The Config API sometimes returns tags as [{key, value}] / [{Key, Value}].
    for (const t of v) {
      if (!isObj(t)) continue;
      const k = str(t.key ?? t.Key);
      const val = str(t.value ?? t.Value);
      if (k !== undefined && val !== undefined) out[k] = val;
    }
  }
  return out;
}

/**
 * Levels of nesting (objects and arrays) a CloudTrail record or a configuration item may have, the
 * record itself being the first. Real ones have a few dozen at most; a deeper one is rejected as it
 * is parsed: structured cloning (a worker's result), JSON.stringify and every walk over the data
 * recurse, and thousands of levels overflow their stacks. Both readers use this one value (the
 * native reader hands a file with anything deeper back to TypeScript: see native.ts).
 */
export const MAX_DEPTH = 256;

/** The rejection reason of a record or item nested deeper than the limit. */
export function tooDeep(what: string, limit = MAX_DEPTH): string {
  return `${what} is nested more than ${limit} levels deep`;
}

/**
 * Whether a JSON value nests objects and arrays more than `limit` levels deep (an object or array is
 * one level, a scalar none). Iterative, and it stops at the first value past the limit: safe at any
 * depth, and about a fifth of what JSON.parse took to build the value.
 */
export function deeperThan(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  // Pairs: a value to look into, and the levels left for it.
  const stack: unknown[] = [v, limit];
  while (stack.length > 0) {
    const left = stack.pop() as number;
    const x = stack.pop() as object;
    if (left <= 0) return true;
    if (Array.isArray(x)) {
      for (const e of x) if (typeof e === 'object' && e !== null) stack.push(e, left - 1);
    } else {
      for (const k in x) {
        const e = (x as Obj)[k];
        if (typeof e === 'object' && e !== null) stack.push(e, left - 1);
      }
    }
  }
  return false;
}

/** A value the Config API returns as a JSON string; unparseable strings are kept as strings. */
export function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/** One-line, bounded message for a rejection reason. */
export function shortReason(msg: string, max = 200): string {
  const line = msg.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
