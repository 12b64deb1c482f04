/**
 * `npm run bench:gateway`: how much the reference gateway costs over a direct hit.
 *
 * Starts a stand-in upstream and the gateway as separate processes (loopback only),
 * drives each target with autocannon for a few seconds after a short warm-up, and prints
 * throughput and latency percentiles side by side. All processes share this machine's
 * cores with the load generator, so read the numbers as relative, not absolute.
 *
 *   npm run bench:gateway -- --duration 5 --connections 50 [--pin 0]
 *
 * With --pin 1 (default, when taskset exists and there are 2+ CPUs) the single-process
 * gateway runs on CPU 1 while the upstream and autocannon share CPU 0, so the gateway
 * row measures the gateway rather than the fight for cores. The 2-worker gateway gets
 * all CPUs (pinning two workers to one core would measure nothing useful).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PACKAGE_ROOT } from '../core/version.js';
import { UPSTREAM_SRC, cpuMs, start, stopAll } from './lib/procs.js';

interface Args { duration: number; warmup: number; connections: number; pin: number }

function parseArgs(argv: string[]): Args {
  const out: Args = { duration: 5, warmup: 2, connections: 50, pin: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '') as keyof Args;
    const value = Number(argv[i + 1]);
    if (!(key in out) || !Number.isFinite(value) || value < 0 || (value === 0 && key !== 'pin')) {
      process.stderr.write(`bench-gateway: usage: [--duration S] [--warmup S] [--connections N] [--pin 1|0] (bad: ${argv[i]} ${argv[i + 1]})\n`);
      process.exit(2);
    }
    out[key] = value;
  }
  return out;
}

function token(): string {
  const b = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub: 'bench', iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${input}.${createHmac('sha256', 'gw-bench-dev-secret-change-me-0123456789').update(input).digest('base64url')}`;
}

interface Row { target: string; rps: number; p50: number; p99: number; max: number; errors: number; non2xx: number; cpuUsPerReq: number }

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  errors: number; timeouts: number; non2xx: number;
}

/** Warm up, then measure one target; `pid` is the process tree whose CPU is charged to it. */
async function drive(target: string, url: string, pid: number, args: Args, headers: Record<string, string>): Promise<Row> {
  const run = (duration: number): Promise<CannonResult> =>
    Promise.resolve(autocannon({ url, connections: args.connections, duration, headers }) as PromiseLike<unknown>) as Promise<CannonResult>;
  await run(args.warmup);
  const cpu0 = cpuMs(pid);
  const r = await run(args.duration);
  const cpu = cpuMs(pid) - cpu0;
  const total = r.requests.average * args.duration;
  return {
    target, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors + r.timeouts, non2xx: r.non2xx, cpuUsPerReq: total > 0 ? (cpu * 1000) / total : NaN,
  };
}

function printTable(rows: Row[], args: Args, placement: string): void {
  const head = ['target', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'CPU µs/req'];
  const body = rows.map((r) => [r.target, r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(0), String(r.errors), String(r.non2xx), r.cpuUsPerReq.toFixed(0)]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  process.stdout.write(`\nautocannon, ${args.connections} connections, ${args.duration} s per target after ${args.warmup} s warm-up, Node ${process.version}; ${placement}\n\n`);
  process.stdout.write(`${line(head)}\n${width.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const b of body) process.stdout.write(`${line(b)}\n`);
  process.stdout.write('\nCPU µs/req: user+system CPU of the target process tree (the upstream for the direct row,\nthe gateway and its workers otherwise) per completed request; less sensitive than req/s\nto other load on the machine. 10 ms clock-tick resolution.\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cli = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
  const pin = args.pin === 1 && availableParallelism() >= 2 && spawnSync('taskset', ['-p', '-c', '0', String(process.pid)]).status === 0;
  const placement = pin ? 'placement: autocannon + upstream on CPU 0, 1-process gateway on CPU 1, 2-worker gateway unpinned' : 'placement: none (all processes share all CPUs)';
  const upstream = await start('upstream', ['--input-type=module', '-e', UPSTREAM_SRC], {}, pin ? '0' : null);
  const env = {
    GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: '0',
    GW_UPSTREAM_USER: upstream.url, GW_UPSTREAM_USER_STATUS: upstream.url, GW_UPSTREAM_BARRAGE: upstream.url, GW_UPSTREAM_INTERACT: upstream.url,
  };
  const gw1 = await start('gateway (1 process)', [cli, 'gateway'], { ...env, GW_WORKERS: '1' }, pin ? '1' : null);
  const gw2 = await start('gateway (2 workers)', [cli, 'gateway'], { ...env, GW_WORKERS: '2' });
  const auth = { authorization: `Bearer ${token()}` };

  const rows: Row[] = [];
  rows.push(await drive('upstream direct   GET /api/user/1', `${upstream.url}/api/user/1`, upstream.pid, args, {}));
  rows.push(await drive('gateway 1 proc    GET /api/user/1', `${gw1.url}/api/user/1`, gw1.pid, args, auth));
  rows.push(await drive('gateway 1 proc    GET /api/feed (fan-out)', `${gw1.url}/api/feed?uid=1&room_id=2`, gw1.pid, args, auth));
  rows.push(await drive('gateway 2 workers GET /api/user/1', `${gw2.url}/api/user/1`, gw2.pid, args, auth));
  printTable(rows, args, placement);
}

const onSignal = (): void => { void stopAll().then(() => process.exit(130)); };
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
main().then(
  () => stopAll(),
  async (err: unknown) => {
    process.stderr.write(`bench-gateway: ${(err as Error).message}\n`);
    await stopAll();
    process.exitCode = 5;
  },
);
