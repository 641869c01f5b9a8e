#!/usr/bin/env node
// Builds the optional native reader (native/trail.cc → build/native/trail.node): Node-API, simdjson
// and libdeflate from Debian's packages (libsimdjson-dev, libdeflate-dev; scripts/ensure-system-deps.mjs
// installs them when it can). Without a compiler or those libraries configtrail still works, reading
// every file in TypeScript: this script says so in one line and never fails the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'trail.cc');
const out = join(root, 'build', 'native', 'trail.node');
const quiet = process.argv.includes('--quiet');

function say(line) {
  if (!quiet) console.error(`configtrail: ${line}`);
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/** The folder with node_api.h: beside this Node, or where Debian and the usual prefixes put it. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

/** Whether the addon loads in this Node and answers (a build for another platform, or a missing library, does not). */
function loads(file) {
  const probe = `const m = require(${JSON.stringify(file)}); if (typeof m.scanTrail !== 'function') process.exit(1);`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

function build() {
  if (process.env.CONFIGTRAIL_NATIVE === '0') return say('CONFIGTRAIL_NATIVE=0: the native reader is not built');
  if (mtime(out) > Math.max(mtime(source), mtime(fileURLToPath(import.meta.url))) && loads(out)) return;
  // An addon older than its source must not stay behind if this build fails.
  rmSync(out, { force: true });
  const headers = nodeHeaders();
  const fallback = 'CloudTrail files will be read in TypeScript (slower)';
  if (!headers) return say(`native reader not built: no node_api.h found for ${process.execPath}; ${fallback}`);
  const cxx = process.env.CXX || 'c++';
  const tmp = out.replace(/\.node$/, `.${process.pid}.tmp.node`);
  mkdirSync(dirname(out), { recursive: true });
  try {
    execFileSync(cxx, ['-O2', '-std=c++17', '-shared', '-fPIC', '-fvisibility=hidden', '-DNAPI_VERSION=8', `-I${headers}`, source, '-lsimdjson', '-ldeflate', '-o', tmp], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    rmSync(tmp, { force: true });
    const why = err.code === 'ENOENT' ? `no C++ compiler (${cxx})` : firstError(String(err.stderr ?? err.message));
    return say(`native reader not built: ${why}; ${fallback}. To build it: apt-get install g++ libsimdjson-dev libdeflate-dev`);
  }
  if (!loads(tmp)) {
    rmSync(tmp, { force: true });
    return say(`native reader built but does not load in this Node; ${fallback}`);
  }
  renameSync(tmp, out);
  say('native reader built (simdjson + libdeflate)');
}

function firstError(stderr) {
  const line = stderr.split('\n').find((l) => /error/i.test(l)) ?? stderr.split('\n')[0] ?? '';
  return line.trim().slice(0, 200);
}

build();
