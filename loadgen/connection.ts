import { Socket } from 'node:net';
import { ResponseParser } from './response-parser.js';

/**
 * One keep-alive HTTP/1.1 connection on a raw `net.Socket`, owned by a ConnectionPool. It
 * carries at most one request at a time (no pipelining) and reports everything to its
 * owner, which decides about reconnects and counting.
 *
 * Why not undici: with undici's Pool the socket count, when a socket is opened or closed,
 * and the bind address are undici's decisions; here every socket is ours to count and
 * bind. It is also several times cheaper per request. `npm run bench:loadgen`, one core,
 * 100 connections, nginx `return 200` on the other core, requests per CPU-second
 * (December, paired rounds; loadgen/README.md "Measured"):
 *   this client, saturated:       79k-119k
 *   undici Pool, closed loop:     19k-47k
 *   autocannon -c 100:            44k-59k
 *   wrk -t1 -c100 (C):            138k-179k
 *
 * Memory and per-read cost, for 100k held connections: the socket's listeners are shared
 * module-level functions that find their Conn through the socket (no closures per
 * connection), and reads land in one buffer shared by every socket of the process
 * (`onread`), so a response costs no buffer allocation. The parser copies the rare
 * partial head it must keep. No socket timer: `socket.setTimeout` keeps its Timeout object
 * and a bound callback on the socket even after `setTimeout(0)` clears it (~190 B per
 * held connection), so the connect timeout is the pool's deadline queue
 * (connect-deadlines.ts). Measured (one process, 18k sockets, after GC): a bare connected
 * net.Socket 930 B of heap; a Conn with closures 1.9 KB, with shared listeners see
 * loadgen/README.md "Memory per connection".
 */

export interface ConnOwner {
  onOpen(c: Conn): void;
  onConnectError(c: Conn, errno: string): void;
  onResponse(c: Conn, status: number, keepAlive: boolean): void;
  /** An established connection closed; `cut` = a request was in flight. */
  onClosed(c: Conn, cut: boolean, errno: string): void;
}

export const enum ConnState { Connecting, Open, Closed }

/** One read buffer for every socket of the process: data is parsed before the next read. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** `onread` is a Socket constructor option; Node calls the callback as a method of the socket. */
const SOCKET_OPTIONS = { onread: { buffer: READ_BUFFER, callback: onRead as unknown as (n: number, b: Uint8Array) => boolean } };

/** The Conn a socket belongs to (set once at connect). */
const CONN = Symbol('gw-bench conn');
type OwnedSocket = Socket & { [CONN]: Conn };

function onConnect(this: OwnedSocket): void {
  const c = this[CONN];
  if (c.socket !== this) return;
  this.setNoDelay(true);
  c.state = ConnState.Open;
  c.owner.onOpen(c);
}
function onRead(this: OwnedSocket, nread: number, buf: Buffer): void {
  const c = this[CONN];
  if (c.socket !== this) return;
  if (!c.parser.execute(buf, nread)) { c.errno = 'EPROTO'; this.destroy(); }
}
function onError(this: OwnedSocket, e: NodeJS.ErrnoException): void {
  const c = this[CONN];
  if (c.socket === this && c.errno === '') c.errno = e.code ?? 'EUNKNOWN';
}
function onClose(this: OwnedSocket): void {
  const c = this[CONN];
  // The peer's FIN (a clean end of the read side) completes a body delimited by the close.
  // Read here rather than in an 'end' listener: a second 'end' listener turns the socket's
  // listener slot into an array, ~60 B more per held connection.
  if (c.socket === this && c.state === ConnState.Open && this.readableEnded) c.parser.end();
  c.handleClose(this);
}
/** The parser's handler, called with the Conn as `this`. */
function onParsed(this: Conn, status: number, keepAlive: boolean): void {
  if (!this.busy) return; // unsolicited (e.g. a 408 before an idle close): no request to answer
  this.busy = false;
  this.owner.onResponse(this, status, keepAlive);
}

export class Conn {
  state = ConnState.Closed;
  socket: Socket | null = null;
  /** A request is in flight. */
  busy = false;
  /** On the pool's idle list (avoids pushing twice). */
  idle = false;
  /** Identifies the in-flight request so stale timeout entries can be recognised. */
  reqId = 0;
  intended = 0;
  sentAt = 0;
  expect401 = false;
  /** The request's accepted statuses (scenario `expect.status`), or null for the contract rule. */
  expectStatus: ReadonlyArray<number | string> | null = null;
  /** The pool wants this connection kept open (reconnect when it drops). */
  wanted = true;
  /** Opened as part of a stage's connect ramp (not a reconnect). */
  inRamp = false;
  /** Counted in the pool's open connections. */
  counted = false;
  /** Mark of the last stage window this connection carried a request in (counts active connections). */
  activeMark = 0;
  /** performance.now() after which the connect in progress is given up (ETIMEDOUT). */
  connectDeadline = 0;
  /** Attempts to bind a free local port in the current connect (see ConnectionPool.localPort). */
  bindAttempts = 0;
  /** First error seen on the current socket (module listeners set it). */
  errno = '';
  /** Set when the owner destroys the socket on purpose (timeout, step-down). */
  private closingOnPurpose = false;
  readonly parser: ResponseParser;

  constructor(readonly owner: ConnOwner, readonly localAddress: string | undefined) {
    this.parser = new ResponseParser(onParsed, this);
  }

  /**
   * Open the socket (from localPort when given); the owner hears onOpen or onConnectError.
   * The caller enforces the deadline (`timedOut`): the socket has no timer of its own.
   */
  connect(host: string, port: number, timeoutMs: number, localPort?: number): void {
    this.state = ConnState.Connecting;
    this.connectDeadline = Math.ceil(performance.now() + timeoutMs); // whole ms: a small integer, not a boxed double per connection
    this.errno = '';
    this.closingOnPurpose = false;
    this.busy = false;
    this.parser.reset();
    const s = new Socket(SOCKET_OPTIONS as ConstructorParameters<typeof Socket>[0]) as OwnedSocket; // @types/node lacks onread here
    s[CONN] = this;
    this.socket = s;
    s.on('connect', onConnect);
    s.on('error', onError);
    s.on('close', onClose);
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

  /** Give up a connect still in progress at `now` past its deadline (ETIMEDOUT); a later connect of this Conn has its own deadline. */
  timedOut(now: number): void {
    if (this.state !== ConnState.Connecting || now < this.connectDeadline || this.socket === null) return;
    this.errno = 'ETIMEDOUT';
    this.socket.destroy();
  }

  /** Close on purpose (step-down, timeout, connection: close). The owner still hears onClosed. */
  destroy(): void {
    this.closingOnPurpose = true;
    this.socket?.destroy();
  }

  /** The socket closed (module listener). */
  handleClose(s: Socket): void {
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
