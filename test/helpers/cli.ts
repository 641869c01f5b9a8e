import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/model/types.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
/** Real AWS samples copied from ../shared/data/real with their attribution (test/fixtures/real/SOURCES.md). */
export const REAL_DATA = join(ROOT, 'test/fixtures/real');

/**
 * elastic/integrations' CloudTrail samples (Elastic License 2.0) are read from ../shared only, never
 * copied: a clone without it skips the tests that need them, saying why once per test file.
 */
export const ELASTIC_DATA = join(SHARED_DATA, 'elastic-cloudtrail');
export const noElasticData = !existsSync(ELASTIC_DATA);
if (noElasticData) process.stderr.write(`skipped: tests of elastic/integrations' CloudTrail samples (Elastic License 2.0, read only from ${ELASTIC_DATA}, which is absent)\n`);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The generation time tests run with (SOURCE_DATE_EPOCH, 2026-10-01T00:00:00Z), as `npm run golden`
 * does: reports of the same command line over the same inputs are then the same bytes.
 */
export const TEST_EPOCH = '1790812800';

/**
 * Runs the built CLI as a user would (`node <bin.configtrail>`), without a TTY, with
 * SOURCE_DATE_EPOCH=TEST_EPOCH unless `env` says otherwise (a variable set to undefined is unset).
 */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const env = { ...process.env, SOURCE_DATE_EPOCH: TEST_EPOCH, ...opts.env };
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', timeout: 240_000, env, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Folders made by tempDir() in this test file; test/helpers/setup.ts removes them after the file. */
const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `configtrail-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * report.json's text without its invocation (the command line and inputs as given): for comparing
 * the reports of runs asked for differently (another --out, a workspace or none).
 */
export function reportApartFromInvocation(outDir: string): string {
  return readFileSync(join(outDir, 'report.json'), 'utf8').replace(/\n {2}"invocation": \{\n[\s\S]*?\n {2}\},/, '');
}

export function readReport(outDir: string): Report {
  return JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as Report;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function chromiumAvailable(): boolean {
  const p = process.env.PUPPETEER_EXECUTABLE_PATH;
  return (!!p && existsSync(p)) || ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some((x) => existsSync(x));
}
