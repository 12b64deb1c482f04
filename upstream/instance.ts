import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../core/errors.js';
import { errorBody, paddedBody } from './body.js';
import { makeSampler } from './latency.js';
import { deriveSeed, mulberry32 } from '../core/prng.js';
import type { ServiceState } from './service-state.js';

/**
 * Longer than any gateway's client-pool idle timeout: the gateway, not the upstream,
 * must be the side that closes an idle connection, or a request can race a close.
 */
export const UPSTREAM_KEEP_ALIVE_MS = 120_000;
/** Kernel caps this at net.core.somaxconn; asking for more never hurts. */
export const LISTEN_BACKLOG = 65_535;
/** Gateways add headers (x-forwarded-for, x-user-id...) to requests near their own 16 KiB limit. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Counters of one instance as reported by `/__admin/stats`. */
export interface InstanceStats {
  id: string;
  port: number;
  url: string;
  /** TCP connections accepted since start or the last counter reset. */
  connectionsAccepted: number;
  /** Requests received (counted on arrival, before any stall or latency). */
  requests: number;
  /** Connections open now (a gauge: never reset). */
  openConnections: number;
  /** Connections that carried at least one request since the last `mark-window` (or start). */
  connectionsActive: number;
  /** Responses sent, by status code. */
  statuses: Record<string, number>;
}

/**
 * One mock instance: a `net` listener feeding a `node:http` server. The listener is
 * separate so "refuse" can close the listening socket (new connects get ECONNREFUSED)
 * while already-open keep-alive connections keep working, then re-listen on the same port.
 */
export class UpstreamInstance {
  port: number;
  private listener: net.Server | undefined;
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private connectionsAccepted = 0;
  private requests = 0;
  /** Window number: a socket counts in connectionsActive once per window, on its first request in it. */
  private window = 0;
  private connectionsActive = 0;
  private readonly socketWindow = new WeakMap<net.Socket, number>();
  private statuses: Record<string, number> = {};
  private readonly latencyRand: () => number;
  private readonly errorRand: () => number;
  private sampleLatency: () => number;

  constructor(readonly id: string, readonly host: string, port: number, readonly service: ServiceState, seed: number) {
    this.port = port;
    this.latencyRand = mulberry32(deriveSeed(seed, `${id}:latency`));
    this.errorRand = mulberry32(deriveSeed(seed, `${id}:errors`));
    this.sampleLatency = makeSampler(service.latency, this.latencyRand);
    this.server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = UPSTREAM_KEEP_ALIVE_MS;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Rebuild the sampler after the service's latency model changed (same seeded stream continues). */
  useLatency(): void {
    this.sampleLatency = makeSampler(this.service.latency, this.latencyRand);
  }

  /** Start accepting connections; resolves once listening (fixes `port` when it was 0). */
  async listen(): Promise<void> {
    const listener = net.createServer({ noDelay: true }, (socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE'
          ? new UsageError(`port ${this.port} for ${this.id} is already in use on ${this.host} (another gw-bench upstream still running?)`)
          : err);
      });
      listener.listen({ host: this.host, port: this.port, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    this.port = (listener.address() as net.AddressInfo).port;
    this.listener = listener;
  }

  /** Refuse (close the listening socket) or accept again (re-listen on the same port). */
  async setRefusing(on: boolean): Promise<void> {
    if (on && this.listener) {
      const l = this.listener;
      this.listener = undefined;
      // close() releases the listening socket at once but calls back only when every
      // accepted connection has ended (up to the 120 s keep-alive): do not wait for that.
      l.close();
      await new Promise((resolve) => setImmediate(resolve));
    } else if (!on && !this.listener) {
      await this.listen();
    }
  }

  /** Destroy every open connection (in-flight requests included). */
  closeConnections(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    return n;
  }

  resetCounters(): void {
    this.connectionsAccepted = 0;
    this.requests = 0;
    this.statuses = {};
    this.markWindow();
  }

  /** Start a new window for connectionsActive (the harness marks each measurement window's start). */
  markWindow(): void {
    this.window++;
    this.connectionsActive = 0;
  }

  stats(): InstanceStats {
    return {
      id: this.id,
      port: this.port,
      url: this.url,
      connectionsAccepted: this.connectionsAccepted,
      requests: this.requests,
      openConnections: this.sockets.size,
      connectionsActive: this.connectionsActive,
      statuses: { ...this.statuses },
    };
  }

  /** Stop listening and drop every connection. */
  async close(): Promise<void> {
    await this.setRefusing(true);
    this.closeConnections();
  }

  private onConnection(socket: net.Socket): void {
    this.connectionsAccepted++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.server.emit('connection', socket);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    if (this.socketWindow.get(req.socket) !== this.window) {
      this.socketWindow.set(req.socket, this.window);
      this.connectionsActive++;
    }
    const echo = req.headers['x-gwb-echo'] === '1';
    const hash = echo ? createHash('sha256') : undefined;
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      hash?.update(chunk);
    });
    req.on('error', () => { /* client went away mid-body: nothing to answer */ });
    req.on('end', () => {
      void this.respond(req, res, bodyBytes, hash?.digest('hex'), echo);
    });
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse, bodyBytes: number, sha: string | undefined, echo: boolean): Promise<void> {
    const delay = this.sampleLatency();
    if (delay > 0) await sleep(delay);
    // A stall holds every response not yet sent, including ones already past their latency.
    for (let gate = this.service.stallPromise(); gate; gate = this.service.stallPromise()) await gate;
    if (res.destroyed || res.writableEnded) return;
    const svc = this.service;
    let status = 200;
    let body: Buffer;
    if (svc.errorRate > 0 && this.errorRand() < svc.errorRate) {
      status = svc.errorStatus;
      body = errorBody(svc.name, this.id, status);
    } else {
      body = paddedBody({
        service: svc.name,
        instance: this.id,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        bodyBytes,
        ...(sha && bodyBytes > 0 ? { bodySha256: sha } : {}),
        ...(echo ? { headers: req.headers } : {}),
      }, svc.config.bodyBytes);
    }
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  }
}
