import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Generated, Invocation, Report, Signoff } from '../model/types.js';
import { inputsCsvSha256 } from '../render/csv.js';
import { writeFresh } from '../util/fresh-file.js';
import { signBytes, type SignatureAlgorithm, type SignKey } from './signing.js';

export type { SignKey };

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.json.sig';

/**
 * Inputs listed one by one in manifest.json up to this many; beyond, the manifest cites the whole
 * list by the SHA-256 of inputs.csv (which lists every input with its own SHA-256) rather than
 * repeating millions of entries.
 */
export const MANIFEST_INPUTS = 10_000;

/** manifest.json of a report folder or an evidence pack: what was read, what was written, by what and when. */
export interface Manifest {
  generator: Report['generator'];
  generated: Generated;
  invocation: Invocation;
  signoff: Signoff;
  period: Report['period'];
  /** An evidence pack's controls. */
  controls?: { framework: string; id: string; title: string; status: string }[];
  /** The whole input list, by the SHA-256 of inputs.csv as configtrail writes it (whether or not it was written here). */
  inputList: { files: number; bytes: number; inputsCsvSha256: string };
  /** Every input with its SHA-256 and size, when there are at most MANIFEST_INPUTS. */
  inputs?: { path: string; sha256: string; size: number }[];
  /** Every file written beside the manifest, with its SHA-256 and size. */
  outputs: { file: string; sha256: string; size: number }[];
  /** An evidence pack of a change-management control: the population it holds, and the sample drawn from it. */
  population?: {
    changes: number;
    judged: boolean;
    unauthorised: number;
    waived: number;
    statement: string;
    controls: { framework: string; id: string; failingChanges: number; agrees: boolean }[];
  };
  /** `--sample`: the seed, the method, and the changes drawn (sample.csv), in draw order. */
  sample?: { seed: string; requested: number; drawn: number; method: string; changes: { rank: number; key: string; changeId: string }[] };
  /** `--sign-key`: manifest.json.sig holds the signature of these very bytes; the key that makes it. */
  signature?: { file: typeof SIGNATURE; algorithm: SignatureAlgorithm; publicKeyFingerprint: string };
}

/** SHA-256 (hex) and size of a file, read a MiB at a time (a PDF or inputs.csv may be large). */
export function hashFile(path: string): { sha256: string; size: number } {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
      h.update(chunk.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), size };
}

/**
 * Writes manifest.json in `outDir` for a report (or an evidence pack's subset of one) and the
 * files just written, and with a key, manifest.json.sig: the base64 signature of the manifest's
 * bytes. An earlier run's signature is removed when this one signs nothing, so that no stale
 * signature is left beside a new manifest. Returns the manifest and the files written.
 */
export interface ManifestOptions {
  signKey?: SignKey | undefined;
  controls?: Manifest['controls'];
  /** An evidence pack's population and sample. */
  pack?: Pick<Manifest, 'population' | 'sample'>;
}

export function writeManifest(outDir: string, report: Report, files: string[], opts: ManifestOptions): { manifest: Manifest; files: string[] } {
  const manifest = buildManifest(report, files, opts);
  const path = join(outDir, MANIFEST);
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFresh(path, bytes);
  const sigPath = join(outDir, SIGNATURE);
  if (!opts.signKey) {
    rmSync(sigPath, { force: true });
    return { manifest, files: [path] };
  }
  writeFresh(sigPath, `${signBytes(bytes, opts.signKey).toString('base64')}\n`);
  return { manifest, files: [path, sigPath] };
}

export function buildManifest(report: Report, files: string[], opts: ManifestOptions): Manifest {
  let bytes = 0;
  const listed: NonNullable<Manifest['inputs']> = [];
  for (const i of report.inputs) {
    bytes += i.size;
    if (listed.length <= MANIFEST_INPUTS) listed.push({ path: i.path, sha256: i.sha256, size: i.size });
  }
  return {
    generator: report.generator,
    generated: report.generated,
    invocation: report.invocation,
    signoff: report.signoff,
    period: report.period,
    ...(opts.controls ? { controls: opts.controls } : {}),
    ...opts.pack,
    inputList: { files: report.inputs.length, bytes, inputsCsvSha256: inputsCsvSha256(report) },
    ...(report.inputs.length <= MANIFEST_INPUTS ? { inputs: listed } : {}),
    outputs: files.map((f) => ({ file: basename(f), ...hashFile(f) })),
    ...(opts.signKey ? { signature: { file: SIGNATURE, algorithm: opts.signKey.algorithm, publicKeyFingerprint: opts.signKey.fingerprint } } : {}),
  };
}
