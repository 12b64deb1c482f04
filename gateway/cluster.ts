import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry } from 'prom-client';
import type { GatewayConfig } from './config/types.js';
import { loadConfig } from './config/load.js';
import { startGateway, ETCD_START_WAIT_MS, type StartOptions } from './server.js';
import { EtcdSource, layerOf } from './config/etcd-source.js';
import { watchConfigFile } from './reload.js';
import { GwBenchError } from '../core/errors.js';
import { AcceptBalancer, type AcceptDecision } from './cluster-balance.js';
import { BreakerAuthority, BreakerMirrors, type BreakerAckMsg, type BreakerEventMsg, type BreakerUpdateAckMsg, type BreakerUpdateMsg } from './pools/shared-breaker.js';

/** Messages between the primary and its workers (prefixed so prom-client's own pass by). */
type Msg =
  | { type: 'gwb:listening'; url: string }
  | { type: 'gwb:metrics-req'; id: number }
  | { type: 'gwb:metrics-res'; id: number; contentType: string; text: string; error?: string }
  | { type: 'gwb:reload' }
  | { type: 'gwb:etcd-layer'; layer: Record<string, unknown>; revision: number }
  | { type: 'gwb:shutdown' }
  | { type: 'gwb:connections'; n: number }
  | { type: 'gwb:accept'; accept: boolean }
  | BreakerEventMsg
  | BreakerUpdateMsg
  | BreakerUpdateAckMsg
  | BreakerAckMsg;

/** How long the primary waits for workers to confirm a breaker state change. */
const UPDATE_ACK_TIMEOUT_MS = 200;

const METRICS_TIMEOUT_MS = 5000;

/** A balancing worker tells the primary its connection count this soon after a new connection... */
const CONNECTIONS_REPORT_MS = 50;
/** ...and at this interval otherwise (when the count changed), which covers closed connections. */
const CLOSED_REPORT_MS = 1000;

/** Whether workers balance their connections (cluster-balance.ts): SCHED_NONE only, where the kernel's spread is uneven. */
const balancing = (config: GatewayConfig): boolean => config.scheduling === 'none' && config.balance !== null && config.workers > 1;

/**
 * Primary of a multi-process gateway: forks the workers, prints `listening on` once all
 * of them accept, aggregates /metrics across them, fans config reloads out, and on
 * SIGTERM/SIGINT drains them and exits 0. Workers exit by themselves if the primary
 * dies (node:cluster exits a worker whose IPC channel disconnects).
 */
export async function runPrimary(config: GatewayConfig, opts: StartOptions, onListening: (url: string) => void): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Must be set before the first fork. SCHED_NONE: every worker accepts on the shared
  // socket and the kernel spreads connections; RR funnels every accept through the
  // primary's event loop and one IPC hop (see defaults.ts for the measured numbers).
  cluster.schedulingPolicy = config.scheduling === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
  const aggregator = new AggregatorRegistry();
  let shuttingDown = false;
  let announced = false;
  const listening = new Set<number>();
  const broadcast = (m: Msg): void => {
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(m);
  };
  // Breaker state changes go to every worker, which confirm them; `lastUpdate` settles
  // when all confirmed (or after a timeout), and reporters' acks wait for it.
  let updateId = 0;
  let lastUpdate: Promise<void> = Promise.resolve();
  const pendingUpdates = new Map<number, { waiting: Set<number>; done: () => void }>();
  const broadcastUpdate = (u: BreakerUpdateMsg): void => {
    const id = ++updateId;
    const targets = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    lastUpdate = new Promise<void>((resolve) => {
      const done = (): void => { clearTimeout(timer); pendingUpdates.delete(id); resolve(); };
      const timer = setTimeout(done, UPDATE_ACK_TIMEOUT_MS);
      pendingUpdates.set(id, { waiting: new Set(targets.map((w) => w.id)), done });
      if (targets.length === 0) done();
    });
    for (const w of targets) w.send({ ...u, ackId: id } satisfies Msg);
  };
  const balancer = balancing(config) ? new AcceptBalancer(config.balance!) : null;
  const tell = (decisions: AcceptDecision[]): void => {
    for (const d of decisions) {
      const w = cluster.workers?.[d.worker];
      if (w?.isConnected()) w.send({ type: 'gwb:accept', accept: d.accept } satisfies Msg);
    }
  };
  const ackChains = new Map<number, Promise<void>>();
  const breakers = new BreakerAuthority(broadcastUpdate);
  breakers.configure(config);

  const onMessage = (worker: Worker, msg: Msg): void => {
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'gwb:listening') {
      listening.add(worker.id);
      balancer?.add(worker.id);
      everListened = true;
      log(`gateway: worker ${worker.id} pid ${worker.process.pid} listening`);
      for (const u of breakers.snapshot()) worker.send(u);
      if (!announced && listening.size >= config.workers) { announced = true; onListening(msg.url); }
    } else if (msg.type === 'gwb:breaker-event') {
      const before = updateId;
      breakers.onEvent(msg);
      const applied = updateId !== before ? lastUpdate : null;
      // Per-worker chain keeps this worker's acks in report order.
      const chain = (ackChains.get(worker.id) ?? Promise.resolve()).then(() => applied).then(() => {
        if (worker.isConnected()) worker.send({ type: 'gwb:breaker-ack', seq: msg.seq } satisfies Msg);
      });
      ackChains.set(worker.id, chain);
    } else if (msg.type === 'gwb:connections') {
      if (balancer && !shuttingDown) tell(balancer.report(worker.id, msg.n));
    } else if (msg.type === 'gwb:breaker-update-ack') {
      const p = pendingUpdates.get(msg.ackId);
      if (p) { p.waiting.delete(worker.id); if (p.waiting.size === 0) p.done(); }
    } else if (msg.type === 'gwb:metrics-req') {
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: 'gwb:metrics-res', id: msg.id, contentType: aggregator.contentType, text } satisfies Msg),
        (err: Error) => worker.send({ type: 'gwb:metrics-res', id: msg.id, contentType: '', text: '', error: err.message } satisfies Msg),
      );
    }
  };

  // etcd (when configured) is watched here only; a revision that validates is sent to
  // every worker, and a worker forked later starts with the last one.
  let etcdLayer: Record<string, unknown> | null = null;
  let etcdRevision = 0;
  let etcd: EtcdSource | null = null;
  if (config.etcd && opts.watch !== false) {
    const prefix = config.etcd.prefix;
    etcd = new EtcdSource(config.etcd, (rev) => {
      try {
        const layer = layerOf(rev, prefix);
        breakers.configure(loadConfig({ env: opts.env, file: opts.file, overrides: opts.overrides, etcdLayer: layer }));
        etcdLayer = layer;
        etcdRevision = rev.revision;
      } catch (err) {
        const detail = err instanceof GwBenchError ? [err.message, ...err.details].join('; ') : String(err);
        log(`gateway: etcd revision ${rev.revision} rejected, keeping the running config: ${detail}`);
        return;
      }
      broadcast({ type: 'gwb:etcd-layer', layer: etcdLayer, revision: etcdRevision });
    }, log);
    await etcd.ready(ETCD_START_WAIT_MS);
  }

  // Workers run gateway/worker-main.js, not the CLI: less code loaded per process.
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [] });
  const fork = (): void => {
    const workerOpts = JSON.stringify({ file: opts.file ?? null, overrides: opts.overrides, env: opts.env, etcdLayer, etcdRevision });
    const w = cluster.fork({ GWB_GATEWAY_WORKER_OPTS: workerOpts });
    w.on('message', (m: Msg) => onMessage(w, m));
  };
  let everListened = false;
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (shuttingDown) return;
    if (balancer) tell(balancer.remove(worker.id));
    if (!everListened) {
      // A worker that cannot even start (port taken, bad key file) will not do better on
      // a restart: stop everything and pass its exit code on.
      shuttingDown = true;
      log(`gateway: worker ${worker.id} exited (${signal ?? code}) before listening; stopping`);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(typeof code === 'number' && code !== 0 ? code : 5);
    }
    log(`gateway: worker ${worker.id} pid ${worker.process.pid} exited (${signal ?? code}); starting a replacement`);
    setTimeout(fork, 1000).unref();
  });
  for (let i = 0; i < config.workers; i++) fork();

  if (opts.file && opts.watch !== false) {
    const file = opts.file;
    watchConfigFile(file, () => {
      try {
        breakers.configure(loadConfig({ env: opts.env, file, overrides: opts.overrides, etcdLayer }));
      } catch (err) {
        const detail = err instanceof GwBenchError ? [err.message, ...err.details].join('; ') : String(err);
        log(`gateway: config reload rejected, keeping the running config: ${detail}`);
        return;
      }
      broadcast({ type: 'gwb:reload' });
    });
  }

  const shutdown = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    void etcd?.close();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    for (const w of workers) if (w.isConnected()) w.send({ type: 'gwb:shutdown' } satisfies Msg);
    const deadline = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
      process.exit(0);
    }, config.server.shutdownTimeoutMs + 2000);
    const check = (): void => {
      if (workers.every((w) => w.isDead())) { clearTimeout(deadline); process.exit(0); }
    };
    cluster.on('exit', check);
    check();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Body of one worker process: a normal gateway whose /metrics asks the primary to aggregate. */
export async function runWorker(config: GatewayConfig, opts: StartOptions): Promise<void> {
  let nextId = 1;
  const pending = new Map<number, (m: Extract<Msg, { type: 'gwb:metrics-res' }>) => void>();
  const metricsText = (): Promise<{ contentType: string; text: string }> => new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => { pending.delete(id); reject(new Error('primary did not answer the metrics request')); }, METRICS_TIMEOUT_MS);
    pending.set(id, (m) => {
      clearTimeout(timer);
      if (m.error) reject(new Error(m.error)); else resolve({ contentType: m.contentType, text: m.text });
    });
    process.send!({ type: 'gwb:metrics-req', id } satisfies Msg);
  });
  const prefix = `[worker ${cluster.worker?.id}] `;
  const mirrors = new BreakerMirrors((e) => process.send!(e satisfies Msg));
  const gw = await startGateway(config, {
    ...opts,
    breakers: mirrors.factory,
    watch: false, // the primary watches and tells every worker
    log: (line) => process.stderr.write(`${prefix}${line}\n`),
    metricsText,
  });
  AggregatorRegistry.setRegistries([gw.metrics.registry]);
  // prom-client installs the worker's "send me your metrics" listener only when an
  // AggregatorRegistry is constructed, so build one here even though it is never read.
  new AggregatorRegistry();

  let stopping = false;
  let reporter: NodeJS.Timeout | undefined;
  let soon: NodeJS.Timeout | undefined;
  if (balancing(config)) {
    let last = -1;
    const report = (): void => {
      soon = undefined;
      void gw.connections().then((n) => {
        if (n === last || stopping) return;
        last = n;
        process.send!({ type: 'gwb:connections', n } satisfies Msg);
      });
    };
    // New connections are reported within 50 ms (a connect ramp moves fast); closed ones
    // by a 1 s sweep, which is all a paused worker needs to accept again. An idle worker
    // wakes once a second for this, not 20 times.
    gw.server.on('connection', () => { soon ??= setTimeout(report, CONNECTIONS_REPORT_MS).unref(); });
    reporter = setInterval(report, CLOSED_REPORT_MS).unref();
  }
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(reporter);
    clearTimeout(soon);
    void gw.close().then(() => process.exit(0));
  };
  process.on('message', (m: Msg) => {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'gwb:metrics-res') pending.get(m.id)?.(m);
    else if (m.type === 'gwb:breaker-update') {
      mirrors.onUpdate(m);
      if (m.ackId !== undefined) process.send!({ type: 'gwb:breaker-update-ack', ackId: m.ackId } satisfies Msg);
    }
    else if (m.type === 'gwb:breaker-ack') mirrors.onAck(m.seq);
    else if (m.type === 'gwb:accept') { if (!stopping) gw.setAccepting(m.accept); }
    else if (m.type === 'gwb:reload') void gw.reload();
    else if (m.type === 'gwb:etcd-layer') void gw.reloadEtcd(m.layer, m.revision);
    else if (m.type === 'gwb:shutdown') stop();
  });
  // A terminal Ctrl-C reaches the whole process group; drain like the primary asked.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.send!({ type: 'gwb:listening', url: gw.url } satisfies Msg);
}
