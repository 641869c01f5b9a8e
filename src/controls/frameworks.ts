import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { findPackageRoot } from '../util/package-root.js';
import { UsageError } from '../util/errors.js';
import { dataError, listField, optString, readCsvRecords, readDataFile, readYamlRecords, reqString, type DataRecord } from './datafile.js';

export interface Requirement {
  id: string;
  title: string;
  section?: string;
  description?: string;
  /** Earlier ids the requirement is also known by (Prowler's internal ones, e.g. `cc_8_1`). */
  aliases?: string[];
  /** Check ids that decide the requirement (PASS or FAIL). */
  checks: string[];
  /**
   * Checks that can reveal an exception to the requirement but never establish it: any FAIL fails
   * it; with none, and no deciding check, it stays MANUAL.
   */
  indicators?: string[];
  /** Checks shown beside the requirement as supporting evidence; they decide nothing. */
  supporting?: string[];
  /** Why these checks bear on the requirement, one line. */
  rationale?: string;
  /** Why the requirement needs evidence the export cannot hold (MANUAL), or what to confirm by hand. */
  manual?: string;
  /** For a requirement only partly covered by checks: what else an assessor should look at. */
  partial?: string;
}

export interface Framework {
  id: string;
  title: string;
  version?: string;
  /** Where the requirement list comes from (attribution). */
  source?: string;
  /** SHA-256 of the framework file as read (built-in or --framework-file). */
  sha256?: string;
  /** The --framework-file it was read from; absent for a built-in one. */
  file?: string;
  requirements: Requirement[];
}

export const DEFAULT_FRAMEWORK = 'cis-aws-v6.0';

function frameworksDir(): string {
  return join(findPackageRoot(), 'frameworks');
}

/** The ids of the built-in frameworks, sorted. */
export function builtinFrameworkIds(): string[] {
  const dir = frameworksDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadBuiltinFramework(id: string): Framework {
  const ids = builtinFrameworkIds();
  if (!ids.includes(id)) throw new UsageError(`unknown framework "${id}" (known: ${ids.join(', ')}; or use --framework-file)`);
  const text = readFileSync(join(frameworksDir(), `${id}.json`), 'utf8');
  return { ...(JSON.parse(text) as Framework), sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * Reads an in-house framework: YAML/JSON (`id`, `title`, `requirements: [{id, title, section?,
 * description?, checks: [...], manual?}]`) or CSV (columns `id,title,checks` and optional
 * `section,description,manual`; the framework id is the file name). Errors name the line.
 */
export function loadFrameworkFile(path: string, knownChecks: Set<string>): Framework {
  const text = readDataFile(path, 'framework file');
  const isCsv = extname(path).toLowerCase() === '.csv';
  let id: string;
  let title: string;
  let records: DataRecord[];
  if (isCsv) {
    records = readCsvRecords(path, text, ['id', 'title', 'checks']);
    id = path.replace(/^.*[\\/]/, '').replace(/\.csv$/i, '');
    title = id;
  } else {
    const doc = readYamlRecords(path, text, 'requirements');
    if (typeof doc.top.id !== 'string' || !doc.top.id.trim()) throw dataError(path, 1, 'missing framework "id"');
    id = doc.top.id.trim();
    title = typeof doc.top.title === 'string' ? doc.top.title : id;
    records = doc.records;
  }
  const seen = new Set<string>();
  const requirements = records.map((rec): Requirement => {
    const rid = reqString(path, rec, 'id');
    if (seen.has(rid)) throw dataError(path, rec.line, `duplicate requirement id "${rid}"`);
    seen.add(rid);
    const checks = listField(path, rec, 'checks');
    for (const c of checks) if (!knownChecks.has(c)) throw dataError(path, rec.line, `unknown check "${c}" (see \`configtrail checks\`)`);
    const manual = optString(path, rec, 'manual');
    if (checks.length === 0 && !manual) throw dataError(path, rec.line, `requirement "${rid}" needs "checks" or a "manual" reason`);
    const r: Requirement = { id: rid, title: reqString(path, rec, 'title'), checks };
    const section = optString(path, rec, 'section');
    const description = optString(path, rec, 'description');
    if (section) r.section = section;
    if (description) r.description = description;
    if (manual) r.manual = manual;
    return r;
  });
  if (requirements.length === 0) throw dataError(path, 1, 'the framework has no requirements');
  return { id, title, sha256: createHash('sha256').update(text).digest('hex'), file: path, requirements };
}
