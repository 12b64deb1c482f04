/**
 * `npm run bench:loadgen`: how fast ONE load-generator worker on ONE core is, next to
 * autocannon and wrk on the same core, against a trivial target on the other core.
 *
 * - target: nginx `return 200` pinned to CPU 0 (the OS package nginx-light, installed here
 *   with apt-get when missing and we are root; `--target node` for a node:http server
 *   instead). A node:http target queues near 50k req/s and becomes the ceiling being
 *   measured; nginx does not: its own CPU is printed for every stage to show it below
 *   saturation.
 * - gw-bench: one worker pinned to CPU 1 (taskset -c 1), open model, 100 connections; the
 *   rate climbs a ladder (2k, 5k, 10k, ...) until a stage falls short of the plan or has
 *   errors. Reported: the highest rate sustained while valid (generator health within the
 *   default limits), the highest rate kept up regardless of health, and a saturated run.
 * - autocannon -c 100 and wrk -t1 -c100 (the OS package wrk, installed the same way), each
 *   pinned to CPU 1 (closed loop, max throughput), same target, same run. Ratios of
 *   gw-bench's highest valid open-model rate to each are printed (goals: >= 0.8x wrk,
 *   >= 1.3x autocannon).
 * - undici: a closed loop of 100 concurrent Pool requests on CPU 1, the client we did not
 *   use (for the "which client" question).
 *
 * - paired rounds: gw-bench saturated (asked 1.25x its saturated rate), wrk and autocannon
 *   back to back, 3 times; the median per-CPU-second ratio is the headline (pairedRounds
 *   explains why).
 *
 * Everything goes to 127.0.0.1. Every child is killed at the end. Options:
 *   npm run bench:loadgen -- --duration 3 --connections 100 --rounds 3 --target node
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LoadGenerator } from '../loadgen/index.js';
import { DEFAULT_HEALTH_LIMITS } from '../loadgen/health.js';
import { decodeHistogram, percentileMs } from '../core/hdr.js';
import { treeCpuSeconds } from '../harness/procfs.js';
import type { StageMeasurement, StagePlan } from '../loadgen/types.js';
import { freePort } from '../core/processes/free-port.js';
import { median } from '../harness/gate/stats.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

interface Args { duration: number; connections: number; target: 'auto' | 'nginx' | 'node'; start: number; rounds: number }
function parseArgs(argv: string[]): Args {
  const a: Args = { duration: 3, connections: 100, target: 'auto', start: 2000, rounds: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!.replace(/^--/, '');
    const v = argv[i + 1];
    if (k === 'target' && (v === 'auto' || v === 'nginx' || v === 'node')) a.target = v;
    else if ((k === 'duration' || k === 'connections' || k === 'start' || k === 'rounds') && Number(v) > 0) a[k] = Number(v);
    else { process.stderr.write(`bench-loadgen: usage: [--duration S] [--connections N] [--start RATE] [--rounds N] [--target auto|nginx|node] (bad: ${k} ${v})\n`); process.exit(2); }
  }
  return a;
}

const children: ChildProcess[] = [];
let tmp = '';
function cleanup(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => { cleanup(); process.exit(130); });

/** Every process of the benchmark runs at this niceness (same for all tools), so the other work on a shared box disturbs the comparison less. */
const NICE = ['nice', '-n', '-10'];
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Install the OS packages the comparison needs (nginx-light, wrk) when missing: root only, once. */
function ensurePackages(): void {
  const missing = [has('nginx') ? null : 'nginx-light', has('wrk') ? null : 'wrk'].filter((x): x is string => x !== null);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) { console.log(`missing ${missing.join(', ')} and not root: install them (apt-get install -y ${missing.join(' ')}) for the full comparison`); return; }
  console.log(`installing ${missing.join(', ')} (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'ignore', env });
  if (r.status !== 0) console.log(`apt-get install ${missing.join(' ')} failed (exit ${r.status}); continuing with what is there`);
}

/** The target's pid and a CPU reading around each stage (fraction of one core), to show it was not the bottleneck. */
let targetPid: number | null = null;
async function targetCpu<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: number | null }> {
  const t0 = performance.now();
  const c0 = targetPid === null ? null : await treeCpuSeconds(targetPid);
  const value = await fn();
  const c1 = targetPid === null ? null : await treeCpuSeconds(targetPid);
  return { value, cpu: c0 === null || c1 === null ? null : (c1 - c0) / ((performance.now() - t0) / 1000) };
}
const cpuText = (cpu: number | null): string => (cpu === null ? 'target CPU n/a' : `target CPU ${(cpu * 100).toFixed(0)}%`);

async function waitPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => { const s = connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`target on port ${port} did not start`);
}

async function startTarget(kind: 'nginx' | 'node'): Promise<{ port: number; name: string }> {
  const port = await freePort();
  tmp = mkdtempSync(join(tmpdir(), 'gwb-bench-'));
  if (kind === 'nginx') {
    const conf = join(tmp, 'nginx.conf');
    writeFileSync(conf, `daemon off; master_process off; worker_processes 1; error_log ${tmp}/error.log; pid ${tmp}/nginx.pid;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${tmp}/b; proxy_temp_path ${tmp}/p; fastcgi_temp_path ${tmp}/f; uwsgi_temp_path ${tmp}/u; scgi_temp_path ${tmp}/s;
  keepalive_requests 10000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:${port} backlog=4096; location / { return 200 'ok'; } } }\n`);
    // nice and taskset exec nginx, so the child's pid is nginx's (master_process off: one process)
    const c = spawn(NICE[0]!, [...NICE.slice(1), 'taskset', '-c', '0', 'nginx', '-c', conf, '-p', tmp], { stdio: 'inherit' });
    children.push(c);
    targetPid = c.pid ?? null;
  } else {
    const src = `const http=require('node:http');http.createServer({keepAliveTimeout:120000},(q,s)=>{q.resume();s.writeHead(200,{'content-length':'2'});s.end('ok');}).listen(${port},'127.0.0.1');`;
    const c = spawn(NICE[0]!, [...NICE.slice(1), 'taskset', '-c', '0', process.execPath, '-e', src], { stdio: 'inherit' });
    children.push(c);
    targetPid = c.pid ?? null;
  }
  await waitPort(port);
  return { port, name: kind === 'nginx' ? 'nginx return 200 (CPU 0)' : 'node:http 200 (CPU 0)' };
}

function plan(port: number, rate: number, a: Args, index: number): StagePlan {
  return {
    index, name: `rate-${rate}`, target: { host: '127.0.0.1', port }, connections: a.connections, rate, arrival: 'constant', seed: 1,
    connectRate: 10_000, warmupMs: 1000, durationMs: a.duration * 1000, requestTimeoutMs: 2000, maxQueue: 10_000,
    requests: [{ name: 'get', weight: 1, method: 'GET', path: '/', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: { valid: ['bench-token'], expired: [], badSignature: [] }, variables: { uid: [1, 1], room_id: [1, 1] },
    health: { ...DEFAULT_HEALTH_LIMITS }, engine: 'gw-bench',
  };
}

/** Sustained = generator valid, no errors other than expected 401s, and achieved within 3% of the plan. */
function sustained(m: StageMeasurement, rate: number): boolean {
  const errs = Object.entries(m.errors).filter(([k]) => k !== 'expected_401').reduce((s, [, v]) => s + v, 0);
  return m.generator.valid && errs === 0 && m.achievedRps >= rate * 0.97;
}

function line(m: StageMeasurement, rate: number): string {
  const h = decodeHistogram(m.latencyHdr);
  const g = m.generator;
  return `  rate ${String(rate).padStart(6)}/s: achieved ${Math.round(m.achievedRps).toString().padStart(6)}/s, p50 ${(percentileMs(h, 50) ?? 0).toFixed(2)} ms, p99 ${(percentileMs(h, 99) ?? 0).toFixed(2)} ms, send lag p99 ${(g.sendLagP99Ms ?? 0).toFixed(2)} ms, loop p99 ${g.eventLoopP99Ms.toFixed(2)} ms, cpu ${g.cpu.toFixed(2)}, ${sustained(m, rate) ? 'OK' : `NOT sustained${g.reasons.length ? ': ' + g.reasons.join('; ') : ''}${Object.keys(m.errors).length ? ' errors ' + JSON.stringify(m.errors) : ''}`}`;
}

/** Rates tried in order; the ladder stops at the first rate that is not kept up (achieved or errors). */
const LADDER = [2000, 5000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 50_000, 60_000, 70_000, 80_000, 100_000];

/** Kept up: achieved within 3% of the plan with no errors (generator health aside). */
function keptUp(m: StageMeasurement, rate: number): boolean {
  const errs = Object.entries(m.errors).filter(([k]) => k !== 'expected_401').reduce((s, [, v]) => s + v, 0);
  return errs === 0 && m.achievedRps >= rate * 0.97;
}

async function benchGwBench(port: number, a: Args): Promise<{ rps: number; keptUpRps: number; perCpuSec: number; saturatedRps: number }> {
  const gen = await LoadGenerator.start({ workers: 1, cpuList: '1' });
  for (const pid of gen.pids) spawnSync('renice', ['-n', '-10', '-p', String(pid)], { stdio: 'ignore' });
  let index = 0;
  try {
    let bestValid = 0;
    let bestKept = 0;
    let perCpuSec = 0;
    for (const rate of LADDER.filter((r) => r >= a.start || r === LADDER[0])) {
      const { value: m, cpu } = await targetCpu(() => gen.runStage(plan(port, rate, a, index++)));
      console.log(`${line(m, rate)}; ${cpuText(cpu)}`);
      if (!keptUp(m, rate)) break;
      bestKept = rate;
      if (m.generator.cpu > 0) perCpuSec = Math.max(perCpuSec, m.achievedRps / m.generator.cpu);
      if (sustained(m, rate)) bestValid = rate;
    }
    // Saturation: the same worker asked for far more than it can send. The stage is invalid
    // by design; its achieved rate is the client's raw throughput, comparable to the closed
    // loops below, and its CPU use gives requests per CPU-second at full load.
    const { value: sat, cpu: satCpu } = await targetCpu(() => gen.runStage(plan(port, 300_000, a, index++)));
    const satPerCpu = sat.generator.cpu > 0 ? sat.achievedRps / sat.generator.cpu : 0;
    console.log(`  saturated (asked 300000/s, invalid by design): achieved ${Math.round(sat.achievedRps)}/s at cpu ${sat.generator.cpu.toFixed(2)} = ${Math.round(satPerCpu)} req per CPU-second; ${cpuText(satCpu)}`);
    return { rps: bestValid, keptUpRps: bestKept, perCpuSec: Math.max(perCpuSec, satPerCpu), saturatedRps: sat.achievedRps };
  } finally {
    await gen.close();
  }
}

/** Run a command pinned to CPU 1 at the bench niceness; returns its stdout and the CPU seconds it used (bash `times`). */
async function pinnedWithTimes(argv: string[]): Promise<{ stdout: string; cpuSec: number }> {
  const q = (x: string): string => `'${x.replace(/'/g, "'\\''")}'`;
  const r = await run('bash', ['-c', `${[...NICE, 'taskset', '-c', '1', ...argv].map(q).join(' ')}; times >&2`], { maxBuffer: 1 << 24 });
  // `times` prints the shell's then its children's user and system time: "0m0.001s 0m0.002s\n0m1.5s 0m0.7s"
  const child = r.stderr.trim().split('\n').pop() ?? '';
  const secs = [...child.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
  return { stdout: r.stdout, cpuSec: secs };
}

async function benchAutocannon(port: number, a: Args): Promise<{ rps: number; perCpuSec: number }> {
  const bin = join(require.resolve('autocannon/package.json'), '..', 'autocannon.js');
  const { value: { stdout, cpuSec }, cpu } = await targetCpu(() => pinnedWithTimes([process.execPath, bin, '-c', String(a.connections), '-d', String(a.duration + 1), '-j', `http://127.0.0.1:${port}/`]));
  const r = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number } };
  const perCpuSec = r.requests.total / cpuSec;
  console.log(`  autocannon -c ${a.connections}: ${Math.round(r.requests.average)} req/s average (${Math.round(perCpuSec)} per CPU-second), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (service time); ${cpuText(cpu)}`);
  return { rps: r.requests.average, perCpuSec };
}

async function benchWrk(port: number, a: Args): Promise<{ rps: number; perCpuSec: number } | null> {
  if (!has('wrk')) { console.log('  wrk: not installed'); return null; }
  const { value: { stdout, cpuSec }, cpu } = await targetCpu(() => pinnedWithTimes(['wrk', '-t1', `-c${a.connections}`, `-d${a.duration + 1}s`, `http://127.0.0.1:${port}/`]));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  const perCpuSec = total / cpuSec;
  console.log(`  wrk -t1 -c${a.connections}: ${Math.round(rps)} req/s (${Math.round(perCpuSec)} per CPU-second); ${cpuText(cpu)}`);
  return { rps, perCpuSec };
}

async function benchUndici(port: number, a: Args): Promise<{ rps: number; perCpuSec: number }> {
  const src = `
import { Pool } from 'undici';
const pool = new Pool('http://127.0.0.1:${port}', { connections: ${a.connections}, pipelining: 1 });
let n = 0, stop = false; const t0 = performance.now();
setTimeout(() => { stop = true; }, ${(a.duration + 1) * 1000});
async function loop() { while (!stop) { const r = await pool.request({ path: '/', method: 'GET' }); await r.body.dump(); n++; } }
await Promise.all(Array.from({ length: ${a.connections} }, loop));
const cpu = process.cpuUsage(); console.log(JSON.stringify({ rps: n * 1000 / (performance.now() - t0), perCpuSec: n / ((cpu.user + cpu.system) / 1e6) }));
await pool.close();`;
  const file = join(tmp, 'undici-loop.mjs');
  writeFileSync(file, src);
  const { stdout } = await pinnedWithTimes([process.execPath, file]);
  const r = JSON.parse(stdout) as { rps: number; perCpuSec: number };
  console.log(`  undici Pool closed loop (${a.connections} concurrent): ${Math.round(r.rps)} req/s (${Math.round(r.perCpuSec)} per CPU-second)`);
  return r;
}

/**
 * Paired rounds: gw-bench saturated, then wrk, then autocannon, back to back, `rounds` times;
 * one ratio per round and their median. This host switches between a slow and a fast state
 * (a third less system time per request in the fast one) for both tools alike; the ladder
 * above and a single wrk run can land in different states, a pair of 3 s runs rarely does.
 * gw-bench is asked for 1.25x the rate it reached saturated above, not 300k/s: every request
 * over what it can send is refused as `backlog` (issued, recorded, counted), CPU a closed
 * loop never spends (about 5% of the worker's time when asked 3x its rate).
 */
async function pairedRounds(port: number, a: Args, saturatedRps: number): Promise<void> {
  const gen = await LoadGenerator.start({ workers: 1, cpuList: '1' });
  for (const pid of gen.pids) spawnSync('renice', ['-n', '-10', '-p', String(pid)], { stdio: 'ignore' });
  const wrkRatios: number[] = [];
  const acRatios: number[] = [];
  try {
    for (let i = 0; i < a.rounds; i++) {
      const m = await gen.runStage(plan(port, Math.max(10_000, Math.round(saturatedRps * 1.25)), a, 100 + i));
      const ours = m.generator.cpu > 0 ? m.achievedRps / m.generator.cpu : 0;
      const wrk = await benchWrk(port, a);
      const ac = await benchAutocannon(port, a);
      if (wrk !== null) wrkRatios.push(ours / wrk.perCpuSec);
      acRatios.push(ours / ac.perCpuSec);
      console.log(`  round ${i + 1}: gw-bench saturated ${Math.round(m.achievedRps)}/s, ${Math.round(ours)} per CPU-second = ${wrk === null ? 'n/a' : (ours / wrk.perCpuSec).toFixed(2)}x wrk, ${(ours / ac.perCpuSec).toFixed(2)}x autocannon`);
    }
  } finally {
    await gen.close();
  }
  const med = (xs: number[]): string => (xs.length === 0 ? 'n/a' : `${median(xs).toFixed(2)}x`);
  console.log(`  paired, per CPU-second: gw-bench / wrk median ${med(wrkRatios)} (${wrkRatios.map((r) => r.toFixed(2)).join(', ')}; goal >= 0.8x), gw-bench / autocannon median ${med(acRatios)} (goal >= 1.3x)`);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (!has('taskset')) { console.error('bench-loadgen: needs taskset (util-linux)'); process.exit(2); }
  if (a.target !== 'node') ensurePackages();
  const kind = a.target === 'auto' ? (has('nginx') ? 'nginx' : 'node') : a.target;
  const target = await startTarget(kind);
  console.log(`target: ${target.name} on 127.0.0.1:${target.port}; generators on CPU 1; ${a.connections} connections; ${a.duration} s stages; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('gw-bench, one worker, open model (stepping the rate up until not sustained):');
  const ours = await benchGwBench(target.port, a);
  console.log('closed-loop tools on the same core:');
  const ac = await benchAutocannon(target.port, a);
  const wrk = await benchWrk(target.port, a);
  // undici lives in this package's node_modules; an ESM file outside it resolves it through a copy next to it
  let und: { rps: number; perCpuSec: number } | null = null;
  try {
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(require.resolve('undici/package.json'), '..', '..'), join(tmp, 'node_modules'));
    und = await benchUndici(target.port, a);
  } catch (e) { console.log(`  undici: failed (${(e as Error).message.split('\n')[0]})`); }
  const f = (x: { rps: number; perCpuSec: number } | null): string => x === null ? 'n/a' : `${Math.round(x.rps).toString().padStart(7)} req/s, ${Math.round(x.perCpuSec).toString().padStart(7)} req per CPU-second`;
  console.log('\nsummary (one core each):');
  console.log(`  gw-bench, open model, highest valid rate: ${f(ours)}`);
  console.log(`  gw-bench, open model, highest rate kept up (health aside): ${Math.round(ours.keptUpRps)} req/s`);
  console.log(`  gw-bench, saturated (raw client rate):    ${Math.round(ours.saturatedRps).toString().padStart(7)} req/s`);
  console.log(`  autocannon -c ${a.connections}, closed loop:         ${f(ac)}`);
  console.log(`  wrk -t1 -c${a.connections}, closed loop:            ${f(wrk)}`);
  console.log(`  undici Pool, closed loop:                 ${f(und)}`);
  console.log(`  gw-bench / autocannon: ${(ours.rps / ac.rps).toFixed(2)}x by highest valid rate, ${(ours.saturatedRps / ac.rps).toFixed(2)}x saturated, ${(ours.perCpuSec / ac.perCpuSec).toFixed(2)}x per CPU-second (goal >= 1.3x)`);
  if (wrk !== null) console.log(`  gw-bench / wrk: ${(ours.rps / wrk.rps).toFixed(2)}x by highest valid rate, ${(ours.saturatedRps / wrk.rps).toFixed(2)}x saturated, ${(ours.perCpuSec / wrk.perCpuSec).toFixed(2)}x per CPU-second (goal >= 0.8x)`);
  else console.log('  gw-bench / wrk: n/a (wrk not installed)');
  console.log(`paired rounds (${a.rounds}), each tool ${a.duration} s in turn:`);
  await pairedRounds(target.port, a, ours.saturatedRps);
  console.log(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (the machine is shared: read the numbers as relative)`);
}

main().then(() => { cleanup(); process.exit(0); }, (e: unknown) => { console.error(`bench-loadgen: ${e instanceof Error ? e.message : String(e)}`); cleanup(); process.exit(5); });
