import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Period } from '../model/types.js';
import { cmp } from '../util/compare.js';
import { UsageError, oneLine } from '../util/errors.js';
import { TRAIL_TWINS } from './layout.js';

/**
 * Reading CloudTrail and AWS Config deliveries straight from S3: a listing pruned to the date
 * prefixes that can hold evidence for the period, and streamed downloads with bounded concurrency
 * and retries. The AWS SDK's standard credential chain applies (environment, shared files,
 * `--profile`, SSO, instance and container roles).
 */

export interface S3Options {
  region?: string;
  profile?: string;
  /** An S3-compatible endpoint (path-style addressing), e.g. http://127.0.0.1:4568. */
  endpointUrl?: string;
  /** Downloads in flight at once. */
  concurrency?: number;
  /** Attempts per object (the SDK's own retries of throttling and 5xx come on top, per attempt). */
  attempts?: number;
  /** Keys per list page (the S3 maximum is 1000). */
  pageSize?: number;
  /** Days of AWS Config deliveries searched before the period for the last snapshot. */
  configLookbackDays?: number;
}

export interface S3Object {
  key: string;
  size: number;
  etag: string;
}

export interface S3Location {
  bucket: string;
  prefix: string;
}

export function isS3Url(input: string): boolean {
  return /^s3:\/\//i.test(input);
}

export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/i.exec(url);
  if (!m) throw new UsageError(`not an S3 location: "${url}" (expected s3://bucket/prefix)`);
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}

/** The AWS SDK, loaded on the first S3 input: a run over local files never loads it. */
let sdk: typeof import('@aws-sdk/client-s3') | undefined;

export async function makeClient(opts: S3Options): Promise<S3Client> {
  // The SDK warns on stderr that future releases will need Node 22; the lockfile pins this one.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  sdk ??= await import('@aws-sdk/client-s3');
  const { fromNodeProviderChain } = opts.profile ? await import('@aws-sdk/credential-providers') : { fromNodeProviderChain: undefined };
  return new sdk.S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    ...(opts.profile && fromNodeProviderChain ? { credentials: fromNodeProviderChain({ profile: opts.profile }) } : {}),
    // Throttling (SlowDown) and 5xx are retried by the SDK with exponential backoff and jitter.
    maxAttempts: 5,
    retryMode: 'standard',
    requestHandler: { requestTimeout: 60_000, connectionTimeout: 10_000 },
    // Flexible checksums are not needed to read, and S3-compatible stores may not support them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const DAY_MS = 86_400_000;

function ymd(ms: number, pad: boolean): string {
  const d = new Date(ms);
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return pad ? `${d.getUTCFullYear()}/${String(m).padStart(2, '0')}/${String(day).padStart(2, '0')}/` : `${d.getUTCFullYear()}/${m}/${day}/`;
}

/** The days whose delivery folders can hold evidence for the period. */
export interface DayPlan {
  /** CloudTrail (and digests): the session margin and correlation window before, a delivery day after. */
  cloudTrail: string[];
  /** AWS Config: newest first from the period's end back to the lookback limit. */
  configBackwards: string[];
  /** Config days inside the period (and the delivery day after it). */
  configInPeriod: number;
}

export function planDays(period: Period, lookbackDays: number): DayPlan {
  const cloudTrail: string[] = [];
  for (let t = period.startMs - 2 * DAY_MS; t < period.endMs + DAY_MS; t += DAY_MS) cloudTrail.push(ymd(t, true));
  const configBackwards: string[] = [];
  let inPeriod = 0;
  for (let t = period.endMs; t >= period.startMs - lookbackDays * DAY_MS; t -= DAY_MS) {
    configBackwards.push(ymd(t, false));
    if (t >= period.startMs) inPeriod++;
  }
  return { cloudTrail, configBackwards, configInPeriod: inPeriod };
}

interface Page {
  objects: S3Object[];
  truncated: boolean;
  token?: string;
}

interface ListRequest {
  prefix: string;
  maxKeys: number;
  token?: string;
  startAfter?: string;
}

function listPage(client: S3Client, bucket: string, req: ListRequest, onRequest?: () => void): Promise<Page> {
  onRequest?.();
  return client
    .send(new sdk!.ListObjectsV2Command({ Bucket: bucket, Prefix: req.prefix, MaxKeys: req.maxKeys, ContinuationToken: req.token, StartAfter: req.token ? undefined : req.startAfter }))
    .then((page: ListObjectsV2CommandOutput) => ({
      objects: (page.Contents ?? []).filter((o) => o.Key && !o.Key.endsWith('/')).map((o) => ({ key: o.Key!, size: o.Size ?? 0, etag: (o.ETag ?? '').replace(/"/g, '') })),
      truncated: page.IsTruncated === true,
      ...(page.NextContinuationToken ? { token: page.NextContinuationToken } : {}),
    }));
}

/** The highest code point: `prefix + '/' + MAX` sorts after every key under `prefix/`. */
const AFTER_ALL = String.fromCodePoint(0x10ffff);

const TRAIL_REGION = /(^|\/)(CloudTrail|CloudTrail-Digest|CloudTrail-Insight)\/[a-z0-9-]+\/$/;
const CONFIG_REGION = /(^|\/)Config\/[a-z0-9-]+\/$/;
const CONFIG_SNAPSHOT = /\/ConfigSnapshot\//;
/** `AWSLogs/<account>/` or `AWSLogs/<o-org>/<account>/`: the level where services are named. */
const ACCOUNT_LEVEL = /(^|\/)AWSLogs\/(o-[a-z0-9]+\/)?\d{12}\/$/;
/** The services besides CloudTrail's twins (read first: see trailTwins), in key order. */
const OTHER_EVIDENCE_SERVICES = ['CloudTrail-Insight', 'Config'];
/** A prefix already inside the date folders of a delivery (…/<region>/2026/…). */
const DATE_LEVEL = /\/(CloudTrail|CloudTrail-Digest|CloudTrail-Insight|Config)\/[a-z0-9-]+\/\d{4}\//;

/**
 * Lists the objects under `prefix` that can bear on the period, in key order. Above the date
 * levels it walks the hierarchy one level at a time; at a CloudTrail or Config region folder it
 * asks only for the day folders the period needs. For Config it also looks back from the period's
 * start until a day that holds a snapshot (every resource's state), at most `lookbackDays`.
 */
export async function* listForPeriod(client: S3Client, loc: S3Location, period: Period | undefined, opts: S3Options & { onListRequest?: () => void } = {}): AsyncGenerator<S3Object> {
  const pageSize = Math.min(1000, Math.max(1, opts.pageSize ?? 1000));
  const plan = period ? planDays(period, opts.configLookbackDays ?? 31) : undefined;

  /** Every object under a prefix, page by page. */
  async function* all(prefix: string): AsyncGenerator<S3Object> {
    let token: string | undefined;
    do {
      const page = await listPage(client, loc.bucket, { prefix, maxKeys: pageSize, ...(token ? { token } : {}) }, opts.onListRequest);
      yield* page.objects;
      token = page.truncated ? page.token : undefined;
    } while (token);
  }

  /**
   * The objects and child folders directly under a prefix, in key order, found by skipping: ask
   * for the first key, note its folder, then ask again starting after everything in that folder.
   * One request per child, and it needs no delimiter support from S3-compatible stores.
   */
  async function* level(prefix: string): AsyncGenerator<{ object?: S3Object; child?: string }> {
    let startAfter: string | undefined;
    for (;;) {
      const page = await listPage(client, loc.bucket, { prefix, maxKeys: 1, ...(startAfter ? { startAfter } : {}) }, opts.onListRequest);
      const first = page.objects[0];
      if (!first) return;
      const slash = first.key.indexOf('/', prefix.length);
      if (slash < 0) {
        yield { object: first };
        startAfter = first.key;
      } else {
        const child = first.key.slice(0, slash + 1);
        yield { child };
        startAfter = child + AFTER_ALL;
      }
    }
  }

  async function* configRegion(prefix: string, plan: DayPlan): AsyncGenerator<S3Object> {
    // Newest first, so the look-back can stop at the last snapshot before the period.
    const days: S3Object[][] = [];
    for (let i = 0; i < plan.configBackwards.length; i++) {
      const objects: S3Object[] = [];
      for await (const o of all(prefix + plan.configBackwards[i]!)) objects.push(o);
      days.push(objects);
      if (i >= plan.configInPeriod && objects.some((o) => CONFIG_SNAPSHOT.test(o.key))) break;
    }
    for (const objects of days.reverse()) yield* objects;
  }

  /**
   * An account's CloudTrail log files and digests side by side (see sources/layout.ts): region by
   * region, each day the period needs, its log files then its digests. The same requests as
   * listing one service after the other; only the order differs from the keys'.
   */
  async function* trailTwins(account: string, plan: DayPlan): AsyncGenerator<S3Object> {
    const regions = new Map<string, string[]>();
    for (const service of TRAIL_TWINS) {
      for await (const entry of level(`${account}${service}/`)) {
        if (entry.object) yield entry.object;
        else if (entry.child && !TRAIL_REGION.test(entry.child)) yield* walk(entry.child);
        else if (entry.child) {
          const region = entry.child.slice(account.length + service.length + 1);
          regions.set(region, [...(regions.get(region) ?? []), entry.child]);
        }
      }
    }
    for (const region of [...regions.keys()].sort(cmp)) {
      for (const day of plan.cloudTrail) for (const prefix of regions.get(region)!) yield* all(prefix + day);
    }
  }

  async function* walk(prefix: string): AsyncGenerator<S3Object> {
    if (plan && TRAIL_REGION.test(prefix)) {
      for (const day of plan.cloudTrail) yield* all(prefix + day);
      return;
    }
    if (plan && CONFIG_REGION.test(prefix)) {
      yield* configRegion(prefix, plan);
      return;
    }
    // Below the region folders there is nothing left to prune: list the rest in pages.
    if (!plan || DATE_LEVEL.test(prefix)) {
      yield* all(prefix);
      return;
    }
    // An account's folder: only the services that hold evidence, by their documented names.
    if (ACCOUNT_LEVEL.test(prefix)) {
      yield* trailTwins(prefix, plan);
      for (const service of OTHER_EVIDENCE_SERVICES) yield* walk(`${prefix}${service}/`);
      return;
    }
    for await (const entry of level(prefix)) {
      if (entry.object) yield entry.object;
      else if (entry.child) yield* walk(entry.child);
    }
  }

  const start = loc.prefix === '' || loc.prefix.endsWith('/') ? loc.prefix : `${loc.prefix}/`;
  yield* walk(start);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Errors that another attempt cannot fix. */
function permanent(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? '';
  return ['NoSuchKey', 'AccessDenied', 'NoSuchBucket', 'InvalidObjectState', 'TooLarge'].includes(name);
}

/**
 * Downloads one object as a stream into memory, at most `maxBytes`. A connection cut mid-body, a
 * throttle or a 5xx that outlasts the SDK's own retries is retried here with backoff.
 */
export async function fetchObject(client: S3Client, bucket: string, obj: S3Object, maxBytes: number, attempts = 4): Promise<Buffer> {
  return (await fetchObjectWithMetadata(client, bucket, obj, maxBytes, attempts)).bytes;
}

/**
 * fetchObject, with the object's user metadata (`x-amz-meta-*`, by name without the prefix, in
 * lower case): a CloudTrail digest's signature is only there.
 */
export async function fetchObjectWithMetadata(
  client: S3Client,
  bucket: string,
  obj: S3Object,
  maxBytes: number,
  attempts = 4,
): Promise<{ bytes: Buffer; metadata: Record<string, string> }> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await client.send(new sdk!.GetObjectCommand({ Bucket: bucket, Key: obj.key }));
      const body = res.Body as NodeJS.ReadableStream | undefined;
      if (!body) throw new Error('empty response body');
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of body) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          (body as unknown as { destroy?: () => void }).destroy?.();
          throw Object.assign(new Error(`object exceeds the ${maxBytes}-byte limit`), { name: 'TooLarge' });
        }
        chunks.push(chunk as Buffer);
      }
      const buf = Buffer.concat(chunks);
      if (obj.size > 0 && buf.length !== obj.size) throw new Error(`short read: ${buf.length} of ${obj.size} bytes`);
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.Metadata ?? {})) if (typeof v === 'string') metadata[k.toLowerCase()] = v;
      return { bytes: buf, metadata };
    } catch (err) {
      last = err;
      if (permanent(err) || attempt === attempts) break;
      await sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  }
  throw Object.assign(new Error(`${oneLine(last)} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`), { cause: last });
}

/**
 * Runs `work` over `items` with at most `limit` in flight, yielding results in input order, so
 * downloads overlap while what follows (parsing) sees a deterministic sequence.
 */
export async function* ordered<T, R>(items: AsyncIterable<T> | Iterable<T>, limit: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  for await (const item of items) {
    inFlight.push(work(item));
    if (inFlight.length >= limit) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
