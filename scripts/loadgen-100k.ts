/**
 * The 100k-connection check (a script, not part of `npm test`): can the load generator open
 * and hold 100,000 keep-alive connections on this machine, where one process may hold at
 * most 20,000 open files?
 *
 * - Server: a stand-in, multi-process node:cluster (8 workers, SCHED_NONE so the kernel
 *   spreads accepts, backlog 65535), every worker answering 200 and counting its open
 *   connections; the primary prints the totals once a second. SCHED_NONE spreads unevenly
 *   (one of 8 workers reached 19979 connections, at its 20000 fd limit, and connections
 *   were dropped), so a worker stops accepting at 15000 and leaves the rest to the others.
 * - Generator: planWorkers({ maxConnections }) decides the worker count from the fd limit,
 *   sourceAddresses() spreads the sockets over 127.1.x.y source addresses, the connect ramp
 *   is paced (5k/s by default), then the connections are held with a low request rate.
 * - Check: the server-side count of open connections versus what the generator says it
 *   established; TcpExtListenOverflows before and after.
 *
 *   node dist/scripts/loadgen-100k.js [--connections 100000] [--connect-rate 5000] [--hold 10] [--rate 1000] [--server-workers 8]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LoadGenerator, planWorkers, sourceAddresses, DEFAULT_HEALTH_LIMITS } from '../loadgen/index.js';
import { decodeHistogram, percentileMs } from '../core/hdr.js';

interface Args { connections: number; 'connect-rate': number; hold: number; rate: number; 'server-workers': number }
const args: Args = { connections: 100_000, 'connect-rate': 5000, hold: 10, rate: 1000, 'server-workers': 8 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i]!.replace(/^--/, '') as keyof Args;
  const v = Number(process.argv[i + 1]);
  if (!(k in args) || !(v > 0)) { console.error(`loadgen-100k: unknown or bad option ${process.argv[i]} ${process.argv[i + 1]}`); process.exit(2); }
  args[k] = v;
}

const SERVER_SRC = `
const cluster = require('node:cluster');
const http = require('node:http');
const N = Number(process.env.N);
if (cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const open = new Map(); const accepted = new Map();
  for (let i = 0; i < N; i++) {
    const w = cluster.fork();
    w.on('message', (m) => { open.set(w.id, m.open); accepted.set(w.id, m.accepted); });
  }
  let ready = 0;
  cluster.on('listening', (w, addr) => { if (++ready === N) console.log(JSON.stringify({ port: addr.port })); });
  setInterval(() => {
    const per = [...open.values()];
    console.log(JSON.stringify({ open: per.reduce((a, b) => a + b, 0), accepted: [...accepted.values()].reduce((a, b) => a + b, 0), perWorker: per }));
  }, 1000);
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGKILL'); process.exit(0); });
} else {
  let open = 0, accepted = 0;
  const CAP = 15000;
  const s = http.createServer({ keepAliveTimeout: 600000, headersTimeout: 600000, requestTimeout: 0 }, (q, r) => { q.resume(); r.writeHead(200, { 'content-length': '2' }); r.end('ok'); });
  // SCHED_NONE spreads accepts unevenly; a worker near its fd limit stops accepting (closing
  // only its own copy of the listening socket) so the others take the rest, instead of the
  // kernel accepting and libuv dropping connections at EMFILE.
  let listening = true;
  s.on('connection', (c) => {
    open++; accepted++; c.on('close', () => open--);
    if (listening && open >= CAP) { listening = false; s.close(); }
  });
  s.listen({ port: Number(process.env.PORT), host: '127.0.0.1', backlog: 65535 });
  setInterval(() => process.send({ open, accepted }), 500);
  process.on('disconnect', () => process.exit(0));
}`;

function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/);
  return Number(values[names.indexOf('ListenOverflows')]);
}

let server: ChildProcess | null = null;
let gen: LoadGenerator | null = null;
const kill = (): void => { if (server && server.exitCode === null) server.kill('SIGTERM'); };
process.on('exit', kill);
const hardStop = setTimeout(() => { console.error('loadgen-100k: gave up after 240 s'); kill(); process.exit(5); }, 240_000);

async function main(): Promise<void> {
  const plan = planWorkers({ maxConnections: args.connections });
  const addrs = sourceAddresses(plan.workers, Math.ceil(args.connections / plan.workers));
  console.log(`fd limit ${plan.fdLimit}: ${plan.workers} generator workers of at most ${plan.perWorkerMax} connections; source addresses ${addrs.map((a) => a.join('+')).join(', ')}`);

  // node:cluster forks its script file, so the stand-in server needs one
  const dir = mkdtempSync(join(tmpdir(), 'gwb-100k-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'server.cjs');
  writeFileSync(file, SERVER_SRC);
  server = spawn(process.execPath, [file], { env: { ...process.env, N: String(args['server-workers']), PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let serverOpen = 0;
  let serverAccepted = 0;
  let perWorker: number[] = [];
  let maxOpen = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: server!.stdout! });
    rl.on('line', (l) => {
      const m = JSON.parse(l) as { port?: number; open?: number; accepted?: number; perWorker?: number[] };
      if (m.port !== undefined) resolve(m.port);
      if (m.open !== undefined) { serverOpen = m.open; serverAccepted = m.accepted ?? 0; perWorker = m.perWorker ?? []; maxOpen = Math.max(maxOpen, serverOpen); }
    });
    server!.once('exit', (c) => reject(new Error(`server exited (${c})`)));
  });
  console.log(`server: node:cluster, ${args['server-workers']} workers, SCHED_NONE, backlog 65535, on 127.0.0.1:${port}`);

  const overflows0 = listenOverflows();
  gen = await LoadGenerator.start({ workers: plan.workers, sourceAddresses: addrs });
  const t0 = Date.now();
  const m = await gen.runStage({
    index: 0, name: '100k', target: { host: '127.0.0.1', port }, connections: args.connections, rate: args.rate, arrival: 'constant', seed: 1,
    connectRate: args['connect-rate'], warmupMs: 0, durationMs: args.hold * 1000, requestTimeoutMs: 5000, maxQueue: 10_000,
    requests: [{ name: 'get', weight: 1, method: 'GET', path: '/hold/${seq}', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: { valid: ['t'], expired: [], badSignature: [] }, variables: { uid: [1, 1], room_id: [1, 1] },
    health: { ...DEFAULT_HEALTH_LIMITS }, engine: 'gw-bench',
  }, {
    onProgress: (p) => console.log(`  ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s ${p.phase.padEnd(7)} generator open ${p.connectionsOpen}, server open ${serverOpen}, ${Math.round(p.achievedRps)} req/s, errors ${p.errors}`),
  });
  const serverAtEnd = serverOpen;
  const overflows = listenOverflows() - overflows0;
  const h = decodeHistogram(m.latencyHdr);
  console.log('\nresult:');
  console.log(`  requested ${m.connectionCounts.requested}, established ${m.connectionCounts.established}, failed ${m.connectionCounts.failed} ${JSON.stringify(m.connectionCounts.failedByErrno)}, reopened ${m.connectionCounts.reopened}, open at end ${m.openAtEnd}`);
  console.log(`  server: open ${serverAtEnd} at the end of the hold (max seen ${maxOpen}), accepted ${serverAccepted}, per server worker ${JSON.stringify(perWorker)}`);
  console.log(`  ramp + hold took ${((Date.now() - t0) / 1000).toFixed(1)} s; TcpExtListenOverflows +${overflows}`);
  console.log(`  hold: ${m.requests} requests at ${Math.round(m.achievedRps)} req/s, errors ${JSON.stringify(m.errors)}, latency p50 ${(percentileMs(h, 50) ?? 0).toFixed(2)} ms, p99 ${(percentileMs(h, 99) ?? 0).toFixed(2)} ms`);
  console.log(`  generator: valid ${m.generator.valid} ${m.generator.reasons.join('; ')}`);
  const ok = m.connectionCounts.established === args.connections && serverAtEnd >= args.connections;
  console.log(ok ? `OK: ${args.connections} connections established and held (server confirms ${serverAtEnd})` : 'NOT OK: see the counts above');
  await gen.close();
  kill();
  clearTimeout(hardStop);
  process.exitCode = ok ? 0 : 4;
}

main().catch(async (e: unknown) => {
  console.error(`loadgen-100k: ${e instanceof Error ? e.message : String(e)}`);
  await gen?.close();
  kill();
  process.exit(5);
});
