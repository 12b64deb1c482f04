import { Socket, connect } from 'node:net';
import { UpstreamResponseParser, type ParserSink } from './response-parser.js';
import { abortReason, type CallControl, type CallHandler, type CallOptions, type UpstreamClient } from './upstream-client.js';

/**
 * The lean upstream client: one instance's keep-alive HTTP/1.1 connections on raw
 * sockets, at most `connections` of them, one request at a time each (no pipelining, like
 * the undici Pool it replaces and the Go/Java/Python baselines). Calls beyond that wait
 * in a FIFO queue. Why not undici for these calls: per request undici builds a request
 * object, runs its generic dispatcher and header validation, and emits through several
 * layers; this does one string write and one small parser (docs/gateway-performance.md
 * has the measurement).
 *
 * Bounds: every call is bounded by its caller's timer (the upstream timeout, which
 * aborts it); after the response headers, a body that stalls for `bodyTimeoutMs` fails
 * the call. Idle sockets close after `keepAliveTimeoutMs` (keep it below the upstream's
 * own keep-alive). One sweep timer per instance (unref'd) enforces both, so no timer is
 * armed per request. An idle socket the upstream closes leaves the idle list at once.
 */
export interface LeanClientOptions {
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Called for every new upstream socket (metrics). */
  readonly onConnect?: () => void;
}

/** An upstream socket failure, with the errno-like code. */
export class UpstreamSocketError extends Error {
  constructor(readonly code: string, message: string) { super(message); this.name = 'UpstreamSocketError'; }
}

/** The LeanConn a socket belongs to (module-level listeners, no closures per socket). */
const CONN = Symbol('gateway lean conn');
type OwnedSocket = Socket & { [CONN]: LeanConn };

function onData(this: OwnedSocket, chunk: Buffer): void { this[CONN].data(chunk); }
function onEnd(this: OwnedSocket): void { this[CONN].ended(); }
function onError(this: OwnedSocket, e: NodeJS.ErrnoException): void { const c = this[CONN]; if (c.errno === '') c.errno = e.code ?? 'EUNKNOWN'; }
function onClose(this: OwnedSocket): void { this[CONN].closed(); }

class LeanCall implements CallControl {
  conn: LeanConn | null = null;
  /** Ended (answered, failed or aborted); later events are ignored. */
  done = false;
  readonly onAbort: () => void;

  constructor(readonly pool: LeanClient, readonly opts: CallOptions, readonly handler: CallHandler) {
    this.onAbort = () => pool.abort(this);
  }

  pause(): void { this.conn?.socket.pause(); }
  resume(): void { this.conn?.socket.resume(); }
}

class LeanConn implements ParserSink {
  readonly socket: OwnedSocket;
  readonly parser = new UpstreamResponseParser(this);
  call: LeanCall | null = null;
  /** Sweep tick of the last read (body stall) or of going idle (keep-alive). */
  idleSince = 0;
  lastRead = 0;
  errno = '';
  open = true;

  constructor(readonly pool: LeanClient, host: string, port: number) {
    const s = connect({ host, port, noDelay: true }) as OwnedSocket;
    s[CONN] = this;
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
    this.socket = s;
  }

  send(call: LeanCall, head: string): void {
    this.call = call;
    call.conn = this;
    this.lastRead = this.pool.tick;
    this.parser.start(call.opts.method === 'HEAD');
    this.socket.write(head, 'latin1');
  }

  data(chunk: Buffer): void {
    this.lastRead = this.pool.tick;
    if (!this.parser.execute(chunk)) { this.errno = 'EPROTO'; this.socket.destroy(); }
  }

  ended(): void {
    this.parser.end();
    this.socket.end();
  }

  onHead(status: number, rawHeaders: string[]): void {
    const call = this.call;
    if (call !== null && !call.done) call.handler.onHead(status, rawHeaders);
  }

  onBody(chunk: Buffer): void {
    const call = this.call;
    if (call !== null && !call.done) call.handler.onData(chunk);
  }

  onDone(keepAlive: boolean): void {
    const call = this.call;
    this.call = null;
    if (call !== null && !call.done) {
      call.done = true;
      call.conn = null;
      call.opts.signal.off('abort', call.onAbort);
      call.handler.onEnd();
    }
    if (keepAlive && this.open) this.pool.release(this);
    else this.socket.destroy();
  }

  closed(): void {
    this.open = false;
    this.pool.forget(this);
    const call = this.call;
    this.call = null;
    if (call === null || call.done) return;
    if (this.parser.end()) return; // a close-delimited body just completed (onDone ran)
    call.conn = null;
    // No retry, even for a GET on a reused socket: the upstream may hold (and act on) the
    // request it got (contract: reset before a response -> 502), like undici. The stale
    // keep-alive race is avoided instead by closing idle sockets before the upstream does.
    const code = this.errno || (this.parser.started ? 'ECONNRESET' : 'UND_ERR_SOCKET');
    this.pool.fail(call, new UpstreamSocketError(code, `upstream ${this.pool.origin}: ${code}${this.errno === 'EPROTO' ? ` (${this.parser.error})` : ''}`));
  }
}

export class LeanClient implements UpstreamClient {
  readonly origin: string;
  /** Sweep counter (one tick per sweep period); cheaper than reading the clock per read. */
  tick = 0;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly all = new Set<LeanConn>();
  /** Idle sockets, most recently used last (reused first: warm, and the rest can age out). */
  private readonly idle: LeanConn[] = [];
  private readonly queue: LeanCall[] = [];
  private readonly sweepMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;
  private destroyed = false;
  private onDrained: (() => void) | null = null;

  constructor(origin: string, private readonly opts: LeanClientOptions) {
    const u = new URL(origin);
    if (u.protocol !== 'http:') throw new Error(`lean upstream client speaks http only: ${origin}`);
    this.origin = u.origin;
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    this.hostHeader = u.host;
    // Fine enough that an idle socket is closed within a quarter of its keep-alive past it.
    this.sweepMs = Math.max(50, Math.min(1000, Math.floor(opts.keepAliveTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), this.sweepMs);
    this.sweeper.unref();
  }

  call(opts: CallOptions, handler: CallHandler): CallControl {
    const call = new LeanCall(this, opts, handler);
    if (opts.signal.aborted) { this.fail(call, abortReason(opts.signal)); return call; }
    if (this.closing || this.destroyed) { this.fail(call, new UpstreamSocketError('UND_ERR_CLOSED', `upstream ${this.origin}: client closed`)); return call; }
    opts.signal.once('abort', call.onAbort);
    this.dispatch(call);
    return call;
  }

  /** Put a call on an idle socket, a new socket, or the queue. */
  dispatch(call: LeanCall): void {
    let conn = this.idle.pop();
    if (conn === undefined) {
      if (this.all.size >= this.opts.connections) { this.queue.push(call); return; }
      conn = new LeanConn(this, this.host, this.port);
      this.all.add(conn);
      this.opts.onConnect?.();
    }
    conn.send(call, this.head(call.opts));
  }

  private head(o: CallOptions): string {
    let head = `${o.method} ${o.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    const h = o.headers;
    for (let i = 0; i < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
    return `${head}\r\n`;
  }

  /** A socket finished a response and stays open: next queued call, or idle. */
  release(conn: LeanConn): void {
    if (this.destroyed) { conn.socket.destroy(); return; }
    for (;;) {
      const next = this.queue.shift();
      if (next === undefined) break;
      if (next.done) continue;
      conn.send(next, this.head(next.opts));
      return;
    }
    if (this.closing) { conn.socket.destroy(); return; }
    conn.idleSince = Date.now();
    this.idle.push(conn);
  }

  /** A socket closed. */
  forget(conn: LeanConn): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // A queued call gets the freed slot.
    if (!this.destroyed) {
      for (;;) {
        const next = this.queue.shift();
        if (next === undefined) break;
        if (next.done) continue;
        this.dispatch(next);
        break;
      }
    }
    if (this.onDrained !== null && this.all.size === 0) this.onDrained();
  }

  fail(call: LeanCall, err: Error): void {
    if (call.done) return;
    call.done = true;
    call.opts.signal.off('abort', call.onAbort);
    call.handler.onError(err);
  }

  /** The caller's signal fired: drop the call (its socket too, if it is on one: the answer is unwanted). */
  abort(call: LeanCall): void {
    if (call.done) return;
    const conn = call.conn;
    if (conn !== null) {
      conn.call = null;
      call.conn = null;
      conn.parser.abandon();
      conn.socket.destroy();
    }
    this.fail(call, abortReason(call.opts.signal));
  }

  private sweep(): void {
    this.tick++;
    const now = Date.now();
    const stallTicks = Math.ceil(this.opts.bodyTimeoutMs / this.sweepMs);
    for (const c of this.all) {
      if (c.call === null) {
        if (now - c.idleSince >= this.opts.keepAliveTimeoutMs) c.socket.destroy();
      } else if (this.tick - c.lastRead > stallTicks) {
        c.errno = 'UND_ERR_BODY_TIMEOUT';
        c.socket.destroy();
      }
    }
  }

  close(): Promise<void> {
    this.closing = true;
    for (const c of this.idle.splice(0)) c.socket.destroy();
    return this.drained();
  }

  destroy(): Promise<void> {
    this.destroyed = true;
    for (const call of this.queue.splice(0)) this.fail(call, new UpstreamSocketError('UND_ERR_DESTROYED', `upstream ${this.origin}: client destroyed`));
    for (const c of this.all) c.socket.destroy();
    return this.drained();
  }

  private drained(): Promise<void> {
    if (this.all.size === 0 && this.queue.every((c) => c.done)) { clearInterval(this.sweeper); return Promise.resolve(); }
    return new Promise((resolve) => {
      this.onDrained = () => {
        if (this.all.size > 0 || this.queue.some((c) => !c.done)) return;
        this.onDrained = null;
        clearInterval(this.sweeper);
        resolve();
      };
    });
  }
}
