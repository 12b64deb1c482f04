import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { GwBenchError, UsageError } from '../core/errors.js';
import type { GatewayConfig } from './config/types.js';
import { loadConfig, type ConfigSources } from './config/load.js';
import { buildState, type GatewayState } from './state.js';
import { GatewayMetrics } from './observability/metrics.js';
import { createRequestHandler } from './routes/dispatch.js';
import { rawErrorResponse } from './http/respond.js';
import { watchConfigFile, type ConfigWatcher } from './reload.js';
import type { BreakerFactory } from './pools/breaker.js';
import { EtcdSource, layerOf } from './config/etcd-source.js';
import { AcceptGate } from './http/accept-gate.js';

/** How long startup waits for etcd's first answer before serving the file config. */
export const ETCD_START_WAIT_MS = 3000;

export interface StartOptions extends ConfigSources {
  /** Watch `file` and reload on change (default: true when a file is given). */
  readonly watch?: boolean;
  /** Where one-line log messages go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Source of /metrics text; cluster workers pass one that asks the primary to aggregate. */
  readonly metricsText?: (local: GatewayMetrics) => Promise<{ contentType: string; text: string }>;
  /** Where service breakers live; cluster workers mirror the primary's (default: in this process). */
  readonly breakers?: BreakerFactory;
}

/** A running gateway. */
export interface GatewayHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  readonly metrics: GatewayMetrics;
  /** The config currently in force. */
  config(): GatewayConfig;
  /** Re-read the config sources; true when a valid config was swapped in, false when rejected (old one stays). */
  reload(): Promise<boolean>;
  /** Swap in an already validated config. */
  apply(config: GatewayConfig): void;
  /** etcd revision of the config in force (etcd source configured), else null. */
  configRevision(): number | null;
  /** Re-validate with a new etcd layer (cluster workers get it from the primary); false = rejected, old config stays. */
  reloadEtcd(layer: Record<string, unknown>, revision: number): Promise<boolean>;
  /** Client connections this process holds now. */
  connections(): Promise<number>;
  /** Stop or restart accepting new connections (cluster balancing); open ones carry on. */
  setAccepting(accept: boolean): void;
  /** Graceful stop: refuse new connections, let in-flight requests finish (up to the shutdown timeout), close the rest. */
  close(): Promise<void>;
}

/** Settings that only take effect on a restart; a reload that changes them says so. */
function restartOnlyChanges(a: GatewayConfig, b: GatewayConfig): string[] {
  const out: string[] = [];
  if (JSON.stringify(a.listen) !== JSON.stringify(b.listen)) out.push('listen');
  if (a.workers !== b.workers) out.push('workers');
  if (a.scheduling !== b.scheduling) out.push('cluster.scheduling');
  if (a.balance !== b.balance) out.push('cluster.balance');
  return out;
}

function applyServerSettings(server: Server, cfg: GatewayConfig): void {
  server.keepAliveTimeout = cfg.server.keepAliveTimeoutMs;
  server.headersTimeout = cfg.server.headersTimeoutMs;
  server.requestTimeout = cfg.server.requestTimeoutMs;
  // Read per new connection by node:http, so a reload applies it to new connections.
  (server as Server & { maxHeaderSize?: number }).maxHeaderSize = cfg.limits.maxHeaderBytes;
}

/** Start the reference gateway with a validated config. Resolves once it accepts connections. */
export async function startGateway(initial: GatewayConfig, opts: StartOptions = {}): Promise<GatewayHandle> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = new GatewayMetrics();
  let state: GatewayState = buildState(initial, metrics, null, opts.breakers).state;
  let draining = false;
  let lastDropLog = 0;

  const metricsText = opts.metricsText
    ? () => opts.metricsText!(metrics)
    : async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() });

  const server = createServer({
    maxHeaderSize: initial.limits.maxHeaderBytes,
    headersTimeout: initial.server.headersTimeoutMs,
    requestTimeout: initial.server.requestTimeoutMs,
    keepAliveTimeout: initial.server.keepAliveTimeoutMs,
    // Node enforces headersTimeout only on this sweep (30 s by default): a slowloris client
    // kept its socket up to 30 s past a short headers timeout. A quarter of it, 30 s at most.
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(initial.server.headersTimeoutMs / 4))),
    noDelay: true,
  } as Parameters<typeof createServer>[0]);
  applyServerSettings(server, initial);
  // Stay below this process's open-files limit: past it accept() fails with EMFILE and the
  // listen queue stalls for every worker sharing it. Over the cap a new connection is
  // closed at once, so the client reconnects and (SCHED_NONE) lands on another worker.
  const cap = connectionCap();
  if (cap !== null) server.maxConnections = cap;
  server.on('drop', () => {
    const now = Date.now();
    if (now - lastDropLog > 1000) { lastDropLog = now; log(`gateway: at ${cap} connections in this process (open-files limit); closing new ones so they reconnect elsewhere`); }
  });
  server.on('request', createRequestHandler({ getState: () => state, metrics, metricsText, isDraining: () => draining, debugCpuMs: initial.debugCpuMs, debugDelayMs: initial.debugDelayMs }));
  server.on('connection', () => metrics.downstreamConnection());
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Same shape as Node's default handler, but with the contract's JSON bodies.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || (inFlight && inFlight.headersSent)) { socket.destroy(); return; }
    let raw: string;
    if (err.code === 'HPE_HEADER_OVERFLOW') raw = rawErrorResponse(431, 'Request Header Fields Too Large', 'header_too_large');
    else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') raw = rawErrorResponse(408, 'Request Timeout', 'request_timeout');
    else raw = rawErrorResponse(400, 'Bad Request', 'bad_request');
    socket.end(raw);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      for (const svc of state.services.values()) void svc.destroy();
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
        ? new UsageError(`cannot listen on ${initial.listen.host}:${initial.listen.port}: ${err.code}`)
        : err);
    };
    const onListening = (): void => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    // The kernel caps the backlog at net.core.somaxconn (4096 on the test machines).
    server.listen({ host: initial.listen.host, port: initial.listen.port, backlog: initial.listen.backlog });
  });
  // After listening, server errors are accept failures (EMFILE at the open-file limit,
  // ENFILE): log them, at most once a second, and keep serving the open connections.
  let lastAcceptError = 0;
  server.on('error', (err: NodeJS.ErrnoException) => {
    const now = Date.now();
    if (now - lastAcceptError < 1000) return;
    lastAcceptError = now;
    log(`gateway: accepting connections failed: ${err.code ?? err.message} (open-file limit reached? see ulimit -n)`);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : initial.listen.port;
  const host = initial.listen.host;
  const gate = new AcceptGate(server, initial.listen, log);
  const connections = (): Promise<number> => new Promise((resolve) => server.getConnections((_err, n) => resolve(n ?? 0)));
  metrics.countConnections(connections);

  const apply = (config: GatewayConfig): void => {
    const restart = restartOnlyChanges(state.config, config);
    const { state: next, retired } = buildState(config, metrics, state, opts.breakers);
    state = next; // the atomic swap: requests already running keep their snapshot
    applyServerSettings(server, config);
    // undici's close() waits for queued and running requests, so in-flight calls finish.
    for (const s of retired) void s.close();
    metrics.reload(true);
    log(`gateway: config reloaded (${config.routes.length} routes${retired.length ? `; upstreams replaced: ${retired.map((s) => s.name).join(', ')}` : ''}${restart.length ? `; ${restart.join(', ')} changes need a restart and were not applied` : ''})`);
  };

  // The last etcd layer that validated: a file change is re-validated with it, and a bad
  // etcd revision leaves it (and the running config) in place.
  let etcdLayer = opts.etcdLayer ?? null;
  let etcdRevision: number | null = null;
  const reload = async (layer: Record<string, unknown> | null = etcdLayer, revision: number | null = etcdRevision): Promise<boolean> => {
    let config: GatewayConfig;
    try {
      config = loadConfig({ env: opts.env, file: opts.file, overrides: opts.overrides, etcdLayer: layer });
      etcdLayer = layer;
      etcdRevision = revision;
    } catch (err) {
      metrics.reload(false);
      const detail = err instanceof GwBenchError ? [err.message, ...err.details].join('; ') : String(err);
      log(`gateway: config reload rejected, keeping the running config: ${detail}`);
      return false;
    }
    apply(config);
    return true;
  };

  let watcher: ConfigWatcher | null = null;
  if (opts.file && opts.watch !== false) watcher = watchConfigFile(opts.file, () => { void reload(); });
  let etcd: EtcdSource | null = null;
  if (initial.etcd && opts.watch !== false) {
    const prefix = initial.etcd.prefix;
    etcd = new EtcdSource(initial.etcd, (rev) => {
      let layer: Record<string, unknown>;
      try { layer = layerOf(rev, prefix); } catch (err) {
        metrics.reload(false);
        log(`gateway: config reload rejected, keeping the running config: ${(err as Error).message}`);
        return;
      }
      void reload(layer, rev.revision);
    }, log);
    await etcd.ready(ETCD_START_WAIT_MS);
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      gate.close();
      watcher?.close();
      void etcd?.close();
      // Stop accepting with net.Server's close, not http.Server's: since Node 19 the http one
      // also closes every idle keep-alive socket at once, and a request already on the wire
      // on such a socket (sent a millisecond before the signal) is reset. Under CPU load that
      // reset 1-5 of 32 in-flight requests in 2 of 12 drains; see docs/reliability.md.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      // Sockets go idle as their in-flight responses finish; close them as they do, but only
      // after a short grace, for the same reason. Requests in the grace are answered with
      // `connection: close`, so their clients do not reuse the socket.
      let sweep: NodeJS.Timeout | undefined;
      const startSweep = setTimeout(() => {
        server.closeIdleConnections();
        sweep = setInterval(() => server.closeIdleConnections(), 25);
      }, Math.min(250, Math.floor(state.config.server.shutdownTimeoutMs / 4)));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => { timer = setTimeout(resolve, state.config.server.shutdownTimeoutMs); });
      await Promise.race([closed, timedOut]);
      clearTimeout(timer);
      clearTimeout(startSweep);
      clearInterval(sweep);
      server.closeAllConnections();
      server.close(); // now the http half too: stops its request-timeout timer
      await Promise.all([...state.services.values()].map((s) => s.destroy()));
    })();
    return closing;
  };

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host, port, server, metrics,
    config: () => state.config,
    configRevision: () => etcdRevision,
    reload: () => reload(), apply, close, connections,
    setAccepting: (accept) => gate.set(accept),
    reloadEtcd: (layer, revision) => reload(layer, revision),
  };
}

/** Client connections one process may hold: its open-files soft limit minus room for upstream pools, logs and IPC. */
export function connectionCap(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) { try { text = readFileSync('/proc/self/limits', 'utf8'); } catch { return null; } }
  const m = /^Max open files\s+(\d+)/m.exec(text);
  if (!m) return null;
  return Math.max(100, Number(m[1]) - 1500);
}
