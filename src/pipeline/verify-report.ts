import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InputRecord, Report } from '../model/types.js';
import { inputsCsvSha256 } from '../render/csv.js';
import { UsageError, oneLine } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { hashFile, MANIFEST, SIGNATURE, type Manifest } from './manifest.js';
import { loadVerifyKey, verifyBytes } from './signing.js';

export interface VerifyReportResult {
  dir: string;
  /** One line per problem; none: the folder verifies. */
  problems: string[];
  /** What was checked, for the summary line. */
  checked: { outputs: number; inputs: number; signature: 'valid' | 'invalid' | 'absent' | 'not checked' };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * `configtrail verify-report DIR [--public-key FILE]`: a report folder (or an evidence pack) against
 * its manifest.json: every listed output present, a plain file, with its SHA-256 and size; no file
 * beside them that the manifest does not list; report.json's provenance and inputs the manifest's;
 * and with a public key, manifest.json.sig a valid signature of the manifest's bytes by that key.
 * The folder and the key file not being usable are usage errors; everything else is a problem.
 */
export function verifyReport(dir: string, publicKeyFile?: string): VerifyReportResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const key = publicKeyFile !== undefined ? loadVerifyKey(publicKeyFile) : undefined;
  const problems: string[] = [];
  const checked: VerifyReportResult['checked'] = { outputs: 0, inputs: 0, signature: key ? 'invalid' : 'not checked' };
  const result = { dir, problems, checked };
  const manifestPath = join(dir, MANIFEST);
  if (!isPlainFile(manifestPath)) {
    problems.push(`${MANIFEST}: missing (not a report folder, or its manifest was removed)`);
    return result;
  }
  const bytes = readFileSync(manifestPath);
  // The signature first, over the bytes as they stand: a manifest that is not the signed one is the
  // first thing to know, whether or not it still parses.
  let sigFile = false;
  if (key) {
    sigFile = isPlainFile(join(dir, SIGNATURE));
    if (!sigFile) {
      checked.signature = 'absent';
      problems.push(`${SIGNATURE}: missing (the report was not signed, or its signature was removed)`);
    } else if (verifyBytes(bytes, Buffer.from(readFileSync(join(dir, SIGNATURE), 'utf8').trim(), 'base64'), key)) checked.signature = 'valid';
    else problems.push(`${SIGNATURE}: not a valid ${key.algorithm} signature of ${MANIFEST} by the given public key (the manifest changed after signing, or another key signed it)`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch (err) {
    problems.push(`${MANIFEST}: not JSON (${oneLine(err, 120)})`);
    return result;
  }
  const shapeProblem = manifestShape(manifest);
  if (shapeProblem) {
    problems.push(`${MANIFEST}: ${shapeProblem}`);
    return result;
  }
  const signedBy = manifest.signature?.publicKeyFingerprint;
  if (key && sigFile && signedBy !== undefined && signedBy !== key.fingerprint) {
    problems.push(`${SIGNATURE}: the manifest names signing key ${printable(String(signedBy))}, not the given public key ${key.fingerprint}`);
  }

  const listed = new Set<string>();
  for (const o of manifest.outputs) {
    listed.add(o.file);
    const p = join(dir, o.file);
    if (!existsSync(p) && !isLink(p)) {
      problems.push(`${printable(o.file)}: missing (listed in ${MANIFEST})`);
      continue;
    }
    if (!isPlainFile(p)) {
      problems.push(`${printable(o.file)}: not a plain file (a link or a folder where the manifest lists a file)`);
      continue;
    }
    const actual = hashFile(p);
    checked.outputs++;
    if (actual.size !== o.size) problems.push(`${printable(o.file)}: ${actual.size} bytes, the manifest lists ${o.size}`);
    if (actual.sha256 !== o.sha256) problems.push(`${printable(o.file)}: SHA-256 ${actual.sha256}, the manifest lists ${o.sha256}`);
  }
  for (const name of readdirSync(dir).sort()) {
    if (listed.has(name) || name === MANIFEST || name === SIGNATURE || isEvidenceZip(name)) continue;
    if (statSafe(join(dir, name))?.isDirectory() && !isLink(join(dir, name))) continue;
    problems.push(`${printable(name)}: not listed in ${MANIFEST} (not part of this report, or added after it)`);
  }
  if (listed.has('report.json') && isPlainFile(join(dir, 'report.json'))) checked.inputs = compareReportJson(join(dir, 'report.json'), manifest, problems);
  return result;
}

/** report.json's provenance and inputs against the manifest's; the inputs compared. */
function compareReportJson(path: string, manifest: Manifest, problems: string[]): number {
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch (err) {
    problems.push(`report.json: cannot be read to compare with ${MANIFEST} (${oneLine(err, 120)})`);
    return 0;
  }
  for (const field of ['generator', 'generated', 'invocation', 'signoff', 'period'] as const) {
    if (JSON.stringify(report[field]) !== JSON.stringify(manifest[field])) problems.push(`report.json: ${field} differs from ${MANIFEST}'s`);
  }
  const inputs = Array.isArray(report.inputs) ? (report.inputs as InputRecord[]) : [];
  if (inputs.length !== manifest.inputList.files) problems.push(`report.json: ${inputs.length} inputs, ${MANIFEST} lists ${manifest.inputList.files}`);
  if (inputsCsvSha256({ inputs } as unknown as Report) !== manifest.inputList.inputsCsvSha256) problems.push(`report.json: its inputs do not give the input list's SHA-256 in ${MANIFEST} (${manifest.inputList.inputsCsvSha256})`);
  if (manifest.inputs) {
    const n = Math.min(inputs.length, manifest.inputs.length);
    let differ = 0;
    let first = '';
    for (let i = 0; i < n; i++) {
      const a = inputs[i]!;
      const b = manifest.inputs[i]!;
      if (a.path === b.path && a.sha256 === b.sha256 && a.size === b.size) continue;
      if (differ++ === 0) first = b.path;
    }
    if (differ > 0) problems.push(`report.json: ${differ} input(s) differ from ${MANIFEST}'s in path, SHA-256 or size, first ${printable(first)}`);
  }
  return inputs.length;
}

/** What is wrong with a parsed manifest's shape, if anything (it may be anyone's file). */
function manifestShape(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not an object';
  const r = m as Record<string, unknown>;
  if (!Array.isArray(r.outputs)) return 'no outputs list';
  for (const o of r.outputs as unknown[]) {
    const x = o as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || typeof x.file !== 'string' || typeof x.size !== 'number' || typeof x.sha256 !== 'string' || !HEX64.test(x.sha256)) return 'an output entry without file, size and SHA-256';
    if (x.file === '' || x.file === '.' || x.file === '..' || /[/\\\0]/.test(x.file)) return `output "${printable(x.file)}" is not a file name in the folder`;
  }
  const list = r.inputList as Record<string, unknown> | undefined;
  if (typeof list !== 'object' || list === null || typeof list.files !== 'number' || typeof list.inputsCsvSha256 !== 'string') return 'no inputList (files and the SHA-256 of inputs.csv)';
  if (r.inputs !== undefined && !Array.isArray(r.inputs)) return 'inputs is not a list';
  return undefined;
}

/** An evidence pack's zip holds the manifest itself, so the manifest cannot list it. */
function isEvidenceZip(name: string): boolean {
  return /^evidence-.*\.zip$/.test(name);
}

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isPlainFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}

/** What `verify-report` prints: a line per problem, or one line saying what verified. */
export function formatVerifyReport(r: VerifyReportResult): string {
  if (r.problems.length > 0) return `${r.problems.join('\n')}\n`;
  const c = r.checked;
  const sig = c.signature === 'valid' ? 'signature valid' : 'signature not checked (no --public-key)';
  return `verified: ${c.outputs} output file(s) match ${MANIFEST} (SHA-256 and size)${c.inputs > 0 ? `; report.json agrees on ${c.inputs} input(s)` : ''}; ${sig}\n`;
}
