#!/usr/bin/env node
// Bundles the CLI and the parse worker (dist/src/cli/main.js, dist/src/parse/worker.js, as tsc wrote
// them) into one file each, in place: Node's ES module loader resolves, reads and compiles each of
// the ~150 modules a report loads one by one, which took longer than everything a small report
// does. Bundled: configtrail's own code and what every run loads (yargs, date-fns). Left as they
// are, loaded when used: every other package (PDF, S3, DuckDB, archives).
import { readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED = new Set(['yargs', 'date-fns', '@date-fns/utc']);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('configtrail: esbuild is not installed: the CLI runs unbundled (slower to start)');
  process.exit(0);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies)
  .filter((d) => !BUNDLED.has(d))
  .flatMap((d) => [d, `${d}/*`]);

for (const entry of ['dist/src/cli/main.js', 'dist/src/parse/worker.js']) {
  const file = join(root, entry);
  const tmp = `${file}.bundle`;
  await esbuild.build({
    entryPoints: [file],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    logLevel: 'warning',
    // Bundled CommonJS code may call require(): give the module one.
    banner: { js: "import { createRequire as __configtrailRequire } from 'node:module'; const require = __configtrailRequire(import.meta.url);" },
  });
  renameSync(tmp, file);
}
