/**
 * `npm run profile:gateway`: the reference gateway's CPU cost per request, route by route,
 * and optionally where it goes (a V8 CPU profile summarised by component).
 *
 * One gateway process on CPU 1; a stand-in upstream and autocannon (fixed rate, so the
 * gateway does the same work whatever the machine's load) on CPU 0. After a warm-up,
 * each route is driven for `--duration` seconds and the gateway's user+system CPU
 * (/proc/<pid>/stat) is divided by the requests completed: CPU per request is much less
 * sensitive to other load on a shared machine than req/s or latency.
 *
 *   npm run profile:gateway -- [--rate 1500] [--duration 20] [--warmup 5] [--connections 100]
 *        [--routes user,feed] [--env GW_UPSTREAM_CLIENT=undici,...] [--cpu-prof DIR] [--runs 1]
 *   node dist/scripts/profile-gateway.js --summarise FILE.cpuprofile
 *
 * --idle N (up to 5000) measures instead the gateway's CPU with N idle keep-alive connections held
 * for --duration seconds (the cost of Node's connection sweep and per-socket timers).
 * --gateway-root DIR runs another built checkout's gateway (an older commit, for before/after).
 *
 * With --cpu-prof the gateway runs under `node --cpu-prof` (which itself costs CPU: take
 * µs/request from a run without it) and the profile's self time is printed per component.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { connect as netConnect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { PACKAGE_ROOT } from '../core/version.js';
import { UPSTREAM_SRC, cpuMs, runBench, start, stopAll } from './lib/procs.js';
import { benchArgs, usage } from './lib/feature-bench.js';

const SCRIPT = 'profile-gateway';
const ROUTES: Record<string, string> = { user: '/api/user/1', feed: '/api/feed?uid=1&room_id=2' };

function token(): string {
  const b = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub: 'bench', iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${input}.${createHmac('sha256', 'gw-bench-dev-secret-change-me-0123456789').update(input).digest('base64url')}`;
}

interface CannonResult { requests: { total: number; average: number }; latency: { p50: number; p99: number }; errors: number; timeouts: number; non2xx: number; '2xx': number }

function cannon(url: string, seconds: number, rate: number, connections: number, headers: Record<string, string>): Promise<CannonResult> {
  return Promise.resolve(autocannon({ url, connections, duration: seconds, overallRate: rate, headers }) as PromiseLike<unknown>) as Promise<CannonResult>;
}

/** Component of a profile node, by script URL and function name. */
function component(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'native (program: llhttp, syscalls, libuv)';
  if (url.startsWith('wasm://')) return 'undici (upstream client)'; // undici's llhttp build is WebAssembly
  if (url === '' && /^write(v|Latin1String|Utf8String|Buffer)$/.test(fn)) return 'socket writes (native)';
  if (url === '' && /^(readv?|onStreamRead)$/.test(fn)) return 'socket reads (native)';
  if (url.includes('/undici/')) return 'undici (upstream client)';
  if (url.includes('/prom-client/')) return 'prom-client';
  if (url.includes('/lru-cache/')) return 'JWT cache (lru-cache)';
  if (url.includes('/gateway/routes/feed')) return 'gateway: fan-out (feed.js)';
  if (url.includes('/gateway/routes/proxy')) return 'gateway: proxy.js';
  if (url.includes('/gateway/routes/')) return 'gateway: routing/dispatch';
  if (/\/gateway\/pools\/(lean-client|response-parser|undici-client)/.test(url)) return 'gateway: upstream client (lean-client.js, response-parser.js)';
  if (url.includes('/gateway/http/')) return 'gateway: headers/respond';
  if (url.includes('/gateway/auth/')) return 'gateway: JWT check';
  if (url.includes('/gateway/observability/')) return 'gateway: metrics wrapper';
  if (url.includes('/gateway/pools/')) return 'gateway: pools/breaker/balancer';
  if (url.includes('/gateway/')) return 'gateway: other';
  if (/node:_http_(server|incoming|common)/.test(url)) return 'node:http server (parse side)';
  if (/node:_http_outgoing/.test(url)) return 'node:http response writing';
  if (/node:(net|stream|internal\/streams)/.test(url) || url.includes('internal/streams')) return 'net + streams';
  if (url.includes('timers')) return 'timers';
  if (/node:internal\/(process\/task_queues|async_hooks)/.test(url) || fn === 'runMicrotasks') return 'promises, nextTick, async hooks';
  if (url.includes('node:events')) return 'EventEmitter';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/bootstrap')) return 'startup (module loading)';
  if (url.startsWith('node:') || url === '') return 'node core, other';
  return 'other JS';
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; hitCount?: number; children?: number[] }

/** Self time per component and the top self-time functions of a .cpuprofile. */
function summarise(file: string): { busyMs: number; components: [string, number][]; functions: [string, number][] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) selfUs.set(prof.samples[i]!, (selfUs.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const comp = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const c = component(n.callFrame.url, n.callFrame.functionName);
    if (c === 'idle') continue;
    busy += us;
    comp.set(c, (comp.get(c) ?? 0) + us);
    const fkey = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '')}`;
    fns.set(fkey, (fns.get(fkey) ?? 0) + us);
  }
  const sort = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, components: sort(comp), functions: sort(fns).slice(0, 25) };
}

async function main(): Promise<void> {
  const a = benchArgs(SCRIPT, { rate: '1500', duration: '20', warmup: '5', connections: '100', routes: 'user,feed', env: '', 'cpu-prof': '', runs: '1', summarise: '', 'gateway-root': '', idle: '0' });
  if (a.summarise) { printSummary(a.summarise); return; }
  const num = (k: keyof typeof a, max: number): number => {
    const v = Number(a[k]);
    if (!Number.isInteger(v) || v < 1 || v > max) usage(SCRIPT, k, a[k], `must be an integer 1..${max}`);
    return v;
  };
  const rate = num('rate', 20_000);
  const duration = num('duration', 60);
  const warmup = num('warmup', 60);
  const connections = num('connections', 5000);
  const runs = num('runs', 10);
  const routes = a.routes.split(',').filter(Boolean);
  for (const r of routes) if (!(r in ROUTES)) usage(SCRIPT, 'routes', a.routes, `names routes among ${Object.keys(ROUTES).join(', ')}`);
  const extraEnv: Record<string, string> = {};
  for (const kv of a.env.split(',').filter(Boolean)) {
    const eq = kv.indexOf('=');
    if (eq <= 0) usage(SCRIPT, 'env', a.env, 'must be NAME=VALUE[,NAME=VALUE...]');
    extraEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
  }

  const pin = availableParallelism() >= 2 && spawnSync('taskset', ['-p', '-c', '0', String(process.pid)]).status === 0;
  const upstream = await start('upstream', ['--input-type=module', '-e', UPSTREAM_SRC], {}, pin ? '0' : null);
  const profDir = a['cpu-prof'] ? resolve(a['cpu-prof']) : null;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const gw = await start('gateway', [...nodeArgs, join(a['gateway-root'] ? resolve(a['gateway-root']) : PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'gateway'], {
    GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: '0', GW_WORKERS: '1',
    GW_UPSTREAM_USER: upstream.url, GW_UPSTREAM_USER_STATUS: upstream.url, GW_UPSTREAM_BARRAGE: upstream.url, GW_UPSTREAM_INTERACT: upstream.url,
    ...extraEnv,
  }, pin ? '1' : null);
  const headers = { authorization: `Bearer ${token()}` };
  const idle = Number(a.idle);
  if (!Number.isInteger(idle) || idle < 0 || idle > 5000) usage(SCRIPT, 'idle', a.idle, 'must be an integer 0..5000');
  if (idle > 0) { await idleCost(gw, idle, duration); await stopAll(); return; }

  process.stdout.write(`\n${SCRIPT}: ${rate} req/s offered (autocannon overallRate), ${connections} connections, ${warmup} s warm-up + ${duration} s per route, ${runs} run(s); Node ${process.version}; ${pin ? 'gateway on CPU 1, upstream + autocannon on CPU 0' : 'no placement'}; gateway ${a['gateway-root'] || 'this checkout'}; env ${a.env || '(defaults)'}${profDir ? '; under --cpu-prof' : ''}\n\n`);
  process.stdout.write('| route | run | req/s done | non-2xx | errors | p50 ms | p99 ms | gateway CPU µs/req | load avg 1 min (start/end) |\n|---|--:|--:|--:|--:|--:|--:|--:|---|\n');
  for (const r of routes) {
    const url = `${gw.url}${ROUTES[r]}`;
    await cannon(url, warmup, rate, connections, headers);
    for (let k = 1; k <= runs; k++) {
      const la0 = loadavg()[0]!;
      const c0 = cpuMs(gw.pid);
      const res = await cannon(url, duration, rate, connections, headers);
      const cpu = cpuMs(gw.pid) - c0;
      const done = res.requests.total;
      const perReq = done > 0 ? (cpu * 1000) / done : NaN;
      process.stdout.write(`| ${ROUTES[r]} | ${k} | ${(done / duration).toFixed(0)} | ${res.non2xx} | ${res.errors + res.timeouts} | ${res.latency.p50} | ${res.latency.p99} | ${perReq.toFixed(1)} | ${la0.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} |\n`);
    }
  }
  process.stdout.write('\nCPU µs/req: the gateway process\'s user+system CPU (/proc/<pid>/stat, 10 ms ticks) over the measured window / requests completed in it.\n');
  const before = profDir ? new Set(readdirSync(profDir)) : null;
  await stopAll();
  if (profDir && before) {
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    const newest = files.map((f) => join(profDir, f)).sort().pop();
    if (!newest) { process.stdout.write('no .cpuprofile written\n'); return; }
    printSummary(newest);
  }
}

/**
 * --idle N: the gateway's CPU with N keep-alive client connections held idle (each made one
 * request first, so it sits in the server's keep-alive state with its timers armed): the
 * cost of Node's periodic connection sweep (connectionsCheckingInterval) and per-socket
 * timers, which grow with held connections, not with requests.
 */
async function idleCost(gw: { url: string; pid: number }, n: number, seconds: number): Promise<void> {
  const { port } = new URL(gw.url);
  const sockets: Socket[] = [];
  const head = 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n';
  for (let i = 0; i < n; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => new Promise<void>((res, rej) => {
      const s = netConnect({ host: '127.0.0.1', port: Number(port) }, () => s.write(head));
      s.once('data', () => res());
      s.once('error', rej);
      sockets.push(s);
    })));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const la0 = loadavg()[0]!;
  const c0 = cpuMs(gw.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = cpuMs(gw.pid) - c0;
  process.stdout.write(`| idle connections | seconds | gateway CPU ms | CPU ms/s | µs/s per connection | load avg (start/end) |\n|--:|--:|--:|--:|--:|---|\n| ${n} | ${seconds} | ${cpu.toFixed(0)} | ${(cpu / seconds).toFixed(2)} | ${((cpu * 1000) / seconds / n).toFixed(3)} | ${la0.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} |\n`);
  for (const s of sockets) s.destroy();
}

function printSummary(file: string): void {
  const s = summarise(file);
  process.stdout.write(`\nprofile ${file} (whole run, warm-ups included): busy ${s.busyMs.toFixed(0)} ms\n\n| component | self ms | share of busy |\n|---|--:|--:|\n`);
  for (const [c, us] of s.components) if (us / 1000 / s.busyMs >= 0.003) process.stdout.write(`| ${c} | ${(us / 1000).toFixed(0)} | ${((us / 1000 / s.busyMs) * 100).toFixed(1)}% |\n`);
  process.stdout.write('\ntop self-time functions:\n');
  for (const [f, us] of s.functions) process.stdout.write(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${((us / 1000 / s.busyMs) * 100).toFixed(1).padStart(5)}%  ${f}\n`);
}

runBench(SCRIPT, main);
