import { Socket } from 'node:net';
import { ResponseParser } from './response-parser.js';

/**
 * One keep-alive HTTP/1.1 connection on a raw `net.Socket`, owned by a ConnectionPool. It
 * carries at most one request at a time (no pipelining) and reports everything to its
 * owner, which decides about reconnects and counting.
 *
 * Why not undici: with undici's Pool the socket count, when a socket is opened or closed,
 * and the bind address are undici's decisions; here every socket is ours to count and
 * bind. It is also about twice as cheap per request. `npm run bench:loadgen`, one core,
 * 100 connections, nginx `return 200` on the other core (shared machine, load avg 4.8):
 *   this client, saturated:       54.9k req/s, 75k requests per CPU-second
 *   undici Pool, closed loop:     18.3k req/s, 33k requests per CPU-second
 *   autocannon -c 100:            49.3k req/s, 59k requests per CPU-second
 *   wrk -t1 -c100 (C):            60.9k req/s, 123k requests per CPU-second
 */

export interface ConnOwner {
  onOpen(c: Conn): void;
  onConnectError(c: Conn, errno: string): void;
  onResponse(c: Conn, status: number, keepAlive: boolean): void;
  /** An established connection closed; `cut` = a request was in flight. */
  onClosed(c: Conn, cut: boolean, errno: string): void;
}

export const enum ConnState { Connecting, Open, Closed }

export class Conn {
  state = ConnState.Closed;
  socket: Socket | null = null;
  /** A request is in flight. */
  busy = false;
  /** On the pool's idle stack (avoids pushing twice). */
  idle = false;
  /** Identifies the in-flight request so stale timeout entries can be recognised. */
  reqId = 0;
  intended = 0;
  sentAt = 0;
  expect401 = false;
  /** The pool wants this connection kept open (reconnect when it drops). */
  wanted = true;
  /** Opened as part of a stage's connect ramp (not a reconnect). */
  inRamp = false;
  /** Mark of the last stage window this connection carried a request in (counts active connections). */
  activeMark = 0;
  /** Set by the owner when it destroys the socket on purpose (timeout, step-down). */
  private closingOnPurpose = false;
  private errno = '';
  private readonly parser: ResponseParser;

  constructor(private readonly owner: ConnOwner, readonly localAddress: string | undefined) {
    this.parser = new ResponseParser((status, keepAlive) => {
      if (!this.busy) return; // unsolicited (e.g. a 408 before an idle close): no request to answer
      this.busy = false;
      this.owner.onResponse(this, status, keepAlive);
    });
  }

  /** Attempts to bind a free local port in the current connect (see ConnectionPool.localPort). */
  bindAttempts = 0;

  /** Open the socket (from localPort when given); the owner hears onOpen or onConnectError. */
  connect(host: string, port: number, timeoutMs: number, localPort?: number): void {
    this.state = ConnState.Connecting;
    this.errno = '';
    this.closingOnPurpose = false;
    this.busy = false;
    this.parser.reset();
    const s = new Socket();
    this.socket = s;
    s.setTimeout(timeoutMs);
    s.once('timeout', () => { if (this.state === ConnState.Connecting) { this.errno = 'ETIMEDOUT'; s.destroy(); } });
    s.once('connect', () => {
      s.setTimeout(0);
      s.setNoDelay(true);
      this.state = ConnState.Open;
      this.owner.onOpen(this);
    });
    s.on('data', (chunk: Buffer) => {
      if (!this.parser.execute(chunk)) { this.errno = 'EPROTO'; s.destroy(); }
    });
    s.on('end', () => { this.parser.end(); });
    s.on('error', (e: NodeJS.ErrnoException) => { if (this.errno === '') this.errno = e.code ?? 'EUNKNOWN'; });
    s.on('close', () => this.handleClose(s));
    s.connect(this.localAddress === undefined ? { host, port } : localPort === undefined ? { host, port, localAddress: this.localAddress } : { host, port, localAddress: this.localAddress, localPort });
  }

  /** Write one request; the caller made sure the connection is open and not busy. */
  send(head: string, body: Buffer | null, noBody: boolean, encoding: 'latin1' | 'utf8'): void {
    this.busy = true;
    this.parser.noBody = noBody;
    const s = this.socket!;
    if (body === null) s.write(head, encoding);
    else { s.cork(); s.write(head, encoding); s.write(body); s.uncork(); }
  }

  /** Close on purpose (step-down, timeout, connection: close). The owner still hears onClosed. */
  destroy(): void {
    this.closingOnPurpose = true;
    this.socket?.destroy();
  }

  private handleClose(s: Socket): void {
    if (s !== this.socket) return;
    const was = this.state;
    this.state = ConnState.Closed;
    this.socket = null;
    if (was === ConnState.Connecting) {
      this.owner.onConnectError(this, this.errno || 'ECONNCLOSED');
      return;
    }
    const cut = this.busy;
    this.busy = false;
    const errno = this.closingOnPurpose ? 'CLOSED_BY_CLIENT' : this.errno || (cut ? 'ECONNRESET' : 'EOF');
    this.owner.onClosed(this, cut, errno);
  }
}
