import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, processAlive, removeAtExit } from '../util/tempdir.js';
import type { CloudTrailEvent, UserIdentity } from '../model/types.js';
import { cmp } from '../util/compare.js';
import { sha256Of, verifyFile } from './checksum.js';
import { keepsEvent, type KeepFields, type KeepRule } from './keep.js';

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
 *
 * A run that saves its ingest (store/ingest.ts) holds the events that are evidence for any period
 * here, and its sealed hour files become the saved ingest's events: a later run reads them where
 * they are (savedEvents), and the period's rule picks its events from them as a pass reads them
 * (hourKeeps). One mechanism holds a run's kept events and a saved ingest's.
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

/** A line with its key. */
interface Keyed {
  line: string;
  key: Key;
}

/**
 * An hour's lines sorted (time, id, account, region, API, then the whole line), and of lines that
 * are the same record the first in that order. The same record carries the same fields the rule
 * reads (they are part of what makes it the same), so whether duplicates are dropped before the
 * period's rule picks events or after, the same events remain.
 */
function sealHour(lines: string[]): Keyed[] {
  const keyed = lines.map((line) => ({ line, key: keyOfLine(line) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || cmp(a.key[1], b.key[1]) || cmp(a.key[2], b.key[2]) || cmp(a.key[6], b.key[6]) || cmp(a.key[3], b.key[3]) || cmp(a.line, b.line));
  const out: Keyed[] = [];
  const seen = new Set<string>();
  for (const k of keyed) {
    const record = JSON.stringify([...k.key.slice(1, 6), ...k.key.slice(7)]);
    if (seen.has(record)) continue;
    seen.add(record);
    out.push(k);
  }
  return out;
}

/**
 * Which of an hour's lines the period's rule keeps, when the lines are evidence for some period (a
 * read-only success is in none): all of an hour inside the period, none of an hour after it or
 * before both its margins, else some, decided line by line from the key. Without a rule, all.
 */
export function hourKeeps(hour: number, rule: KeepRule | undefined): 'all' | 'none' | 'some' {
  if (rule === undefined) return 'all';
  const from = hour * HOUR_MS;
  const to = from + HOUR_MS;
  if (from >= rule.endMs || to <= Math.min(rule.writeFromMs, rule.sessionFromMs)) return 'none';
  return from >= rule.startMs && to <= rule.endMs ? 'all' : 'some';
}

function keptByRule(key: Key, rule: KeepRule): boolean {
  return keepsEvent(keepFieldsOf(key), rule);
}

/** Notes where a kept event was logged (KeptEvents.places). */
function addPlace(places: Map<string, Place>, key: Key): void {
  const [timeMs, , accountId, , , , region] = key;
  const at = `${accountId}|${region}`;
  const place = places.get(at);
  if (!place) places.set(at, { accountId, region, latestMs: timeMs });
  else if (place.latestMs < timeMs) place.latestMs = timeMs;
}

/**
 * A sealed hour's file, as a saved ingest lists it: its hour (since the epoch), the SHA-256 of its
 * content, its lines, and where they were logged (`account|region`, and the latest time there). A
 * replay counts and places an hour its period keeps whole from these, without reading its lines.
 */
export type SavedHour = [hour: number, sha256: string, lines: number, places: [string, number][]];

/** Merges an hour's places (SavedHour) into a pass's. */
function addPlaces(places: Map<string, Place>, hourPlaces: [string, number][]): void {
  for (const [at, latestMs] of hourPlaces) {
    const place = places.get(at);
    if (!place) {
      const [accountId = '', region = ''] = at.split('|');
      places.set(at, { accountId, region, latestMs });
    } else if (place.latestMs < latestMs) place.latestMs = latestMs;
  }
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

/** The events of sealed hours the rule keeps, in order, parsed one line at a time. */
function* parseHours(hours: readonly number[], read: (hour: number) => string[], rule: KeepRule | undefined): Generator<CloudTrailEvent> {
  const reader = new LineReader();
  for (const hour of hours) {
    const keeps = hourKeeps(hour, rule);
    if (keeps === 'none') continue;
    for (const line of read(hour)) if (keeps === 'all' || keptByRule(keyOfLine(line), rule!)) yield reader.event(line);
  }
}

/**
 * Receives the kept events as the store takes them, holding them by hour; past `budgetBytes` of
 * held text every hour goes to its file (appended), and later events follow it there. With a rule,
 * it may also receive events other periods would keep (a run that saves its ingest): the rule picks
 * the period's as they are read.
 */
export class EventSpill {
  private readonly held = new Map<number, string[]>();
  private heldBytes = 0;
  private dir: string | undefined;
  /** Hours with a file. */
  private readonly onDisk = new Set<number>();
  private readonly places = new Map<string, Place>();
  /** Every hour is written to its file when sealed, and listed (`saved`): the saved ingest's events (store/ingest.ts). */
  saving = false;
  /** The sealed hours' files, once finish() has written them, when `saving`. */
  saved: { dir: string; hours: SavedHour[] } | undefined;

  constructor(
    private readonly budgetBytes: number,
    /** Where the folder of hour files is made (the workspace, else the system's temporary folder). */
    private readonly parent: string | undefined,
    /** The period's rule, when the spill receives events it does not keep. */
    private readonly rule?: KeepRule,
  ) {}

  add(e: CloudTrailEvent): void {
    this.addLine(lineOf(e));
  }

  /** Takes an event as its line (lineOf), and its key when the caller has it; `kept` when the period's rule keeps it. */
  addLine(line: string, key: Key = keyOfLine(line), kept = true): void {
    if (kept) addPlace(this.places, key);
    const hour = Math.floor(key[0] / HOUR_MS);
    const list = this.held.get(hour);
    if (list) list.push(line);
    else this.held.set(hour, [line]);
    // UTF-16 in memory: two bytes a character.
    this.heldBytes += line.length * 2;
    if (this.heldBytes > this.budgetBytes) this.flush();
  }

  private folder(): string {
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
    return this.dir;
  }

  private flush(): void {
    const dir = this.folder();
    for (const [hour, lines] of this.held) {
      appendFileSync(join(dir, `${hour}.ndjson`), `${lines.join('\n')}\n`);
      this.onDisk.add(hour);
    }
    this.held.clear();
    this.heldBytes = 0;
  }

  /**
   * Seals every hour (sorted, duplicates dropped) and hands the period's events over for reading:
   * an hour with a file is sealed in place, one in memory at a time; an hour held in memory is sealed
   * there (and written to its file when saving).
   */
  finish(): KeptEvents {
    const onDisk = this.withFiles();
    return this.assemble(onDisk.map((hour) => sealHourFile(this.job(hour))), this.sealHeld());
  }

  /**
   * finish(), with the hour files sealed by `seal` (the parse workers: store/index.ts sealEvents),
   * several at a time, while this thread seals the hours held in memory. A file is sealed alike
   * wherever it is.
   */
  async finishWith(seal: (job: SealJob) => Promise<SealedHour>): Promise<KeptEvents> {
    const fromFiles = Promise.all(this.withFiles().map((hour) => seal(this.job(hour))));
    const held = this.sealHeld();
    return this.assemble(await fromFiles, held);
  }

  /** The hours with a file, each holding its held lines too. */
  private withFiles(): number[] {
    const hours = [...this.onDisk].sort((a, b) => a - b);
    for (const hour of hours) {
      const lines = this.held.get(hour);
      if (lines === undefined) continue;
      appendFileSync(join(this.dir!, `${hour}.ndjson`), `${lines.join('\n')}\n`);
      this.held.delete(hour);
    }
    return hours;
  }

  private job(hour: number): SealJob {
    return { dir: this.dir!, hour, ...(this.rule ? { rule: this.rule } : {}), saving: this.saving };
  }

  /** The hours held in memory only, sealed there; when saving, each written to its file. */
  private sealHeld(): { sealed: SealedHour[]; lines: Map<number, string[]> } {
    const sealed: SealedHour[] = [];
    const lines = new Map<number, string[]>();
    for (const [hour, held] of this.held) {
      const keyed = sealHour(held);
      const one: SealedHour = { hour, count: keptIn(hour, keyed, this.rule) };
      lines.set(hour, keyed.map((k) => k.line));
      if (this.saving) {
        const text = `${lines.get(hour)!.join('\n')}\n`;
        writeFileSync(join(this.folder(), `${hour}.ndjson`), text);
        one.saved = savedHour(hour, text, keyed);
      }
      sealed.push(one);
    }
    this.held.clear();
    return { sealed, lines };
  }

  /** The sealed hours as the period's events, and when saving the list a saved ingest holds. */
  private assemble(fromFiles: SealedHour[], held: { sealed: SealedHour[]; lines: Map<number, string[]> }): KeptEvents {
    const all = [...fromFiles, ...held.sealed].sort((a, b) => a.hour - b.hour);
    if (this.saving) this.saved = { dir: this.folder(), hours: all.map((s) => s.saved!) };
    const dir = this.dir;
    const count = all.reduce((n, s) => n + s.count, 0);
    return overHours(all.map((s) => s.hour), count, this.places, dir !== undefined, (hour) => held.lines.get(hour) ?? readHour(dir!, hour), this.rule);
  }
}

/** What sealing an hour's file takes: the rule picks the period's events (to count them); `saving` lists the file for a saved ingest. */
export interface SealJob {
  dir: string;
  hour: number;
  rule?: KeepRule;
  saving: boolean;
}

export interface SealedHour {
  hour: number;
  /** The hour's events the rule keeps. */
  count: number;
  /** When saving. */
  saved?: SavedHour;
}

/** How many of an hour's sealed lines the rule keeps. */
function keptIn(hour: number, keyed: Keyed[], rule: KeepRule | undefined): number {
  const keeps = hourKeeps(hour, rule);
  return keeps === 'all' ? keyed.length : keeps === 'none' ? 0 : keyed.filter((k) => keptByRule(k.key, rule!)).length;
}

/**
 * Seals an hour's file in place: its lines sorted, duplicates dropped, written anew (whole, or not
 * at all: a file sealed twice is the same). Pure but for the file: a parse worker runs it as the
 * main thread would.
 */
export function sealHourFile({ dir, hour, rule, saving }: SealJob): SealedHour {
  const keyed = sealHour(readHour(dir, hour));
  const text = `${keyed.map((k) => k.line).join('\n')}\n`;
  const path = join(dir, `${hour}.ndjson`);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  const sealed: SealedHour = { hour, count: keptIn(hour, keyed, rule) };
  if (saving) sealed.saved = savedHour(hour, text, keyed);
  return sealed;
}

/** A sealed hour as a saved ingest lists it. */
function savedHour(hour: number, text: string, keyed: Keyed[]): SavedHour {
  const here = new Map<string, Place>();
  for (const k of keyed) addPlace(here, k.key);
  return [hour, sha256Of(text), keyed.length, [...here].map(([at, p]) => [at, p.latestMs])];
}

/** Kept events over sealed hours: `read` gives an hour's lines, of which the rule keeps the period's. */
function overHours(hours: readonly number[], count: number, places: ReadonlyMap<string, Place>, spilled: boolean, read: (hour: number) => string[], rule: KeepRule | undefined): KeptEvents {
  return { count, spilled, places, [Symbol.iterator]: () => parseHours(hours, read, rule) };
}

/**
 * The events a saved ingest holds (EventSpill.saved, moved into the ingest's folder), as the period's
 * rule keeps them, read where they are. Each hour the period reads is checked against its sum first
 * (store/checksum.ts): a damaged one throws DamagedFile, and the run reads its inputs again.
 * `onRead` is called before a pass reads an hour.
 */
export function savedEvents(dir: string, hours: readonly SavedHour[], rule: KeepRule, remedy: string, onRead?: () => void): KeptEvents {
  let count = 0;
  const places = new Map<string, Place>();
  const read: number[] = [];
  for (const [hour, sha256, lines, hourPlaces] of hours) {
    const keeps = hourKeeps(hour, rule);
    if (keeps === 'none') continue;
    verifyFile(join(dir, `${hour}.ndjson`), { sha256, remedy });
    read.push(hour);
    if (keeps === 'all') {
      count += lines;
      addPlaces(places, hourPlaces);
      continue;
    }
    // An hour at the period's edges (a few): its lines decided one by one.
    for (const line of readHour(dir, hour)) {
      const key = keyOfLine(line);
      if (!keptByRule(key, rule)) continue;
      count++;
      addPlace(places, key);
    }
  }
  return overHours(read, count, places, true, (hour) => {
    onRead?.();
    return readHour(dir, hour);
  }, rule);
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
