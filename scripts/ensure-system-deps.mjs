#!/usr/bin/env node
// Makes sure the system programs configtrail needs are present: Debian's Chromium (PDF rendering),
// poppler-utils (pdftotext/pdfinfo, used by the tests), and what the native CloudTrail reader is
// built with (g++, libsimdjson-dev, libdeflate-dev: see scripts/build-native.mjs). npm cannot download browsers here, so
// when one is missing and we are root on a Debian-like system, install it with apt-get; otherwise
// say exactly what to install. Never fails the calling script for a missing optional tool: the PDF
// step itself reports a clear error.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const missing = [];
const chromium = process.env.PUPPETEER_EXECUTABLE_PATH || CHROMIUM_PATHS.find((p) => existsSync(p));
if (!chromium || !existsSync(chromium)) missing.push('chromium', 'fonts-dejavu-core', 'fonts-liberation');
if (!has('pdftotext') || !has('pdfinfo') || !has('pdftoppm')) missing.push('poppler-utils');
if (process.env.CONFIGTRAIL_NATIVE !== '0') {
  if (!has('c++') && !process.env.CXX) missing.push('g++');
  if (!existsSync('/usr/include/simdjson.h')) missing.push('libsimdjson-dev');
  if (!existsSync('/usr/include/libdeflate.h')) missing.push('libdeflate-dev');
}

if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && has('apt-get')) {
  console.error(`configtrail: installing ${missing.join(' ')} with apt-get…`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  } catch (err) {
    console.error(`configtrail: apt-get could not install ${missing.join(' ')}: ${err.message.split('\n')[0]}`);
  }
} else {
  console.error(`configtrail: missing ${missing.join(' ')}; install with: sudo apt-get install ${missing.join(' ')}`);
}
