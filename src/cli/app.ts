import { existsSync, lstatSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_FRAMEWORK, loadAuthorizedPrincipals, loadWaivers, selectFrameworks } from '../controls/index.js';
import { runReport } from '../pipeline/report.js';
import { endWorkers, prestartWorkers } from '../parse/prestart.js';
import { ARCHIVE_SIZE_FACTOR } from '../sources/archive.js';
import { isS3Url } from '../sources/s3.js';
import { loadExpectedScope } from '../store/coverage.js';
import { savedIngests } from '../store/ingest.js';
import { loadPublicKeys } from '../store/keys.js';
import type { QueryFormat } from '../store/query.js';
import type { OutputFormat } from '../render/index.js';
import { DEFAULT_MAX_CHANGES } from '../render/view.js';
import { ConfigtrailError, UsageError, oneLine } from '../util/errors.js';
import { resolvePeriod } from '../util/period.js';
import { removeLastAtExit } from '../util/tempdir.js';
import type { S3Options } from '../sources/s3.js';
import { generatorInfo } from '../util/version.js';
import { generationTime } from '../util/clock.js';
import { loadSignKey } from '../pipeline/signing.js';
import { createProgressReporter } from './progress.js';
import { formatSummary, jsonSummary } from './summary.js';
import { printable } from '../util/printable.js';

// The heap grows by 20% over what the last full collection kept, not V8's default of up to 4×: the
// kept evidence is long-lived while every decoded file's result is short-lived, and the default lets
// the garbage of a large run reach several times the evidence. Measured: peak RSS of the 8M-event
// benchmark 450 → 367 MiB, same speed. (A tuning flag V8 reads at each collection.)
setFlagsFromString('--heap-growing-percent=20');

/** Exit codes (documented in the README). */
export const EXIT = { ok: 0, error: 1, usage: 2, strictRejections: 3 } as const;

const FORMATS: readonly OutputFormat[] = ['html', 'pdf', 'json', 'csv'];
const MIB = 1024 * 1024;

interface ReportArgs {
  inputs: string[];
  from?: string;
  to?: string;
  quarter?: string;
  framework: string[];
  frameworkFile: string[];
  waivers?: string;
  authorizedPrincipals: string[];
  accounts?: string[];
  regions?: string[];
  format: string;
  out: string;
  strict: boolean;
  quiet: boolean;
  json: boolean;
  debug: boolean;
  maxFileSize: number;
  maxArchiveSize?: number;
  memoryLimit?: number;
  window: number;
  chromium?: string;
  documentRows: number;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  concurrency?: number;
  /** A folder, or false for --no-workspace. */
  workspace?: string | false;
  publicKeys: string[];
  /** `--engine-results`: the rows `configtrail sql`'s queries wrote, instead of reading CloudTrail files. */
  engineResults?: string;
  /** `--verified`: `configtrail verify --json` over the delivered files the engine read. */
  verified?: string;
  entity?: string;
  preparedBy?: string;
  signKey?: string;
}

function parseFormats(text: string): Set<OutputFormat> {
  const wanted = text
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 0) throw new UsageError(`--format needs at least one of ${FORMATS.join(', ')}`);
  for (const f of wanted) {
    if (!FORMATS.includes(f as OutputFormat)) throw new UsageError(`unknown --format "${f}": choose from ${FORMATS.join(', ')}`);
  }
  return new Set(wanted as OutputFormat[]);
}

/**
 * Starts the rest of the parse workers now, while the frameworks load, unless the run may replay a
 * saved ingest: it stats the inputs with the worker started first thing (cli/main.ts) while this
 * thread replays on a core of its own, and the rest start if files are read.
 */
function prestartUnlessReplaying(inputs: string[], workspace: string | undefined): void {
  if (workspace !== undefined && !inputs.some(isS3Url) && savedIngests(workspace).length > 0) return;
  prestartWorkers();
}

async function reportCommand(args: ReportArgs, argv: string[]): Promise<number> {
  const outDir = resolve(args.out);
  // Engine results are read whole each time: no workspace.
  const workspace = args.workspace === false || args.engineResults !== undefined ? undefined : resolve(args.workspace ?? join(outDir, '.workspace'));
  prestartUnlessReplaying(args.inputs, workspace);
  const period = resolvePeriod(args);
  const formats = parseFormats(args.format);
  const sizes = sizeLimits(args);
  if (!(args.window > 0)) throw new UsageError('--window must be a positive number of minutes');
  if (!(Number.isInteger(args.documentRows) && args.documentRows >= 0)) throw new UsageError('--document-rows must be a whole number of rows (0 or more)');
  // Framework, waiver and principal files are read before any input: their mistakes are usage errors.
  const frameworks = selectFrameworks(args.framework, args.frameworkFile);
  const waivers = args.waivers ? loadWaivers(args.waivers) : [];
  const authorizedPrincipals = loadAuthorizedPrincipals(args.authorizedPrincipals);
  const expected = loadExpectedScope(args);
  const publicKeys = loadPublicKeys(args.publicKeys);
  const provenance = provenanceOf(args, argv);
  const progress = createProgressReporter({ enabled: !args.quiet && !args.json && process.stderr.isTTY === true });
  if (workspace && existsSync(workspace) && !statSync(workspace).isDirectory()) throw new UsageError(`--workspace ${workspace} is not a folder`);
  if (workspace && lstatSync(workspace, { throwIfNoEntry: false })?.isSymbolicLink()) throw new UsageError(`--workspace ${workspace} is a symbolic link: configtrail does not write through links (name the folder it points to)`);
  const stats = { decoded: 0, reused: 0, replayed: false };
  const windowMs = Math.floor(args.window * 60_000);
  if (args.verified !== undefined && args.engineResults === undefined) throw new UsageError('--verified goes with --engine-results: a direct run checks the digests among its inputs itself');
  const engine = args.engineResults === undefined ? undefined : await (await import('../sql/results.js')).readEngineResults(args.engineResults, period, windowMs, args.verified);
  let run;
  try {
    run = await runReport({
      ...(engine ? { engine } : {}),
      ...(workspace ? { workspace } : {}),
      ...provenance,
      stats,
      inputs: args.inputs,
      period,
      frameworks,
      waivers,
      authorizedPrincipals,
      expected,
      criteriaFiles: criteriaFiles(args),
      formats,
      outDir,
      ...sizes,
      windowMs,
      chromiumPath: args.chromium,
      documentRows: args.documentRows,
      ...(publicKeys.length > 0 ? { publicKeys } : {}),
      s3: s3Options(args),
      ...(progress.enabled ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress.stop();
  }
  const { report, files } = run;
  if (args.json) process.stdout.write(`${JSON.stringify({ ...jsonSummary(report, files), workspace: workspace ? { dir: workspace, ...stats } : null }, null, 2)}\n`);
  else if (!args.quiet) process.stdout.write(formatSummary(report, files));
  const rejections = report.rejected.length;
  if (args.strict && rejections > 0) {
    process.stderr.write(`configtrail: --strict: ${rejections} rejected input(s); see the list above or report.json\n`);
    return EXIT.strictRejections;
  }
  return EXIT.ok;
}

/**
 * What the run records about itself, read before any input: the one generation time (the clock, or
 * SOURCE_DATE_EPOCH), the command line as given, --entity and --prepared-by, and the --sign-key.
 */
function provenanceOf(args: { entity?: string; preparedBy?: string; signKey?: string }, argv: string[]) {
  const named = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    if (value.trim() === '') throw new UsageError(`${flag} needs a name`);
    return value;
  };
  const entity = named(args.entity, '--entity');
  const preparedBy = named(args.preparedBy, '--prepared-by');
  return {
    generated: generationTime(),
    argv: [...argv],
    signoff: { ...(entity !== undefined ? { entity } : {}), ...(preparedBy !== undefined ? { preparedBy } : {}) },
    ...(args.signKey !== undefined ? { signKey: loadSignKey(args.signKey) } : {}),
  };
}

/**
 * --max-file-size, --max-archive-size and --memory-limit in bytes (the archive limit only when
 * given: see SourceOptions; the memory limit only when given: see store/index.ts).
 */
function sizeLimits(args: { maxFileSize: number; maxArchiveSize?: number; memoryLimit?: number }): { maxFileBytes: number; maxArchiveBytes?: number; memoryLimit?: number } {
  if (!(args.maxFileSize > 0)) throw new UsageError('--max-file-size must be a positive number of MiB');
  if (args.maxArchiveSize !== undefined && !(args.maxArchiveSize > 0)) throw new UsageError('--max-archive-size must be a positive number of MiB');
  if (args.memoryLimit !== undefined && !(args.memoryLimit >= 0)) throw new UsageError('--memory-limit must be a number of MiB (0 or more)');
  return {
    maxFileBytes: Math.floor(args.maxFileSize * MIB),
    ...(args.maxArchiveSize !== undefined ? { maxArchiveBytes: Math.floor(args.maxArchiveSize * MIB) } : {}),
    ...(args.memoryLimit !== undefined ? { memoryLimit: Math.floor(args.memoryLimit * MIB) } : {}),
  };
}

/** The criteria files of a run, as named on the command line (their SHA-256 goes into report.json). */
function criteriaFiles(args: { authorizedPrincipals: string[]; waivers?: string; publicKeys: string[] }): { principals: string[]; waivers?: string; publicKeys: string[] } {
  return { principals: args.authorizedPrincipals.filter((v) => existsSync(v)), ...(args.waivers ? { waivers: args.waivers } : {}), publicKeys: args.publicKeys };
}

/** The options every command that reads inputs shares. */
/** The period, as days or a quarter. */
function periodOptions<T>(y: Argv<T>) {
  return y
    .option('from', { type: 'string', describe: 'first day of the period, YYYY-MM-DD (UTC, inclusive)' })
    .option('to', { type: 'string', describe: 'last day of the period, YYYY-MM-DD (UTC, inclusive)' })
    .option('quarter', { type: 'string', describe: 'the period as a calendar quarter, e.g. 2026-Q3' });
}

/** How to reach S3 for s3:// locations. */
function s3CliOptions<T>(y: Argv<T>) {
  return y
    .option('profile', { type: 'string', describe: 'AWS profile for s3:// locations (shared config and credentials files, SSO)' })
    .option('region', { type: 'string', describe: 'AWS region of the bucket' })
    .option('endpoint-url', { type: 'string', describe: 'S3-compatible endpoint (path-style addressing)' })
    .option('concurrency', { type: 'number', default: 8, describe: 'S3 downloads in flight at once' });
}

function runOptions<T>(y: Argv<T>) {
  return s3CliOptions(periodOptions(y))
    .positional('inputs', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'folders, .tar/.tar.gz/.tgz/.zip archives or files of exported AWS Config and CloudTrail data',
    })
    .option('framework', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: `governance framework to evaluate (repeatable; default ${DEFAULT_FRAMEWORK}); see \`configtrail frameworks\``,
    })
    .option('framework-file', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'an in-house framework (.yaml, .json or .csv) mapping requirements to checks (repeatable)',
    })
    .option('waivers', { type: 'string', describe: 'accepted exceptions (.yaml): control, resource, reason, approver, ticket, expires' })
    .option('authorized-principals', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'principals allowed to change resources (ARN, SSO user, subject; * suffix = prefix), or a file of them (repeatable)',
    })
    .option('accounts', {
      type: 'string',
      array: true,
      describe: 'accounts the report answers for: ids (comma-separated), a file of ids, or the JSON of `aws organizations list-accounts`; a missing one is a coverage gap (default: the accounts the data shows)',
    })
    .option('regions', {
      type: 'string',
      array: true,
      describe: 'regions the report answers for: names (comma-separated), a file of names, or the JSON of `aws ec2 describe-regions` (default: the regions the data shows)',
    })
    .option('out', { type: 'string', default: 'reports/configtrail', describe: 'output folder' })
    .option('strict', { type: 'boolean', default: false, describe: `exit ${EXIT.strictRejections} when any input was rejected` })
    .option('quiet', { type: 'boolean', default: false, describe: 'print only errors' })
    .option('json', { type: 'boolean', default: false, describe: 'print a machine-readable summary on stdout' })
    .option('max-file-size', {
      type: 'number',
      default: 256,
      describe: 'largest decompressed file or archive entry accepted, in MiB (gzip-bomb guard)',
    })
    .option('max-archive-size', {
      type: 'number',
      describe: `most one archive may inflate to in all, its entries and the archives inside it, in MiB (zip-bomb guard; default ${ARCHIVE_SIZE_FACTOR} × --max-file-size)`,
    })
    .option('memory-limit', {
      type: 'number',
      describe: 'MiB of kept CloudTrail events held in memory; beyond it they go to disk, in the workspace or the system\'s temporary folder (default 64, or a quarter of the heap when less)',
    })
    .option('window', {
      type: 'number',
      default: 60,
      describe: 'minutes before a configuration capture in which its causing API call is searched',
    })
    .option('chromium', { type: 'string', describe: 'Chromium executable for the PDF (default: $PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium)' })
    .option('document-rows', { type: 'number', default: DEFAULT_MAX_CHANGES, describe: 'rows the HTML/PDF lists per long table (change log, failed calls, coverage gaps); all are in the CSV and JSON' })
    .option('workspace', { type: 'string', describe: 'folder caching decoded inputs by hash, reused by later runs (report: default <out>/.workspace; --no-workspace: none)' })
    .option('public-keys', publicKeysOption)
    .option('entity', { type: 'string', describe: 'the entity the report is for: shown on the cover and the sign-off page, recorded in report.json' })
    .option('prepared-by', { type: 'string', describe: 'who prepared the report: shown on the cover and the sign-off page, recorded in report.json' })
    .option('sign-key', { type: 'string', describe: 'PEM private key (Ed25519 or RSA): sign manifest.json, writing manifest.json.sig (check with `configtrail verify-report`)' });
}

const publicKeysOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'CloudTrail public keys to verify digest signatures: a file of `aws cloudtrail list-public-keys` output (repeatable; one per region)',
} as const;

type VerifyArgs = Pick<PullArgs, 'from' | 'to' | 'json' | 'maxFileSize' | 'profile' | 'region' | 'endpointUrl' | 'concurrency'> & {
  inputs: string[];
  publicKeys: string[];
};

async function verifyCommand(args: VerifyArgs): Promise<number> {
  const period = args.from !== undefined || args.to !== undefined ? resolvePeriod(args) : undefined;
  if (!(args.maxFileSize > 0)) throw new UsageError('--max-file-size must be a positive number of MiB');
  const publicKeys = loadPublicKeys(args.publicKeys);
  prestartWorkers();
  const { runVerify, formatVerify, verified } = await import('../pipeline/verify.js');
  const result = await runVerify({ inputs: args.inputs, ...(period ? { period } : {}), publicKeys, maxFileBytes: Math.floor(args.maxFileSize * MIB), s3: s3Options(args) });
  // With --from/--to, the days required are named too: `report --verified` checks they cover its period.
  const json = () => JSON.stringify({ ...(period ? { period: { from: period.from, to: period.to } } : {}), ...result.integrity }, null, 2);
  process.stdout.write(args.json ? `${json()}\n` : formatVerify(result));
  return verified(result.integrity) ? EXIT.ok : EXIT.error;
}

/** S3 client settings from the shared options; only what was given. */
export function s3Options(args: { profile?: string; region?: string; endpointUrl?: string; concurrency?: number }): S3Options {
  if (args.concurrency !== undefined && !(args.concurrency >= 1)) throw new UsageError('--concurrency must be at least 1');
  return {
    ...(args.profile ? { profile: args.profile } : {}),
    ...(args.region ? { region: args.region } : {}),
    ...(args.endpointUrl ? { endpointUrl: args.endpointUrl } : {}),
    ...(args.concurrency ? { concurrency: Math.floor(args.concurrency) } : {}),
  };
}

interface EvidenceArgs extends Omit<ReportArgs, 'format'> {
  control: string[];
  zip: boolean;
  sample?: number;
  seed?: string;
}

/** `--sample N --seed S`: both or neither; N checked by the pipeline (a whole number, at least 1). */
function sampleOption(args: Pick<EvidenceArgs, 'sample' | 'seed'>): { size: number; seed: string } | undefined {
  if (args.sample === undefined && args.seed === undefined) return undefined;
  if (args.sample === undefined) throw new UsageError('--seed is used with --sample N (the number of changes to draw)');
  if (args.seed === undefined || args.seed === '') throw new UsageError('--sample needs --seed S: the seed is what makes the sample reproducible');
  if (!/^[\x21-\x7e]{1,128}$/.test(args.seed)) throw new UsageError('--seed must be 1 to 128 printable ASCII characters without spaces');
  return { size: args.sample, seed: args.seed };
}

async function evidenceCommand(args: EvidenceArgs, argv: string[]): Promise<number> {
  prestartUnlessReplaying(args.inputs, args.workspace ? resolve(args.workspace) : undefined);
  const period = resolvePeriod(args);
  // Each command loads its own stage modules: a report run does not load the others'.
  const { parseControlRef, runEvidence } = await import('../pipeline/evidence.js');
  const refs = args.control.map(parseControlRef);
  const sample = sampleOption(args);
  const fromFiles = args.frameworkFile.map((f) => selectFrameworks([], [f])[0]!);
  const builtin = [...new Set(refs.map((r) => r.framework))].filter((id) => !fromFiles.some((f) => f.id === id));
  const frameworks = [...selectFrameworks(builtin, []), ...fromFiles];
  const waivers = args.waivers ? loadWaivers(args.waivers) : [];
  const authorizedPrincipals = loadAuthorizedPrincipals(args.authorizedPrincipals);
  const expected = loadExpectedScope(args);
  const publicKeys = loadPublicKeys(args.publicKeys);
  const provenance = provenanceOf(args, argv);
  const progress = createProgressReporter({ enabled: !args.quiet && !args.json && process.stderr.isTTY === true });
  let run;
  try {
    run = await runEvidence({
      ...(publicKeys.length > 0 ? { publicKeys } : {}),
      ...provenance,
      ...(args.workspace ? { workspace: resolve(args.workspace) } : {}),
      inputs: args.inputs,
      period,
      frameworks,
      waivers,
      authorizedPrincipals,
      expected,
      criteriaFiles: criteriaFiles(args),
      controls: args.control,
      zip: args.zip,
      ...(sample ? { sample } : {}),
      outDir: resolve(args.out),
      ...sizeLimits(args),
      windowMs: Math.floor(args.window * 60_000),
      chromiumPath: args.chromium,
      s3: s3Options(args),
      ...(progress.enabled ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress.stop();
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ controls: run.manifest.controls ?? [], outputs: run.files }, null, 2)}\n`);
  else if (!args.quiet) {
    const lines = (run.manifest.controls ?? []).map((c) => printable(`${c.framework} ${c.id} ${c.status}: ${c.title}`));
    process.stdout.write(`${[...lines, 'wrote:', ...run.files.map((f) => `  ${f}`)].join('\n')}\n`);
  }
  return EXIT.ok;
}

interface PullArgs {
  source: string;
  from?: string;
  to?: string;
  quarter?: string;
  out: string;
  strict: boolean;
  quiet: boolean;
  json: boolean;
  maxFileSize: number;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  concurrency?: number;
}

async function pullCommand(args: PullArgs): Promise<number> {
  const period = resolvePeriod(args);
  if (!isS3Url(args.source)) throw new UsageError(`pull reads from S3: expected s3://bucket/prefix, got "${args.source}"`);
  if (!(args.maxFileSize > 0)) throw new UsageError('--max-file-size must be a positive number of MiB');
  const progress = createProgressReporter({ enabled: !args.quiet && !args.json && process.stderr.isTTY === true });
  let result;
  try {
    const { runPull } = await import('../pipeline/pull.js');
    result = await runPull({
      source: args.source,
      period,
      outDir: resolve(args.out),
      maxFileBytes: Math.floor(args.maxFileSize * MIB),
      s3: s3Options(args),
      onProgress: (files, bytes, key) => progress.update({ stage: 'read', files, bytes, records: 0, detail: key }),
    });
  } finally {
    progress.stop();
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ downloaded: result.downloaded, resumed: result.resumed, objects: result.objects.length, rejected: result.rejected, manifest: result.manifestPath }, null, 2)}\n`);
  } else if (!args.quiet) {
    const lines = [`pulled ${result.objects.length} objects for ${period.label} (${result.downloaded} downloaded, ${result.resumed} already present)`, `manifest: ${result.manifestPath}`];
    if (result.rejected.length > 0) {
      lines.push(`rejected (${result.rejected.length}):`);
      for (const r of result.rejected) lines.push(`  ${printable(r.path)}: ${printable(r.reason)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (args.strict && result.rejected.length > 0) {
    process.stderr.write(`configtrail: --strict: ${result.rejected.length} object(s) not copied; run pull again to resume\n`);
    return EXIT.strictRejections;
  }
  return EXIT.ok;
}

interface SqlArgs {
  engine: string;
  from?: string;
  to?: string;
  quarter?: string;
  window: number;
  location: string;
  org?: string;
  results?: string;
  accounts?: string[];
  regions?: string[];
  format: string;
  ddl: boolean;
  table: string;
}

async function sqlCommand(args: SqlArgs): Promise<number> {
  const period = resolvePeriod(args);
  if (!(args.window > 0)) throw new UsageError('--window must be a positive number of minutes');
  const { renderSql, formatSql } = await import('../sql/render.js');
  const engine = args.engine as 'athena' | 'trino' | 'spark' | 'duckdb';
  if (args.org !== undefined && !/^o-[a-z0-9]{10,32}$/.test(args.org)) throw new UsageError(`--org "${printable(args.org)}" is not an organisation id (o- and 10 to 32 lowercase letters or digits)`);
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(args.table)) throw new UsageError(`--table "${printable(args.table)}" is not a table name (letters, digits, _ and .)`);
  const scope = loadExpectedScope(args);
  if ((engine === 'athena' || engine === 'trino') && !scope.accounts) throw new UsageError(`--engine ${engine} needs --accounts: the table projects the account partition from the queries (ids, a file of ids, or \`aws organizations list-accounts\` JSON)`);
  if (engine !== 'duckdb' && !isS3Url(args.location) && !/^[a-z0-9]+:\/\//.test(args.location)) throw new UsageError(`--engine ${engine} reads the trail where it is: --location must be a URL such as s3://bucket/prefix, got "${printable(args.location)}"`);
  const results = args.results ?? (engine === 'duckdb' ? 'configtrail-results' : undefined);
  if (results === undefined) throw new UsageError(`--engine ${engine} needs --results: the s3:// prefix the queries write their rows to`);
  const statements = renderSql({
    engine,
    period,
    windowMs: Math.floor(args.window * 60_000),
    location: args.location,
    ...(args.org ? { org: args.org } : {}),
    results,
    ...(scope.accounts ? { accounts: scope.accounts } : {}),
    ...(scope.regions ? { regions: scope.regions } : {}),
    format: args.format as 'json' | 'parquet',
    ddl: args.ddl,
    table: args.table,
  });
  process.stdout.write(formatSql(statements));
  return EXIT.ok;
}

/** A command's work, given yargs' parsed and validated arguments; its exit code. */
type Runner = (args: Record<string, unknown>, argv: string[]) => Promise<number>;

const RUNNERS: Record<string, Runner> = {
  report: (args, argv) => reportCommand(args as unknown as ReportArgs, argv),
  evidence: (args, argv) => evidenceCommand(args as unknown as EvidenceArgs, argv),
  'verify-report': async (args) => {
    const { verifyReport, formatVerifyReport } = await import('../pipeline/verify-report.js');
    const result = verifyReport(resolve(String(args.dir)), typeof args.publicKey === 'string' ? args.publicKey : undefined);
    process.stdout.write(formatVerifyReport(result));
    return result.problems.length === 0 ? EXIT.ok : EXIT.error;
  },
  pull: (args) => pullCommand(args as unknown as PullArgs),
  verify: (args) => verifyCommand(args as unknown as VerifyArgs),
  sql: (args) => sqlCommand(args as unknown as SqlArgs),
  query: async (args) => {
    const { runQuery } = await import('../store/query.js');
    process.stdout.write(await runQuery(resolve(String(args.workspace)), String(args.sql), args.format as QueryFormat));
    return EXIT.ok;
  },
  frameworks: async (args) => {
    const { listFrameworks } = await import('./catalog.js');
    process.stdout.write(listFrameworks(args.json === true));
    return EXIT.ok;
  },
  checks: async (args) => {
    const { listChecks } = await import('./catalog.js');
    process.stdout.write(listChecks(args.framework as string[], args.json === true));
    return EXIT.ok;
  },
};

export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  // yargs parses and validates; main runs the chosen command (RUNNERS), so that every command's
  // errors and exit code take one path.
  const cli = yargs(argv)
    .scriptName('configtrail')
    .usage('$0 <command> [options]')
    .version(generatorInfo().version)
    // --help and --version end here, through main's return: yargs' own process.exit() would come
    // before main settles, and the exit guard below would take the run for one that stopped.
    .exitProcess(false)
    .strict()
    .recommendCommands()
    .demandCommand(1, 'name a command, e.g. configtrail report ./export --quarter 2026-Q3')
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces on errors' })
    .command('report <inputs..>', 'attribute every configuration change in a period to its actor and render the audit report', (y) =>
      runOptions(y)
        .option('format', { type: 'string', default: 'html,pdf,json,csv', describe: 'comma-separated: html, pdf, json, csv' })
        .option('engine-results', { type: 'string', describe: 'a folder of the rows `configtrail sql` had an engine write (JSON lines, JSON.gz, Parquet, CSV): the CloudTrail evidence, instead of log files' })
        .option('verified', { type: 'string', describe: 'with --engine-results: the output of `configtrail verify --from … --to … --json` over the delivered files, covering the period (without it, checks that read CloudTrail events are INSUFFICIENT_DATA)' }),
    )
    .command('evidence <inputs..>', 'write a standalone evidence pack (PDF, HTML, CSV, JSON, manifest) for one or more controls', (y) =>
      runOptions(y)
        .option('control', { type: 'string', array: true, demandOption: true, describe: 'framework:requirement, e.g. cis-aws-v6.0:6.3 (repeatable)' })
        .option('zip', { type: 'boolean', default: false, describe: 'also pack the files into one .zip for a ticket' })
        .option('sample', { type: 'number', describe: 'for a change-management control (SOC 2 CC8.1, PCI DSS 6.5.1, NIST CM-3): draw N changes of its population, one page each (with --seed)' })
        .option('seed', { type: 'string', describe: 'the seed of --sample: the same seed draws the same changes (method in manifest.json)' }),
    )
    .command('pull <source>', 'copy from S3 exactly what a report for the period needs, for an air-gapped machine (resumable)', (y) =>
      s3CliOptions(periodOptions(y.positional('source', { type: 'string', demandOption: true, describe: 's3://bucket/prefix holding AWSLogs/ deliveries' })))
        .option('out', { type: 'string', demandOption: true, describe: 'folder to copy into (same key layout); an interrupted pull resumes there' })
        .option('strict', { type: 'boolean', default: false, describe: `exit ${EXIT.strictRejections} when any object could not be copied` })
        .option('quiet', { type: 'boolean', default: false, describe: 'print only errors' })
        .option('json', { type: 'boolean', default: false, describe: 'print a machine-readable summary on stdout' })
        .option('max-file-size', { type: 'number', default: 256, describe: 'largest object accepted, in MiB' }),
    )
    .command('verify <inputs..>', 'check CloudTrail log files, digests and their chain offline, as `aws cloudtrail validate-logs` does online (exit 1 on tampering or a gap)', (y) =>
      s3CliOptions(y)
        .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'folders, archives or s3:// locations holding AWSLogs/ deliveries' })
        .option('from', { type: 'string', describe: 'first day whose log files and digests must all be there, YYYY-MM-DD (default: the whole input)' })
        .option('to', { type: 'string', describe: 'last such day, YYYY-MM-DD' })
        .option('public-keys', publicKeysOption)
        .option('json', { type: 'boolean', default: false, describe: 'print the integrity result (as in report.json) as JSON, with the period of --from/--to (what `report --verified` reads)' })
        .option('max-file-size', { type: 'number', default: 256, describe: 'largest decompressed file or archive entry accepted, in MiB' }),
    )
    .command('verify-report <dir>', 'check a report folder against its manifest.json (every output\'s SHA-256 and size, report.json\'s inputs) and, with --public-key, its signature (exit 1 with a line per problem)', (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'the report folder (report --out, or an evidence pack)' })
        .option('public-key', { type: 'string', describe: 'PEM public key (Ed25519 or RSA) the manifest must be signed with' }),
    )
    .command('sql', 'print the SQL that extracts the evidence where the trail is (Athena, Trino, Spark, DuckDB), for `report --engine-results`', (y) =>
      periodOptions(y)
        .option('engine', { type: 'string', choices: ['athena', 'trino', 'spark', 'duckdb'], demandOption: true, describe: 'the engine the SQL is written for' })
        .option('location', { type: 'string', demandOption: true, describe: 's3://bucket/prefix (or a folder, for duckdb) holding the trail\'s AWSLogs/' })
        .option('org', { type: 'string', describe: 'organisation id of an organisation trail (AWSLogs/o-…/<account>/…)' })
        .option('results', { type: 'string', describe: 'folder or s3:// prefix the queries write their rows to (duckdb default: configtrail-results)' })
        .option('accounts', { type: 'string', array: true, describe: 'accounts to extract (ids, a file of ids, or `aws organizations list-accounts` JSON); needed for athena and trino' })
        .option('regions', { type: 'string', array: true, describe: 'regions to extract (names, a file, or `aws ec2 describe-regions` JSON; default: all commercial regions)' })
        .option('window', { type: 'number', default: 60, describe: 'minutes before a configuration capture in which its causing API call is searched (as for report)' })
        .option('format', { type: 'string', choices: ['json', 'parquet'], default: 'json', describe: 'result files: JSON lines (gzip) or Parquet' })
        .option('ddl', { type: 'boolean', default: false, describe: 'also print the table definition' })
        .option('table', { type: 'string', default: 'configtrail_cloudtrail', describe: 'the table standing for the trail (one per trail)' }),
    )
    .command('query <sql>', 'SQL (DuckDB) over the evidence of the last report run with this workspace: tables events, changes, findings, inputs', (y) =>
      y
        .positional('sql', { type: 'string', demandOption: true, describe: 'e.g. "SELECT origin, count(*) FROM changes GROUP BY 1 ORDER BY 2 DESC"' })
        .option('workspace', { type: 'string', demandOption: true, describe: 'the workspace folder a report run wrote (default of report: <out>/.workspace)' })
        .option('format', { type: 'string', choices: ['table', 'csv', 'json'], default: 'table', describe: 'output format' }),
    )
    .command('frameworks', 'list the built-in governance frameworks', (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }))
    .command('checks', 'list the checks and the framework requirements each serves', (y) =>
      y
        .option('framework', { type: 'string', array: true, default: [] as string[], describe: 'only requirements of these frameworks' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
    )
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .alias('h', 'help');

  skipHelpCache(cli);
  try {
    const args = (await cli.parseAsync()) as Record<string, unknown> & { _: (string | number)[] };
    // --help or --version: yargs printed it.
    if (args.help === true || args.version === true) return EXIT.ok;
    debug = args.debug === true;
    const run = RUNNERS[String(args._[0])];
    if (!run) throw new UsageError(`unknown command: ${String(args._[0])}`);
    return await run(args, argv);
  } catch (err) {
    const code = err instanceof UsageError ? EXIT.usage : EXIT.error;
    process.stderr.write(`configtrail: error: ${printable(oneLine(err, 1000))}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else if (!(err instanceof UsageError) && !(err instanceof ConfigtrailError)) {
      process.stderr.write('configtrail: run again with --debug for details\n');
    }
    return code;
  }
}

let settled = false;
// A run whose work stopped without an answer (nothing left to wait on) must not look like success.
process.once('exit', () => {
  if (settled) return;
  process.stderr.write('configtrail: error: internal error: the run stopped before it finished\n');
  process.exitCode = EXIT.error;
});
let interrupted = false;
// Interrupted (Ctrl-C, a CI timeout): leave through process.exit so that the exit handlers run
// (puppeteer's stops Chromium, then util/tempdir.ts removes the temporary folders); without a
// handler Node ends at once and leaves both behind. The parse workers end first: process.exit
// waits for each, and one blocked in a system call would hold it forever. Should one not end within
// a second, the process ends by the signal itself once the exit handlers have run (a shell sees
// 128 + the signal's number all the same). A second Ctrl-C meanwhile ends it at once.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    settled = true;
    interrupted = true;
    process.stderr.write(`configtrail: interrupted (${signal})\n`);
    removeLastAtExit();
    void endWorkers(1000).then((ended) => {
      if (!ended) process.once('exit', () => process.kill(process.pid, signal));
      process.exit(code);
    });
  });
}
/**
 * yargs lays out the chosen command's whole help text as the command starts, kept for a failure
 * that would print it (~10 ms of every run, a fifth of its start). configtrail's failures are one
 * line and --help lays the text out anew, so the copy is never read: it is not made. Through
 * yargs' internal methods, when they are there; without them yargs does as it always does.
 */
function skipHelpCache(cli: Argv): void {
  const internal = cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = internal.getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/**
 * Ends the process as soon as stdout and stderr have taken what was written: left to itself, Node
 * idles ~10 ms after the last of the work before it exits (measured on the 0.5M-event benchmark).
 * The exit handlers run as on any exit.
 */
function leave(code: number): void {
  // An interrupted run ends through its signal handler, with its own code.
  if (interrupted) return;
  process.exitCode = code;
  // Interrupted meanwhile: the signal's handler ends the process, with its own code.
  process.stdout.write('', () => process.stderr.write('', () => interrupted || process.exit(code)));
}

main(hideBin(process.argv)).then(
  (code) => {
    settled = true;
    leave(code);
  },
  (err: unknown) => {
    settled = true;
    process.stderr.write(`configtrail: error: ${printable(oneLine(err))}\n`);
    process.exitCode = EXIT.error;
  },
);
