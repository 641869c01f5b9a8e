import { describe, expect, it } from 'vitest';
import { isoWeekStart, resolvePeriod, weeksOf } from '../src/util/period.js';

describe('period', () => {
  it('quarter: 2026-Q3 is 1 July to 30 September inclusive', () => {
    const p = resolvePeriod({ quarter: '2026-Q3' });
    expect(p).toMatchObject({ from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' });
    expect(new Date(p.startMs).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  it('quarter: Q4 ends on 31 December', () => {
    expect(resolvePeriod({ quarter: '2025-Q4' })).toMatchObject({ from: '2025-10-01', to: '2025-12-31' });
  });

  it('from/to: both days inclusive in UTC', () => {
    const p = resolvePeriod({ from: '2026-02-27', to: '2026-03-01' });
    expect(p.endMs - p.startMs).toBe(3 * 86_400_000);
  });

  it('rejects: impossible date, reversed range, both forms, neither form', () => {
    expect(() => resolvePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow(/not a real date/);
    expect(() => resolvePeriod({ from: '2026-03-02', to: '2026-03-01' })).toThrow(/before --from/);
    expect(() => resolvePeriod({ quarter: '2026-Q3', from: '2026-07-01' })).toThrow(/not both/);
    expect(() => resolvePeriod({})).toThrow(/period is required/);
    expect(() => resolvePeriod({ quarter: '2026-Q5' })).toThrow(/2026-Q3/);
  });

  it('weeks: ISO weeks start on Monday and cover the whole period', () => {
    expect(isoWeekStart(Date.parse('2026-07-01T12:00:00Z'))).toBe('2026-06-29'); // a Wednesday
    expect(isoWeekStart(Date.parse('2026-07-05T23:59:59Z'))).toBe('2026-06-29'); // Sunday
    expect(isoWeekStart(Date.parse('2026-07-06T00:00:00Z'))).toBe('2026-07-06'); // Monday
    const weeks = weeksOf(resolvePeriod({ quarter: '2026-Q3' }));
    expect(weeks[0]).toBe('2026-06-29');
    expect(weeks.at(-1)).toBe('2026-09-28');
    expect(weeks).toHaveLength(14);
  });
});
