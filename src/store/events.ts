import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, processAlive, removeAtExit } from '../util/tempdir.js';
import type { CloudTrailEvent, UserIdentity } from '../model/types.js';
import { cmp } from '../util/compare.js';
import type { KeepFields } from './keep.js';

/**
 * The kept CloudTrail events (writes, session-issuing calls, failed calls, sign-ins), held by the
 * hour of their time: in memory while they fit the budget (`--memory-limit`), then in one file per
 * hour in a folder of their own, so memory follows the budget, not the input. Read back an hour at
 * a time, each hour sorted, every pass gives the same events in the same order (time, id, account,
 * region, API, then the whole record), so nothing downstream depends on the order files arrived in.
 *
 * A line is `<sort key as JSON>\t<identity as JSON>\t<event without its identity as JSON>`: the key
 * sorts and de-duplicates an hour without parsing the events, and the identity's text lets a pass
 * share one object per identity (the actor of an identity is resolved once: correlate/actor.ts).
 */

const HOUR_MS = 3_600_000;

const SPILL_PREFIX = 'configtrail-events-';

/**
 * Removes the spill folders of runs that died without their exit handlers (killed, out of memory)
 * from a workspace: a folder names its run's process id, and one whose process is gone is left over.
 */
function removeDeadRuns(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(SPILL_PREFIX) ? Number(/^(\d+)-/.exec(name.slice(SPILL_PREFIX.length))?.[1]) : 0;
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** An account and region kept events were logged in. */
export interface Place {
  accountId: string;
  region: string;
  /** The time of its latest kept event (epoch ms). */
  latestMs: number;
}

/** The kept events as the later stages read them: a count, and passes in time order. */
export interface KeptEvents extends Iterable<CloudTrailEvent> {
  /** Events after duplicates (the same record from two trails) were dropped. */
  readonly count: number;
  /** Whether some hours were written to disk (the budget was reached). */
  readonly spilled: boolean;
  /** Every account and region the events were logged in (keyed `account|region`), with the time of its latest event. */
  readonly places: ReadonlyMap<string, Place>;
}

/**
 * The sort key of an event, whose first six fields also tell duplicates apart: organisation and
 * account trails, and lookup-events output, can carry the same record. The id alone is not enough:
 * exports (and sample data) reuse ids for different records. The last four are what the store's
 * rule and counts read (store/keep.ts), so a replay decides from the key alone.
 */
export type Key = [
  timeMs: number,
  eventId: string,
  accountId: string,
  eventName: string,
  eventTime: string,
  who: string,
  region: string,
  eventSource: string,
  errorCode: string,
  readOnly: boolean | null,
  userType: string,
];

function keyOf(e: CloudTrailEvent): string {
  const key: Key = [e.eventTimeMs, e.eventId, e.accountId, e.eventName, e.eventTime, e.userIdentity.arn ?? e.userIdentity.principalId ?? '', e.awsRegion, e.eventSource, e.errorCode ?? '', e.readOnly ?? null, e.userIdentity.type ?? ''];
  return JSON.stringify(key);
}

/** The key of a line (lineOf). */
export function keyOfLine(line: string): Key {
  return JSON.parse(line.slice(0, line.indexOf('\t'))) as Key;
}

/** What the store's rule and counts read of an event (store/keep.ts), from its key: lines hold no data events. */
export function keepFieldsOf(key: Key): KeepFields {
  return { eventTimeMs: key[0], eventName: key[3], eventSource: key[7], errorCode: key[8], readOnly: key[9] ?? undefined, userType: key[10] };
}

/** An event as a line of the spill (and of a saved ingest's events: store/ingest.ts). */
export function lineOf(e: CloudTrailEvent): string {
  const { userIdentity, ...rest } = e;
  return `${keyOf(e)}\t${JSON.stringify(userIdentity)}\t${JSON.stringify(rest)}`;
}

/** An hour's lines sorted (time, id, account, region, API, then the whole line), and of lines that are the same record the first in that order. */
function sealHour(lines: string[]): string[] {
  const keyed = lines.map((line) => ({ line, key: keyOfLine(line) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || cmp(a.key[1], b.key[1]) || cmp(a.key[2], b.key[2]) || cmp(a.key[6], b.key[6]) || cmp(a.key[3], b.key[3]) || cmp(a.line, b.line));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { line, key } of keyed) {
    const record = JSON.stringify(key.slice(1, 6));
    if (seen.has(record)) continue;
    seen.add(record);
    out.push(line);
  }
  return out;
}

/** Most distinct identities a pass shares objects for before it starts afresh (bounded memory). */
const IDENTITIES_SHARED = 100_000;

/**
 * Parses lines back into events, equal identities as one object (an identity is resolved to its
 * actor once: correlate/actor.ts), at most IDENTITIES_SHARED at a time.
 */
export class LineReader {
  private identities = new Map<string, UserIdentity>();

  event(line: string): CloudTrailEvent {
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    if (a < 0 || b < 0) throw new Error('not an event line');
    const idText = line.slice(a + 1, b);
    let identity = this.identities.get(idText);
    if (identity === undefined) {
      if (this.identities.size >= IDENTITIES_SHARED) this.identities = new Map();
      identity = JSON.parse(idText) as UserIdentity;
      // Keyed by a text of its own: `idText` is a slice that would hold the whole text it came from in memory.
      this.identities.set(JSON.stringify(identity), identity);
    }
    const e = JSON.parse(line.slice(b + 1)) as CloudTrailEvent;
    e.userIdentity = identity;
    return e;
  }
}

/** The events of sealed hours, in order, parsed one line at a time. */
function* parseHours(hours: readonly number[], read: (hour: number) => string[]): Generator<CloudTrailEvent> {
  const reader = new LineReader();
  for (const hour of hours) for (const line of read(hour)) yield reader.event(line);
}

/**
 * Receives the kept events as the store takes them, holding them by hour; past `budgetBytes` of
 * held text every hour goes to its file (appended), and later events follow it there.
 */
export class EventSpill {
  private readonly held = new Map<number, string[]>();
  private heldBytes = 0;
  private dir: string | undefined;
  /** Hours with a file. */
  private readonly onDisk = new Set<number>();
  private readonly places = new Map<string, Place>();

  constructor(
    private readonly budgetBytes: number,
    /** Where the folder of hour files is made (the workspace, else the system's temporary folder). */
    private readonly parent: string | undefined,
  ) {}

  add(e: CloudTrailEvent): void {
    this.addLine(lineOf(e));
  }

  /** Takes an event as its line (lineOf), and its key when the caller has it. */
  addLine(line: string, key: Key = keyOfLine(line)): void {
    const [timeMs, , accountId, , , , region] = key;
    const at = `${accountId}|${region}`;
    const place = this.places.get(at);
    if (!place) this.places.set(at, { accountId, region, latestMs: timeMs });
    else if (place.latestMs < timeMs) place.latestMs = timeMs;
    const hour = Math.floor(timeMs / HOUR_MS);
    const list = this.held.get(hour);
    if (list) list.push(line);
    else this.held.set(hour, [line]);
    // UTF-16 in memory: two bytes a character.
    this.heldBytes += line.length * 2;
    if (this.heldBytes > this.budgetBytes) this.flush();
  }

  private flush(): void {
    if (!this.dir) {
      if (this.parent === undefined) this.dir = makeTempDir('events');
      else {
        mkdirSync(this.parent, { recursive: true });
        removeDeadRuns(this.parent);
        this.dir = mkdtempSync(join(this.parent, `${SPILL_PREFIX}${process.pid}-`));
        // Removed when the process exits, however it ends (util/tempdir.ts).
        removeAtExit(this.dir);
      }
    }
    for (const [hour, lines] of this.held) {
      appendFileSync(join(this.dir, `${hour}.ndjson`), `${lines.join('\n')}\n`);
      this.onDisk.add(hour);
    }
    this.held.clear();
    this.heldBytes = 0;
  }

  /**
   * Seals every hour (sorted, duplicates dropped; an hour on disk is rewritten so), and hands the
   * events over for reading. Only one hour is in memory at a time beyond what was held.
   */
  finish(): KeptEvents {
    const hours = [...new Set([...this.held.keys(), ...this.onDisk])].sort((a, b) => a - b);
    let count = 0;
    const sealed = new Map<number, string[]>();
    for (const hour of hours) {
      const lines = this.held.get(hour) ?? [];
      if (this.onDisk.has(hour)) {
        const all = sealHour([...readHour(this.dir!, hour), ...lines]);
        writeFileSync(join(this.dir!, `${hour}.ndjson`), `${all.join('\n')}\n`);
        count += all.length;
      } else {
        const all = sealHour(lines);
        sealed.set(hour, all);
        count += all.length;
      }
      this.held.delete(hour);
    }
    const dir = this.dir;
    const read = (hour: number): string[] => sealed.get(hour) ?? readHour(dir!, hour);
    return {
      count,
      spilled: dir !== undefined,
      places: this.places,
      [Symbol.iterator]: () => parseHours(hours, read),
    };
  }
}

/** The lines of an hour's file (an hour is what a pass holds in memory at a time). */
function readHour(dir: string, hour: number): string[] {
  return readFileSync(join(dir, `${hour}.ndjson`), 'utf8').split('\n').filter((l) => l.length > 0);
}

/** Events given as a list (tests, and stages that build evidence by hand) as kept events, sealed as the store seals them. */
export function keptEvents(events: Iterable<CloudTrailEvent>): KeptEvents {
  const spill = new EventSpill(Infinity, undefined);
  for (const e of events) spill.add(e);
  return spill.finish();
}
