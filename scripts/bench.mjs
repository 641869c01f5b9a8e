#!/usr/bin/env node
// npm run bench: generates exports of 0.5M, 2M, 8M and 32M CloudTrail events per profile with the
// samples generator (cached in .bench/ per profile and size), then measures, on the same files and in
// the same run:
//   - baseline-node:   gunzip + JSON.parse of every CloudTrail file, one thread, counting records
//   - baseline-duckdb: DuckDB's read_json_objects counting the records (all cores)
//   - configtrail:     a full JSON report (`report --format json`)
// Each runs in its own process; peak RSS is that process's maxRSS (threads included). Each is
// measured in BENCH_RUNS rounds (default 9 below a million events, 3 below 32 million, 1 from there)
// and the medians are printed. BENCH_PROFILES=default,automation,data-events picks the generator's
// profiles (samples/profiles.ts; all three by default), BENCH_SIZES=500000,2000000 other sizes. Prints
// a table and the targets of issue #18 per profile, and writes .bench/results.json. The measured runs
// go without NODE_EXTRA_CA_CERTS (see runEnv), and the start-up it costs is printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built by `npm run bench` before this runs: an export made by another version of the generator is made anew.
const { GENERATOR_VERSION } = await import(join(root, 'dist/samples/generator.js'));
const { PROFILES } = await import(join(root, 'dist/samples/profiles.js'));
const { nativeReader } = await import(join(root, 'dist/src/parse/native.js'));
const benchDir = join(root, '.bench');
const sizes = (process.env.BENCH_SIZES ?? '500000,2000000,8000000,32000000').split(',').map(Number).filter((n) => n > 0);
const profiles = (process.env.BENCH_PROFILES ?? PROFILES.join(',')).split(',').map((p) => p.trim()).filter(Boolean);
for (const p of profiles) if (!PROFILES.includes(p)) throw new Error(`BENCH_PROFILES: no profile ${p} (${PROFILES.join(', ')})`);
/**
 * Rounds of measurement per size (BENCH_RUNS, else 9 below a million events, 3 below 32 million and
 * 1 from there): each figure printed is the median of its rounds. The small export's runs take about
 * a second, where the host's noise weighs most (single runs there vary by 10-30%), and its rounds
 * cost little: a minute for nine. A 32M round takes about as long as all the others together.
 */
const roundsFor = (size) => Math.max(1, Number(process.env.BENCH_RUNS) || (size < 1_000_000 ? 9 : size < 32_000_000 ? 3 : 1));
const FROM = '2026-07-01';
const TO = '2026-09-30';
mkdirSync(benchDir, { recursive: true });

/**
 * The environment of every measured run: this one without NODE_EXTRA_CA_CERTS. With it set, Node 20
 * initialises OpenSSL and parses the whole CA bundle as the process starts, before any code
 * measured runs (~50 ms a process where it names the system bundle), and no measured run makes a
 * TLS connection. What it costs here is measured and printed (startupCost).
 */
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...runEnv } = process.env;

/** Runs `node <args>` with a preload that reports the process's peak RSS; returns wall seconds, RSS MiB and stdout. */
function measure(args) {
  const rssFile = join(benchDir, `rss-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', join(root, 'scripts', 'bench-rss.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...runEnv, BENCH_RSS_FILE: rssFile },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const rssKb = Number(readFileSync(rssFile, 'utf8'));
  return { wall, rssMiB: rssKb / 1024, stdout: r.stdout.trim() };
}

/** The middle value of some numbers (the upper of the two middle ones when they are even). */
function mid(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Median seconds of an empty Node process over 9 starts, with this environment. */
function startupCost(env) {
  const walls = [];
  for (let i = 0; i < 9; i++) {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { env });
    walls.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return mid(walls);
}

/** The median wall time and, separately, the median peak RSS of some measurements. */
function median(ms) {
  return { wall: mid(ms.map((m) => m.wall)), rssMiB: mid(ms.map((m) => m.rssMiB)), stdout: ms[0].stdout };
}

/** Reads every file once, untimed. */
function warmPageCache(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) warmPageCache(p);
    else if (e.isFile()) readFileSync(p);
  }
}

/** Bytes of every file under a folder. */
function diskBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? diskBytes(p) : statSync(p).size;
  }
  return n;
}

/**
 * The export of a profile and size, generated when its cache is missing or was made by another
 * generator or profile (the default profile's ground truth names none). Returns its ground truth and,
 * when generated now, how fast.
 */
function exportFor(profile, size) {
  const dir = join(benchDir, `export-${profile}-${size}`);
  const truthFile = join(dir, 'ground-truth.json');
  const cached = existsSync(truthFile) ? JSON.parse(readFileSync(truthFile, 'utf8')) : undefined;
  let generated;
  if (cached?.generator !== GENERATOR_VERSION || (cached.profile ?? 'default') !== profile) {
    process.stderr.write(`generating ${size.toLocaleString('en-US')} events, profile ${profile}…\n`);
    rmSync(dir, { recursive: true, force: true });
    const started = process.hrtime.bigint();
    // The generator holds two days of records in memory: its peak RSS was 211 MiB at 0.5M and
    // 448 MiB at 2M (data-events), which extrapolates to ~5 GiB at 32M (340k records a day), beyond
    // Node's default heap limit (~4 GiB on this 24 GiB machine).
    const heapMiB = Math.floor((0.6 * totalmem()) / 2 ** 20);
    execFileSync(process.execPath, [`--max-old-space-size=${heapMiB}`, join(root, 'dist/samples/cli.js'), '--seed', '1', '--out', dir, '--from', FROM, '--to', TO, '--events', String(size), '--profile', profile], { stdio: ['ignore', 'ignore', 'inherit'] });
    generated = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
  return { dir, truth, generated: generated === undefined ? undefined : { seconds: generated, eventsPerSecond: truth.events / generated, diskMiB: diskBytes(join(dir, 'export')) / 2 ** 20 } };
}

const results = [];
for (const profile of profiles) {
  for (const size of sizes) {
    const { dir, truth, generated } = exportFor(profile, size);
    const events = truth.events;
    const diskMiB = generated?.diskMiB ?? diskBytes(join(dir, 'export')) / 2 ** 20;
    if (generated) process.stderr.write(`generated in ${generated.seconds.toFixed(0)} s (${Math.round(generated.eventsPerSecond).toLocaleString('en-US')} events/s), ${diskMiB.toFixed(0)} MiB\n`);
    process.stderr.write(`measuring ${events.toLocaleString('en-US')} events, profile ${profile}…\n`);
    // Every run reads the files from the page cache: the first one measured would otherwise pay the disk.
    warmPageCache(join(dir, 'export'));
    const out = join(benchDir, `report-${profile}-${size}`);
    const cli = [join(root, 'dist/src/cli/main.js'), 'report', join(dir, 'export'), '--quarter', '2026-Q3', '--format', 'json', '--out', out, '--quiet'];
    const ws = join(benchDir, `workspace-${profile}-${size}`);
    // Every measurement is taken RUNS times, the rounds interleaved so that whatever else the machine
    // does weighs on all of them alike; each figure is the median of its rounds.
    const rounds = [];
    const RUNS = roundsFor(size);
    for (let i = 0; i < RUNS; i++) {
      const node = measure([join(root, 'scripts', 'bench-baseline-node.mjs'), join(dir, 'export')]);
      const duck = measure([join(root, 'scripts', 'bench-baseline-duckdb.mjs'), join(dir, 'export')]);
      const report = measure([...cli, '--no-workspace']);
      // The workspace: a first run fills it, a second run over the same inputs (another framework) reuses it.
      rmSync(ws, { recursive: true, force: true });
      const cold = measure([...cli, '--workspace', ws]);
      const warm = measure([...cli, '--workspace', ws, '--framework', 'soc2']);
      for (const [name, m] of [['baseline-node', node], ['baseline-duckdb', duck]]) {
        if (Number(m.stdout) !== events) throw new Error(`${name} counted ${m.stdout} records, expected ${events}`);
      }
      rounds.push({ node, duck, report, cold, warm });
    }
    const med = (k) => median(rounds.map((r) => r[k]));
    const [node, duck, report, cold, warm] = ['node', 'duck', 'report', 'cold', 'warm'].map(med);
    const counted = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).counts.events.read;
    if (counted !== events) throw new Error(`configtrail read ${counted} events, expected ${events}`);
    rmSync(ws, { recursive: true, force: true });
    results.push({ profile, size, events, runs: RUNS, counts: truth.counts, diskMiB, generated, node, duck, report, cold, warm });
  }
}

const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(17) : String(c).padStart(12))).join(' ');
const fmt = (m, events) => [m.wall.toFixed(2), Math.round(events / m.wall).toLocaleString('en-US'), m.rssMiB.toFixed(0)];
const lines = [
  `machine: ${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; native reader: ${nativeReader() ? 'yes' : 'NO (TypeScript reader)'}; each figure the median of its size's rounds (×n)`,
  `node start-up: ${startupCost(runEnv).toFixed(3)} s${extraCaCerts === undefined ? '' : `; ${startupCost(process.env).toFixed(3)} s with NODE_EXTRA_CA_CERTS=${extraCaCerts} as set here, which the measured runs go without`}`,
];
// The targets of issue #18, per profile, each with its verdict on this run.
const verdict = (ok) => (ok ? 'met' : 'NOT met');
const list = (xs, f) => xs.map(f).join(' / ');
const share = (n, events) => `${((100 * n) / events).toFixed(1)}%`;
for (const profile of profiles) {
  const rs = results.filter((r) => r.profile === profile);
  lines.push('', `profile ${profile}`, row(['events', 'run', 'wall s', 'events/s', 'peak RSS MiB']));
  for (const r of rs) {
    const c = r.counts;
    lines.push(row([`${r.events.toLocaleString('en-US')} ×${r.runs}`, 'node baseline', ...fmt(r.node, r.events)]));
    lines.push(row(['', 'duckdb count', ...fmt(r.duck, r.events)]));
    lines.push(row(['', 'configtrail', ...fmt(r.report, r.events)]));
    lines.push(row(['', 'ratio vs duckdb', (r.report.wall / r.duck.wall).toFixed(2), '', '']));
    lines.push(row(['', 'workspace, 1st', ...fmt(r.cold, r.events)]));
    lines.push(row(['', 'workspace, 2nd', ...fmt(r.warm, r.events)]));
    lines.push(row(['', '1st / 2nd', (r.cold.wall / r.warm.wall).toFixed(2), '', '']));
    lines.push(`${''.padEnd(18)}export ${r.diskMiB.toFixed(0)} MiB${c ? `; writes ${share(c.writes, r.events)}, data events ${share(c.dataEvents, r.events)}, service AssumeRoles ${share(c.serviceAssumeRoles, r.events)}, role sessions ${c.roleSessions.toLocaleString('en-US')}` : ''}${r.generated ? `; generated at ${Math.round(r.generated.eventsPerSecond).toLocaleString('en-US')} events/s` : ''}`);
  }
  const ratios = rs.map((r) => r.report.wall / r.duck.wall);
  const rates = rs.map((r) => r.events / r.report.wall);
  const speedups = rs.map((r) => r.cold.wall / r.warm.wall);
  lines.push(`targets, profile ${profile}:`);
  if (rs.length > 1) {
    const first = rs[0];
    const last = rs[rs.length - 1];
    const growth = last.report.rssMiB / first.report.rssMiB;
    const span = first.size <= 500_000 && last.size >= 32_000_000 ? '' : ' (issue #18 asks 0.5M → 32M; this run did not span it)';
    lines.push(`  peak RSS growth ${first.events.toLocaleString('en-US')} → ${last.events.toLocaleString('en-US')} events ≤ 1.5x: ${growth.toFixed(2)}x → ${verdict(growth <= 1.5)}${span}`);
  } else lines.push('  peak RSS growth 0.5M → 32M ≤ 1.5x: needs two sizes or more → not measured');
  lines.push(`  ≥ 500,000 events/s${nativeReader() ? '' : ' (without the native reader)'}: ${list(rates, (x) => Math.round(x).toLocaleString('en-US'))} → ${verdict(rates.every((x) => x >= 500_000))}`);
  lines.push(`  report at least as fast as DuckDB counting (ratio ≤ 1.0): ${list(ratios, (x) => x.toFixed(2))} → ${verdict(ratios.every((x) => x <= 1))}`);
  lines.push(`  second run over the workspace ≥ 5x faster: ${list(speedups, (x) => `${x.toFixed(1)}x`)} → ${verdict(speedups.every((x) => x >= 5))}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version, nativeReader: nativeReader() }, results }, null, 2)}\n`);
