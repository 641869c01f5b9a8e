#!/usr/bin/env node
// Bundles the CLI and the parse worker (dist/src/cli/app.js, dist/src/parse/worker.js, as tsc wrote
// them) into one file each, in place: Node's ES module loader resolves, reads and compiles each of
// the ~150 modules a report loads one by one, which took longer than everything a small report
// does. Bundled: configtrail's own code and what every run loads (yargs, date-fns). Left as they
// are, loaded when used: every other package (PDF, S3, DuckDB, archives).
//
// The entry, dist/src/cli/main.js, stays as tsc wrote it: it starts a parse worker before it loads
// the bundle, so the worker boots while this thread compiles and runs ~600 KB of JavaScript. The
// module that starts workers (parse/prestart.js) is left out of the bundle, so that the entry and
// the bundle share it, and with it the workers started ahead.
import { readFileSync, renameSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED = new Set(['yargs', 'date-fns', '@date-fns/utc']);

// string-width (yargs and cliui measure help text with it) builds an Intl.Segmenter and large Unicode
// regular expressions as it loads, ~30 ms of every run's start, and yargs lays out a command's help
// as the command starts. Bundled behind a function that answers printable ASCII itself, as
// string-width's own first step does (such text is as wide as it is long), and loads the module on
// the first other text. Each importer keeps the copy it would have loaded.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.eager) return undefined;
      const real = await build.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir, pluginData: { eager: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: relative(root, real.path), namespace: 'lazy-string-width' };
    });
    // esbuild wraps a module that is require()d so that it runs when first required, not at start.
    build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => {
      const real = JSON.stringify(`./${args.path.split(sep).join('/')}`);
      return {
        contents: [
          'const PRINTABLE_ASCII = /^[\\x20-\\x7e]*$/;',
          'export default function stringWidth(text, ...rest) {',
          "  if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length;",
          `  return require(${real}).default(text, ...rest);`,
          '}',
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      };
    });
  },
};

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

// Every import of parse/prestart.js from the CLI's bundle goes to the one file beside it.
const sharedPrestart = {
  name: 'shared-prestart',
  setup(build) {
    build.onResolve({ filter: /prestart\.js$/ }, (args) =>
      join(args.resolveDir, args.path) === join(root, 'dist', 'src', 'parse', 'prestart.js') ? { path: '../parse/prestart.js', external: true } : undefined,
    );
  },
};

for (const [entry, shared] of [['dist/src/cli/app.js', [sharedPrestart]], ['dist/src/parse/worker.js', []]]) {
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
    plugins: [lazyStringWidth, ...shared],
    // Bundled CommonJS code may call require(): give the module one.
    banner: { js: "import { createRequire as __configtrailRequire } from 'node:module'; const require = __configtrailRequire(import.meta.url);" },
  });
  // A bundle with its own copy of prestart.js would never adopt the worker the entry started.
  if (shared.length > 0 && !readFileSync(tmp, 'utf8').includes('from "../parse/prestart.js"')) {
    throw new Error(`${entry}: the bundle does not import parse/prestart.js from beside it`);
  }
  renameSync(tmp, file);
}
