import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateExport } from '../samples/generator.js';
import type { CloudTrailEvent, Period } from '../src/model/types.js';
import { EventSpill, keyOfLine, lineOf, savedEvents } from '../src/store/events.js';
import { ParsePool } from '../src/parse/pool.js';
import { ANY_PERIOD, keepRule, keepsEvent, type KeepRule } from '../src/store/keep.js';
import { event } from './helpers/evidence.js';
import { runCli, tempDir } from './helpers/cli.js';
import { readEvidence } from '../src/pipeline/report.js';
import { resolvePeriod } from '../src/util/period.js';
import { buildSessionIndex, resolveActor } from '../src/correlate/index.js';
import { withActors } from '../src/correlate/activity.js';

/** Events in an order no file reading would give: shuffled, with duplicates and ties of time and id. */
function scrambled(): CloudTrailEvent[] {
  const out: CloudTrailEvent[] = [];
  for (let i = 0; i < 600; i++) {
    const time = `2026-07-0${1 + (i % 3)}T${String((i * 7) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`;
    out.push(event(i % 5 === 0 ? 'CreateTags' : 'AuthorizeSecurityGroupIngress', { time, id: `e-${i % 450}`, accountId: i % 2 ? '111111111111' : '222222222222', readOnly: false }));
  }
  // Two trails delivering the same records (the same key): kept once.
  out.push(...out.slice(0, 50).map((e) => ({ ...e, source: { path: 'account-trail', index: 1 } })));
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ids = (events: Iterable<CloudTrailEvent>) => [...events].map((e) => `${e.eventTime} ${e.eventId} ${e.accountId} ${e.eventName}`);

describe('kept events held or spilled', () => {
  it('give the same events in the same order, duplicates dropped, whether held in memory or written to disk at every event', () => {
    const events = scrambled();
    const held = new EventSpill(Infinity, undefined);
    const parent = tempDir('spill');
    const spilled = new EventSpill(0, parent);
    for (const e of events) {
      held.add(e);
      spilled.add(e);
    }
    const a = held.finish();
    const b = spilled.finish();
    expect(a.spilled).toBe(false);
    expect(b.spilled).toBe(true);
    expect(readdirSync(parent)).toHaveLength(1);
    expect(b.count).toBe(a.count);
    expect(a.count).toBe(600);
    expect(ids(b)).toEqual(ids(a));
    // In time order, and a second pass gives the same.
    const times = [...a].map((e) => e.eventTimeMs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(ids(b)).toEqual(ids(b));
    // The order does not depend on the order events arrived in.
    const reversed = new EventSpill(Infinity, undefined);
    for (const e of [...events].reverse()) reversed.add(e);
    expect(ids(reversed.finish())).toEqual(ids(a));
    expect(JSON.stringify([...b])).toEqual(JSON.stringify([...a]));
  });
});

/** A period between two instants (a report's is whole days; these start and end inside hours, as the window's edge does). */
const periodOf = (start: string, end: string): Period => ({ from: start.slice(0, 10), to: end.slice(0, 10), startMs: Date.parse(start), endMs: Date.parse(end), label: `${start} – ${end}` });

/** What the store's rule reads of an event (store/keep.ts). */
const keeps = (e: CloudTrailEvent, rule: KeepRule) =>
  keepsEvent({ eventTimeMs: e.eventTimeMs, eventName: e.eventName, eventSource: e.eventSource, errorCode: e.errorCode, readOnly: e.readOnly, userType: e.userIdentity.type }, rule);

describe('a saved ingest\'s events read where they are', () => {
  it('give, for any period, what a run that kept only that period\'s events gives: same events, count and places', () => {
    // Six days around the start of July, every 20 minutes: writes, failed reads, reads, sign-ins and
    // session-issuing calls, and records delivered twice (once with another error code: another record).
    const all: CloudTrailEvent[] = [];
    const start = Date.parse('2026-06-28T00:00:00Z');
    for (let i = 0; i < 6 * 72; i++) {
      const time = new Date(start + i * 1_200_000).toISOString().replace('.000', '');
      const kind = i % 5;
      const o = { time, id: `e-${i % 300}`, accountId: i % 3 ? '111111111111' : '222222222222', region: i % 2 ? 'us-east-1' : 'eu-west-1' };
      if (kind === 0) all.push(event('CreateTags', { ...o, readOnly: false }));
      else if (kind === 1) all.push(event('DescribeInstances', { ...o, readOnly: true, errorCode: 'AccessDenied' }), event('DescribeInstances', { ...o, readOnly: true }));
      else if (kind === 2) all.push(event('ConsoleLogin', { ...o, eventSource: 'signin.amazonaws.com' }));
      else if (kind === 3) all.push(event('AssumeRole', { ...o, eventSource: 'sts.amazonaws.com', readOnly: true }));
      else all.push(event('RunInstances', { ...o, readOnly: false }), event('RunInstances', { ...o, readOnly: false }));
    }
    // Each period starts mid-hour, so that hours before, across and inside it are read.
    const rules = [
      keepRule(periodOf('2026-07-01T00:30:00Z', '2026-07-02T12:00:00Z'), 24 * 3_600_000),
      keepRule(periodOf('2026-06-30T07:10:00Z', '2026-07-04T00:00:00Z'), 3_600_000, 30 * 3_600_000),
      keepRule(periodOf('2026-07-20T00:00:00Z', '2026-07-21T00:00:00Z'), 24 * 3_600_000),
    ];
    // Saved by a run over the first period, every hour on disk: the events any period keeps, that period's marked.
    const saving = new EventSpill(0, tempDir('saved-hours'), rules[0]);
    saving.saving = true;
    for (const e of all) if (keeps(e, ANY_PERIOD)) saving.addLine(lineOf(e), keyOfLine(lineOf(e)), keeps(e, rules[0]!));
    const first = saving.finish();
    const saved = saving.saved!;
    expect(saved.hours.length).toBe(6 * 24);
    for (const rule of rules) {
      const only = new EventSpill(Infinity, undefined, rule);
      for (const e of all) if (keeps(e, rule)) only.add(e);
      const want = only.finish();
      const got = savedEvents(saved.dir, saved.hours, rule, 'read again');
      expect(JSON.stringify([...got])).toBe(JSON.stringify([...want]));
      expect(got.count).toBe(want.count);
      const sorted = (k: typeof want) => [...k.places].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      expect(sorted(got)).toEqual(sorted(want));
      // Two accounts in two regions, where the period keeps any event.
      expect(got.places.size).toBe(rule === rules[2] ? 0 : 4);
      if (rule === rules[0]) {
        expect(JSON.stringify([...first])).toBe(JSON.stringify([...want]));
        expect([first.count, sorted(first)]).toEqual([want.count, sorted(want)]);
      }
    }
    // The periods differ: each keeps its own events, and the last none.
    const counts = rules.map((r) => savedEvents(saved.dir, saved.hours, r, 'read again').count);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(counts[0]!);
    expect(counts[2]).toBe(0);
  });
});

describe('hours sealed by the parse workers', () => {
  it('are the hours the main thread seals: same files, events, count and saved list, with hours held in memory beside them', async () => {
    const rule = keepRule(periodOf('2026-07-01T12:00:00Z', '2026-07-03T00:00:00Z'), 24 * 3_600_000);
    // In time order, with a budget that writes out the first hours and holds the last ones in memory.
    const events = scrambled().sort((x, y) => x.eventTimeMs - y.eventTimeMs);
    const budget = lineOf(events[0]!).length * 2 * 400;
    const fill = (dir: string) => {
      const spill = new EventSpill(budget, dir, rule);
      spill.saving = true;
      for (const e of events) spill.addLine(lineOf(e), keyOfLine(lineOf(e)), keeps(e, rule));
      return spill;
    };
    const here = fill(tempDir('sealed-here'));
    const there = fill(tempDir('sealed-there'));
    const a = here.finish();
    const pool = new ParsePool({ maxFileBytes: 1 << 20 }, 2);
    expect(pool.threads).toBe(2);
    let sent = 0;
    const b = await there.finishWith((job) => {
      sent++;
      return pool.seal(job);
    });
    await pool.close();
    // Some hours went to the workers, others were held in memory.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(here.saved!.hours.length);
    expect(there.saved!.hours).toEqual(here.saved!.hours);
    for (const [hour] of here.saved!.hours) expect(readFileSync(join(there.saved!.dir, `${hour}.ndjson`), 'utf8')).toBe(readFileSync(join(here.saved!.dir, `${hour}.ndjson`), 'utf8'));
    expect(b.count).toBe(a.count);
    expect(a.count).toBeGreaterThan(0);
    expect(JSON.stringify([...b])).toBe(JSON.stringify([...a]));
  });
});

describe('spill folders in a workspace', () => {
  it('are removed when their run died without cleaning up, and kept while their run lives', () => {
    const ws = tempDir('spill-ws');
    // A process id no process has (above Linux's pid_max), and this test's own parent: alive.
    const dead = join(ws, 'configtrail-events-2147483647-abc');
    const living = join(ws, `configtrail-events-${process.ppid}-abc`);
    for (const d of [dead, living]) mkdirSync(d);
    writeFileSync(join(dead, '493000.ndjson'), 'left over\n');
    const spill = new EventSpill(0, ws);
    spill.add(event('CreateTags', { readOnly: false }));
    expect(spill.finish().spilled).toBe(true);
    const left = readdirSync(ws);
    expect(left).not.toContain('configtrail-events-2147483647-abc');
    expect(left).toContain(`configtrail-events-${process.ppid}-abc`);
    expect(left.filter((n) => n.startsWith(`configtrail-events-${process.pid}-`))).toHaveLength(1);
  });
});

describe('--memory-limit', () => {
  let exportDir: string;
  beforeAll(async () => {
    exportDir = tempDir('spill-export');
    await generateExport({ seed: 11, outDir: exportDir, from: '2026-07-01', to: '2026-07-10', accounts: 2, regions: ['us-east-1', 'eu-west-1'], targetEvents: 21_000, profile: 'automation' });
  }, 120_000);

  it('a report with every kept event on disk (--memory-limit 0) equals one with all of them in memory, file for file', () => {
    const out = (name: string) => join(exportDir, '..', name);
    const base = ['report', join(exportDir, 'export'), '--from', '2026-07-01', '--to', '2026-07-10', '--framework', 'cis-aws-v6.0', '--format', 'json,csv', '--no-workspace', '--quiet'];
    const memory = runCli([...base, '--out', out('in-memory')]);
    const disk = runCli([...base, '--out', out('on-disk'), '--memory-limit', '0']);
    expect(memory.stderr).toBe('');
    expect(disk.stderr).toBe('');
    expect(disk.status).toBe(0);
    const files = readdirSync(out('in-memory')).filter((f) => f.endsWith('.csv'));
    expect(files).toContain('activity.csv');
    for (const f of files) expect(readFileSync(join(out('on-disk'), f), 'utf8'), f).toBe(readFileSync(join(out('in-memory'), f), 'utf8'));
    // report.json differs only by the command line it records.
    const json = (dir: string) => ({ ...JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), invocation: null }) as { counts: { events: { kept: number } } };
    expect(json(out('on-disk'))).toEqual(json(out('in-memory')));
    expect(json(out('in-memory')).counts.events.kept).toBeGreaterThan(2_000);
  }, 120_000);

  it('resolves every kept call to the actor the whole period\'s sessions give, from the window of sessions a pass holds', async () => {
    const period = resolvePeriod({ from: '2026-07-01', to: '2026-07-10' });
    const { evidence, closed } = await readEvidence({ inputs: [join(exportDir, 'export')], period, maxFileBytes: 1 << 28, windowMs: 3_600_000, memoryLimit: 0 });
    await closed;
    const all = [...evidence.events];
    const whole = buildSessionIndex(all);
    const passed = [...withActors(evidence.events, () => true)];
    expect(passed.map((r) => r.event.eventId)).toEqual(all.map((e) => e.eventId));
    const chains = passed.filter((r) => r.actor!.chain.length > 1).length;
    expect(chains).toBeGreaterThan(1_000);
    for (const r of passed) expect(r.actor, r.event.eventId).toEqual(resolveActor(r.event, whole));
  }, 120_000);
});
