import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedFile } from '../src/model/types.js';
import { parseFile, readDeferred } from '../src/parse/index.js';
import { MAX_DEPTH } from '../src/parse/values.js';
import { folderSignaturesNative, nativeReader, readFileNative, scanTrail, statLinesNative, useNativeReader } from '../src/parse/native.js';
import { folderSignature } from '../src/store/plan.js';
import { keepRule, type KeepRule } from '../src/store/keep.js';
import { ANY_PERIOD, statKey } from '../src/store/workspace.js';
import { ELASTIC_DATA, noElasticData, REAL_DATA, ROOT, tempDir } from './helpers/cli.js';
import { cloudTrailEvent } from './helpers/records.js';

const MB = 1 << 20;
const Q3 = { startMs: Date.UTC(2026, 6, 1), endMs: Date.UTC(2026, 9, 1) };
const RULES: [string, KeepRule][] = [
  ['any period', ANY_PERIOD],
  ['2026-Q3', keepRule({ ...Q3, from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' }, 3_600_000)],
  ['a day inside the data', { startMs: Date.UTC(2026, 6, 2), endMs: Date.UTC(2026, 6, 3), writeFromMs: Date.UTC(2026, 6, 1, 12), sessionFromMs: Date.UTC(2026, 6, 1) }],
];

/** Both readers on the same bytes: the native one, then the TypeScript one alone. */
function both(bytes: Buffer, keep: KeepRule, key = 'AWSLogs/111111111111/CloudTrail/us-east-1/2026/07/02/f.json.gz'): [ParsedFile, ParsedFile] {
  const file = { path: `/in/${key}`, key, bytes };
  useNativeReader(true);
  const native = parseFile(file, { maxFileBytes: 16 * MB, keep });
  useNativeReader(false);
  const ts = parseFile(file, { maxFileBytes: 16 * MB, keep });
  useNativeReader(true);
  return [native, ts];
}

function expectSame(bytes: Buffer, keep: KeepRule): ParsedFile {
  const [native, ts] = both(bytes, keep);
  expect(native).toEqual(ts);
  // Same fields in the same order: the workspace and report.json serialise these.
  expect(JSON.stringify(native)).toBe(JSON.stringify(ts));
  return native;
}

/** Objects nested `levels` deep: {a: {a: … 1}}. */
function nestedIn(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

function trail(records: unknown[], raw: string[] = []): Buffer {
  const text = JSON.stringify({ Records: records });
  return gzipSync(raw.length ? `${text.slice(0, -2)}${records.length ? ',' : ''}${raw.join(',')}]}` : text);
}

/**
 * Records JSON.stringify cannot write: repeated keys (JSON.parse keeps the last), escaped key names,
 * numbers written oddly.
 */
function rawRecords(): string[] {
  const base = JSON.stringify(event({ eventID: 'raw' })).slice(1, -1);
  return [
    `{${base},"recipientAccountId":null}`,
    `{"recipientAccountId":null,${base}}`,
    `{${base},"userIdentity":{"type":"IAMUser","accountId":"1","type":"Root"}}`,
    `{${base},"userIdentity":{"type":"Root","type":null}}`,
    `{${base},"readOnly":false,"readOnly":true}`,
    `{${base},"readOnly":true,"readOnly":"maybe"}`,
    `{${base},"readOnly":true,"readOnly":1}`,
    `{${base},"userIdentity":{"type":"IAMUser"},"recipientAccountId":null}`,
    `{${base},"userIdentity":{"type":"IAMUser","accountId":"1","accountId":null},"recipientAccountId":""}`,
    `{${base},"errorCode":"Denied","errorCode":null}`,
    `{${base},"errorCode":null,"errorCode":"Denied"}`,
    `{${base},"eventName":"AssumeRole","eventSource":"sts.amazonaws.com","eventSource":"ec2.amazonaws.com"}`,
    `{${base},"event\u004eame":""}`,
    `{${base},"eventTime":"2026-07-02T10:00:00Z","eventTime":"2026-11-02T10:00:00Z"}`,
    `{${base},"requestParameters":{"big":9007199254740993,"n":1.0,"m":-0,"e":1E2,"f":0.1e-2,"u":"\u00e9\ud83d\ude00"}}`,
  ];
}

/** A successful read-only call: what most of a trail is, and what the native reader settles. */
function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return cloudTrailEvent({ eventName: 'DescribeInstances', requestParameters: { filterSet: {} }, readOnly: true, ...overrides });
}

/** Records that exercise every field the native reader judges, in every type a hostile file may give it. */
function oddRecords(): unknown[] {
  const odd: Record<string, unknown>[] = [
    {},
    { readOnly: false },
    { readOnly: 'true' },
    { readOnly: 'false' },
    { readOnly: 'yes' },
    { readOnly: 1 },
    { readOnly: null },
    { eventName: '' },
    { eventName: 7 },
    { eventName: null },
    { eventSource: '' },
    { eventID: '' },
    { eventID: 42 },
    { eventTime: '2026-07-02T24:00:00Z' },
    { eventTime: '2026-02-29T10:00:00Z' },
    { eventTime: '2028-02-29T10:00:00Z' },
    { eventTime: '2026-07-02T10:00:60Z' },
    { eventTime: '20260702T100000Z' },
    { eventTime: '2026-07-02T10:00:00.123Z' },
    { eventTime: '2026-07-02T10:00:00+02:00' },
    { eventTime: 1782986400 },
    { eventTime: '1782986400' },
    { eventTime: 'yesterday' },
    { eventTime: '2026-13-02T10:00:00Z' },
    { eventTime: '2026-00-10T10:00:00Z' },
    { eventTime: '2026-07-00T10:00:00Z' },
    { eventTime: '2026-04-31T10:00:00Z' },
    { eventTime: '2026-07-02T10:-1:00Z' },
    { eventTime: '2026-07-02t10:00:00z' },
    { readOnly: undefined },
    { eventTime: '0000-01-01T00:00:00Z' },
    { eventTime: '2026-06-30T23:00:00Z', readOnly: false },
    { eventTime: '2026-06-28T23:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' },
    { eventTime: '2026-06-30T23:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' },
    { eventName: 'GetSessionToken', eventSource: 'sts.amazonaws.com' },
    { eventName: 'AssumeRole', eventSource: 'iam.amazonaws.com' },
    { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin' },
    { errorCode: 'AccessDenied' },
    { errorCode: '' },
    { errorCode: null },
    { errorCode: 403 },
    { awsRegion: '' },
    { awsRegion: 5 },
    { recipientAccountId: '' },
    { recipientAccountId: null },
    { recipientAccountId: 111111111111 },
    { recipientAccountId: undefined, userIdentity: { type: 'IAMUser' } },
    { recipientAccountId: '', userIdentity: { type: 'IAMUser', accountId: '' } },
    { recipientAccountId: undefined, userIdentity: { type: 'Root', accountId: 222222222222 } },
    { userIdentity: { type: 'Root', accountId: '111111111111' } },
    { userIdentity: { type: 'Root', accountId: '111111111111' }, eventTime: '2026-06-30T23:59:59Z' },
    { userIdentity: { type: null, accountId: null } },
    { userIdentity: { type: 5 } },
    { userIdentity: null },
    { userIdentity: [] },
    { userIdentity: 'Root' },
    { userIdentity: {} },
    { eventTime: '2026-10-01T00:00:00Z' },
    { eventTime: '2026-10-01T00:00:00Z', readOnly: false },
    { eventTime: '2026-09-30T23:59:59Z', readOnly: false },
    { eventTime: '2026-07-01T00:00:00Z', errorCode: 'AccessDenied' },
    { eventTime: '2026-06-30T23:59:59Z', errorCode: 'AccessDenied' },
    { eventTime: '2026-06-30T23:00:00Z', readOnly: false },
    { eventTime: '2026-06-30T22:59:59Z', readOnly: false },
    { eventTime: '2026-06-29T00:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' },
    { eventTime: '2026-06-28T23:59:59Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' },
    { eventTime: '2026-09-30T23:59:59Z' },
    { requestParameters: { small: 1e-7, neg: -0.5, exp: 1e21, text: 'héllo \u2028 "quoted" \\ \u0001 😀' } },
    { eventName: 'Désactivé', eventSource: 'ec2.amazonaws.com' },
    // SIEM exports' moved fields (parse/cloudtrail.ts MOVED_FIELDS): the native reader hands these back.
    { eventTime: undefined, '@timestamp': '2026-07-02T10:00:00.000Z' },
    { eventTime: null, '@timestamp': '2026-07-02T10:00:00.000Z', readOnly: false },
    { eventTime: undefined, '@timestamp': 'soon' },
    { eventTime: undefined },
    { eventName: undefined, evt: { name: 'DescribeInstances' } },
    { eventName: undefined, evt: { name: 'RunInstances' }, readOnly: undefined },
    { 'network.client.ip': '192.0.2.1', http: { useragent: 'dd' } },
    { network: { client: { ip: '192.0.2.1' } }, readOnly: false },
    // Read-only by the rule attribution uses (store/keep.ts isWrite), counted alike by both readers.
    ...['ListBuckets', 'Listbuckets', 'Get', 'GetÉtat', 'HeadObject', 'TestInvokeMethod', 'ConsoleLogin', 'PutObject'].flatMap((eventName) => [
      { eventTime: '2026-10-01T00:00:00Z', eventName, readOnly: undefined },
      { eventTime: '2026-10-01T00:00:00Z', eventName, readOnly: false },
      { eventTime: '2026-10-01T00:00:00Z', eventName, readOnly: 'nope' },
    ]),
  ];
  const records: unknown[] = odd.map((o, i) => event({ eventID: `odd-${i}`, ...o }));
  records.push(null, 7, 'text', [event()], true);
  return records;
}

afterEach(() => useNativeReader(true));

describe('native CloudTrail reader', () => {
  it('is built and loads (set CONFIGTRAIL_NATIVE=0 to test without it)', () => {
    if (process.env.CONFIGTRAIL_NATIVE === '0') return;
    expect(nativeReader()).toBe(true);
  });

  const skipWithout = process.env.CONFIGTRAIL_NATIVE === '0';

  it.skipIf(skipWithout)('gives what the TypeScript reader gives on records of every odd shape, for every period', () => {
    const gz = trail(oddRecords(), rawRecords());
    for (const [, rule] of RULES) {
      // It must settle this file itself, not hand all of it back.
      expect(scanTrail(gz, 16 * MB, rule)).toBeDefined();
      const p = expectSame(gz, rule);
      expect(p.input.records).toBe(oddRecords().length + rawRecords().length);
      expect(p.input.records).toBe((p.dropped?.read ?? 0) + p.events.length + p.input.rejected);
    }
    // Most of those are plain read-only successes in the quarter: settled natively, counted only.
    expect(expectSame(gz, RULES[1]![1]).dropped!.read).toBeGreaterThan(10);
  });

  it.skipIf(skipWithout)('settles the sample generator’s log files, as the TypeScript reader would', () => {
    const root = join('samples', 'demo', 'export');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/_CloudTrail_.*\.json\.gz$/.test(e.name)) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(20);
    let settled = 0;
    let dropped = 0;
    for (const f of files.slice(0, 60)) {
      const bytes = readFileSync(f);
      for (const [, rule] of RULES) {
        if (scanTrail(bytes, 16 * MB, rule)) settled++;
        dropped += expectSame(bytes, rule).dropped?.read ?? 0;
      }
    }
    expect(settled).toBe(Math.min(files.length, 60) * RULES.length);
    expect(dropped).toBeGreaterThan(0);
  });

  it.skipIf(skipWithout || noElasticData)('gives the same on the real CloudTrail samples of ../shared/data', () => {
    const dir = ELASTIC_DATA;
    const records = readdirSync(dir)
      .filter((n) => !n.includes('digest'))
      .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter((l) => l.trim()))
      .map((l) => JSON.parse(l) as unknown);
    expect(records.length).toBeGreaterThan(3);
    for (const [, rule] of RULES) expectSame(trail(records), rule);
  });

  it.skipIf(skipWithout)('gives the same on Insights records, records without eventID and EventBridge events of the real samples', () => {
    const real = (rel: string) => JSON.parse(readFileSync(join(REAL_DATA, rel), 'utf8')) as Record<string, unknown>;
    const records = (rel: string) => real(rel).Records as unknown[];
    const insights = records('awsdocs-cloudtrail/cloudtrail-log-file-examples-09.json');
    const old = [2, 3, 4, 5, 6].flatMap((n) => records(`awsdocs-cloudtrail/cloudtrail-log-file-examples-0${n}.json`));
    const envelopes = ['custodian/cwe/event-cloud-trail-s3.json', 'custodian/cwe/sqs-discover.json', 'custodian/cwe/ec2-duty-event.json'].map(real);
    // Periods around the 2014 records and the Insights records too, so that either could be dropped.
    const rules: KeepRule[] = [...RULES.map(([, r]) => r), keepRule({ startMs: Date.UTC(2014, 2, 1), endMs: Date.UTC(2014, 3, 1), from: '2014-03-01', to: '2014-03-31', label: '2014-03' }, 3_600_000)];
    const files: [string, Buffer, (p: ParsedFile) => void][] = [
      ['an Insights log file', gzipSync(JSON.stringify({ Records: insights })), (p) => expect(p.skipped?.reason).toMatch(/^CloudTrail Insights events/)],
      ['Insights records among calls', trail([insights[0], event(), ...old, insights[1]]), (p) => expect(p.input.rejected).toBe(0)],
      ['2014 records without eventID', trail(old), (p) => expect(p.events.every((e) => e.eventId.startsWith('sha256:'))).toBe(true)],
      ['EventBridge events as Firehose writes them', gzipSync(envelopes.map((e) => JSON.stringify(e)).join('')), (p) => expect(p.input.kind).toBe('eventbridge')],
    ];
    for (const [what, bytes, check] of files) {
      for (const rule of rules) {
        const [native, ts] = both(bytes, rule);
        expect(native, what).toEqual(ts);
        expect(JSON.stringify(native), what).toBe(JSON.stringify(ts));
        check(native);
      }
    }
    // The 2014 records, read-only or not, are built in both (no eventID: never settled natively).
    expect(both(trail(old), rules.at(-1)!)[0].events).toHaveLength(old.length);
  });

  it.skipIf(skipWithout)('hands back whole every file it cannot settle, which then reads as before', () => {
    const good = JSON.stringify({ Records: [event()] });
    const gz = (s: string | Buffer): Buffer => gzipSync(s);
    const cases: [string, Buffer][] = [
      ['invalid JSON', gz(`${good.slice(0, -5)}`)],
      ['trailing garbage', gz(`${good} x`)],
      ['a number too large for simdjson', gz(good.replace('"eventVersion":"1.08"', '"eventVersion":123456789012345678901234567890'))],
      ['a lone surrogate escape', gz(good.replace('"eventVersion":"1.08"', '"eventVersion":"\\ud800"'))],
      ['invalid UTF-8', gz(Buffer.concat([Buffer.from(good.slice(0, -3)), Buffer.from([0xff, 0xfe]), Buffer.from(good.slice(-3))]))],
      ['a byte-order mark', gz(`\ufeff${good}`)],
      ['Records twice', gz(`{"Records":[],${good.slice(1)}`)],
      ['Records not an array', gz('{"Records":{}}')],
      ['no Records', gz('{"configurationItems":[]}')],
      ['two gzip members', Buffer.concat([gz(good.slice(0, 20)), gz(good.slice(20))])],
      ['a wrong size in the gzip trailer', Buffer.concat([gz(good).subarray(0, -4), Buffer.from([1, 0, 0, 0])])],
      ['truncated gzip', gz(good).subarray(0, 30)],
      ['a top-level array', gz(`[${JSON.stringify(event())}]`)],
    ];
    for (const [what, bytes] of cases) {
      const scan = scanTrail(bytes, 16 * MB, ANY_PERIOD);
      // Not settled: handed back whole, or as its inflated text when that is exactly what TypeScript would decode.
      expect(scan === undefined || typeof scan === 'string', what).toBe(true);
      if (typeof scan === 'string') expect(scan, what).toBe(gunzipSync(bytes).toString('utf8'));
      for (const [, rule] of RULES) expectSame(bytes, rule);
    }
    // Text is handed back only when TypeScript's decoding would give the same string.
    expect(typeof scanTrail(cases[0]![1], 16 * MB, ANY_PERIOD)).toBe('string');
    expect(scanTrail(gz('{"configurationItems":[],"note":"ünïcode"}'), 16 * MB, ANY_PERIOD)).toBe('{"configurationItems":[],"note":"ünïcode"}');
    for (const what of ['invalid UTF-8', 'a byte-order mark', 'two gzip members', 'a wrong size in the gzip trailer', 'truncated gzip']) {
      expect(scanTrail(cases.find(([w]) => w === what)![1], 16 * MB, ANY_PERIOD), what).toBeUndefined();
    }
    // Over the size limit: the TypeScript reader rejects it as a possible gzip bomb.
    const big = trail(Array.from({ length: 50 }, (_, i) => event({ eventID: `e${i}` })));
    expect(scanTrail(big, 1000, ANY_PERIOD)).toBeUndefined();
    useNativeReader(true);
    expect(parseFile({ path: '/in/x.json.gz', key: 'x.json.gz', bytes: big }, { maxFileBytes: 1000, keep: ANY_PERIOD }).rejected[0]!.reason).toMatch(/gzip bomb/);
  });

  it.skipIf(skipWithout)('settles a log file whose records are nested up to the limit, and hands back one past it', () => {
    // The deep record is read-only (natively it would be counted, not built) or a write (evidence).
    const at = (levels: number, readOnly: boolean) =>
      event({ eventID: `deep-${levels}`, readOnly, eventName: readOnly ? 'DescribeInstances' : 'RunInstances', requestParameters: nestedIn(levels - 1) });
    for (const readOnly of [true, false]) {
      const fits = trail([event(), at(MAX_DEPTH, readOnly)]);
      expect(scanTrail(fits, 16 * MB, ANY_PERIOD)).toMatchObject({ records: 2 });
      const deep = trail([event(), at(MAX_DEPTH + 1, readOnly)]);
      expect(typeof scanTrail(deep, 16 * MB, ANY_PERIOD)).toBe('string');
      for (const [, rule] of RULES) {
        expect(expectSame(fits, rule).rejected).toEqual([]);
        expect(expectSame(deep, rule).rejected.map((r) => [r.record, r.reason])).toEqual([[1, `CloudTrail record is nested more than ${MAX_DEPTH} levels deep`]]);
      }
    }
  });

  it.skipIf(skipWithout)('reads a file in one call, or leaves it to TypeScript to say why it cannot', () => {
    const dir = tempDir('native-read');
    const file = join(dir, 'a.json.gz');
    const bytes = trail([event()]);
    writeFileSync(file, bytes);
    writeFileSync(join(dir, 'empty'), '');
    symlinkSync(file, join(dir, 'link'));
    mkdirSync(join(dir, 'sub'));
    expect(readFileNative(file, 16 * MB)).toEqual(bytes);
    expect(readFileNative(join(dir, 'empty'), 16 * MB)).toEqual(Buffer.alloc(0));
    for (const p of ['link', 'sub', 'missing']) expect(readFileNative(join(dir, p), 16 * MB), p).toBeUndefined();
    expect(readFileNative(file, bytes.length - 1)).toBeUndefined();
    // A NUL would cut the path short (here: to the file before it); Node refuses such a path, and so does the addon.
    expect(readFileNative(`${file}\0.other`, 16 * MB)).toBeUndefined();
    // The same outcomes, with or without it, through the worker's reader.
    const read = (name: string, max = 16 * MB) => readDeferred({ path: name, key: name, bytes: Buffer.alloc(0), fsPath: join(dir, name) }, max);
    for (const [name, max] of [['a.json.gz', 16 * MB], ['empty', 16 * MB], ['link', 16 * MB], ['sub', 16 * MB], ['missing', 16 * MB], ['a.json.gz', 10]] as const) {
      useNativeReader(true);
      const withIt = read(name, max);
      useNativeReader(false);
      expect(withIt, name).toEqual(read(name, max));
      useNativeReader(true);
    }
    expect(read('link')).toBe('symbolic link not followed');
    expect(read('a.json.gz', 10)).toMatch(/exceeds the 10-byte limit/);
  });

  it.skipIf(skipWithout)('writes the stat-key lines Node\'s lstat gives, so a workspace keys files alike with or without it', () => {
    const dir = `${tempDir('native-stat')}/`;
    const names = ['a.json.gz', 'b', 'ü name', 'c d'];
    for (const n of names) writeFileSync(join(dir, n), n.repeat(3));
    // Times of every kind: whole seconds, fractions Node writes in full, before 1970, now.
    utimesSync(join(dir, 'b'), 1, 1_700_000_000);
    utimesSync(join(dir, 'ü name'), 1, 1_700_000_000.123456);
    utimesSync(join(dir, 'c d'), 1, -1234.5);
    const js = (folder: string, list: string[]) =>
      list
        .map((n) => {
          const st = lstatSync(folder + n);
          return `${folder + n}\0${folder + n}\0${st.size}\0${st.dev}\0${st.ino}\0${st.mtimeMs}\0${st.ctimeMs}`;
        })
        .join('\n');
    expect(statLinesNative(dir, names)).toBe(js(dir, names));
    // The real exports' folders, as a walk lists them.
    for (const root of [join(ROOT, 'samples/demo/export'), REAL_DATA]) {
      const folders = new Map<string, string[]>();
      for (const rel of readdirSync(root, { recursive: true }).map(String)) {
        const full = join(root, rel);
        if (!lstatSync(full).isFile()) continue;
        const folder = full.slice(0, full.lastIndexOf('/') + 1);
        folders.set(folder, [...(folders.get(folder) ?? []), full.slice(folder.length)]);
      }
      expect(folders.size).toBeGreaterThan(0);
      for (const [folder, list] of folders) expect(statLinesNative(folder, list), folder).toBe(js(folder, list));
    }
    // Anything but regular files, or a name that is not one, is left to TypeScript.
    symlinkSync(join(dir, 'b'), join(dir, 'link'));
    mkdirSync(join(dir, 'sub'));
    for (const bad of [['link'], ['sub'], ['missing'], ['b', 'missing'], ['sub/x'], ['b\0c'], []]) expect(statLinesNative(dir, bad), bad.join()).toBeUndefined();
    expect(statLinesNative(dir.slice(0, -1), ['b'])).toBeUndefined();
    // The batch key comes out the same either way.
    const files = names.map((n) => ({ path: dir + n, key: n, bytes: Buffer.alloc(0), fsPath: dir + n }));
    const withIt = statKey(files, 1000);
    useNativeReader(false);
    expect(statKey(files, 1000)).toBe(withIt);
    useNativeReader(true);
    expect(withIt).toBeDefined();
  });

  it.skipIf(skipWithout)('gives the folder signatures Node\'s lstat gives, and none for anything but a folder', () => {
    const dir = tempDir('native-folders');
    const folders = ['a', 'b', 'c d', 'ü'].map((n) => join(dir, n));
    for (const f of folders) mkdirSync(f);
    utimesSync(folders[1]!, 1, 1_700_000_000);
    utimesSync(folders[2]!, 1, 1_700_000_000.5);
    utimesSync(folders[3]!, 1, -86_400.25);
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync(folders[0]!, join(dir, 'link'));
    const walked = readdirSync(join(ROOT, 'samples/demo/export'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(e.parentPath, e.name));
    expect(walked.length).toBeGreaterThan(5);
    const paths = [...folders, dir, join(dir, 'file'), join(dir, 'link'), join(dir, 'missing'), ...walked];
    expect(folderSignaturesNative(paths)).toEqual(paths.map((p) => folderSignature(p) ?? ''));
    expect(folderSignaturesNative([join(dir, 'file')])).toEqual(['']);
    // A NUL would join two paths: left to TypeScript.
    expect(folderSignaturesNative([`${dir}\0x`])).toBeUndefined();
  });
});
