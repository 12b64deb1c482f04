/**
 * Measures how fast a multi-process gateway takes on a connection storm, per cluster
 * scheduling policy — the number behind the `cluster.scheduling` default.
 *
 *   node dist/scripts/accept-storm.js [--connections 8000] [--workers 2] [--seconds 20]
 *
 * For each policy it starts `gw-bench gateway` (GW_WORKERS, GW_CLUSTER_SCHEDULING), opens
 * all connections at once (loopback only) and counts those that got an answer to one
 * `GET /healthz`, i.e. were accepted by a worker, not merely queued by the kernel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/version.js';

interface Args { connections: number; workers: number; seconds: number }

function args(argv: string[]): Args {
  const a: Args = { connections: 8000, workers: 2, seconds: 20 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!.replace(/^--/, '') as keyof Args;
    if (!(k in a) || !(Number(argv[i + 1]) > 0)) { process.stderr.write(`accept-storm: bad option ${argv[i]} ${argv[i + 1]}\n`); process.exit(2); }
    a[k] = Number(argv[i + 1]);
  }
  // Our own sockets count against this process's open-file limit (20000 here).
  if (a.connections > 18000) { process.stderr.write('accept-storm: at most 18000 connections from one process\n'); process.exit(2); }
  return a;
}

function startGateway(policy: string, workers: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'gateway'], {
    env: { ...process.env, GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: '0', GW_WORKERS: String(workers), GW_CLUSTER_SCHEDULING: policy },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code})`)));
  });
}

async function storm(port: number, a: Args): Promise<{ served: number; msToAll: number | null; samples: string }> {
  const sockets: Socket[] = [];
  let served = 0;
  let msToAll: number | null = null;
  const t0 = Date.now();
  const marks: string[] = [];
  const request = Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const open = (): void => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    s.once('connect', () => s.write(request));
    s.once('data', () => {
      served++;
      if (served === a.connections) msToAll = Date.now() - t0;
    });
    sockets.push(s);
  };
  // Batches per loop turn: a single synchronous loop of thousands of connect() calls
  // would stall this process, and we would be measuring ourselves, not the gateway.
  for (let i = 0; i < a.connections; i += 250) {
    for (let j = i; j < Math.min(a.connections, i + 250); j++) open();
    await new Promise((r) => setImmediate(r));
  }
  const end = t0 + a.seconds * 1000;
  let nextMark = t0 + 1000;
  while (Date.now() < end && msToAll === null) {
    await new Promise((r) => setTimeout(r, 50));
    const now = Date.now();
    if (now >= nextMark) { marks.push(`${((now - t0) / 1000).toFixed(1)}s:${served}`); nextMark = now + 1000; }
  }
  for (const s of sockets) s.destroy();
  return { served, msToAll, samples: marks.join(' ') };
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  for (const policy of ['none', 'rr']) {
    const { child, port } = await startGateway(policy, a.workers);
    try {
      const r = await storm(port, a);
      process.stdout.write(`policy=${policy} workers=${a.workers} connections=${a.connections}: served ${r.served} ` +
        `${r.msToAll === null ? `(not all within ${a.seconds} s)` : `(all in ${r.msToAll} ms)`}; per second: ${r.samples}\n`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

main().catch((err: unknown) => { process.stderr.write(`accept-storm: ${(err as Error).message}\n`); process.exitCode = 5; });
