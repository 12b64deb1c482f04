import { ConnectDeadlines } from './connect-deadlines.js';
import { Conn, ConnState, type ConnOwner } from './connection.js';
import type { ConnectSummary } from './messages.js';
import { localPortCount, localPortRanges } from './limits.js';
import { createIdleSet, DEFAULT_CONNECTION_SELECTION, type ConnectionSelection, type IdleSet } from './selection.js';

/**
 * A worker's set of connections, kept across the stages of a run: stepping up opens only
 * the extra connections (paced), stepping down closes some. It counts every connect and
 * every failure by errno, and reconnects dropped connections while a stage runs.
 */

export interface PoolListener {
  onResponse(c: Conn, status: number, keepAlive: boolean): void;
  /** An in-flight request lost its connection before the response completed. */
  onCut(c: Conn, errno: string): void;
  /** A connection became free for a request (opened, or response done). */
  onFree(c: Conn): void;
}

/** A connect not established by then fails with ETIMEDOUT. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Local ports are chosen here, not by the kernel: bind(addr, port 0) searches for a free
 * port and becomes very slow once thousands are taken on one address (measured here:
 * 12k sockets on one 127.1.x.y address took 136 s with ~1900 failures with port 0, 3.5 s
 * and none with explicit ports). They come from outside the ephemeral range so the
 * target keeps its own ports for upstream connections (see localPortRanges). A port still
 * held (TIME_WAIT, a listener) gives EADDRINUSE: try another one, at a random place so a
 * block of used ports is left quickly.
 */
const LOCAL_PORT_RANGES = localPortRanges();
const LOCAL_PORT_SPAN = localPortCount(LOCAL_PORT_RANGES);

/** The i-th port (0 <= i < LOCAL_PORT_SPAN) of the generator's local port ranges. */
function nthLocalPort(i: number): number {
  let k = i;
  for (const [a, b] of LOCAL_PORT_RANGES) {
    if (k <= b - a) return a + k;
    k -= b - a + 1;
  }
  return LOCAL_PORT_RANGES[0]![0];
}
const MAX_BIND_ATTEMPTS = 200;
/** Most connects started in one turn of the event loop. */
const RAMP_SLICE = 256;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2_000;

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export class ConnectionPool implements ConnOwner {
  private readonly conns = new Set<Conn>();
  private idleSet: IdleSet<Conn> = createIdleSet<Conn>(DEFAULT_CONNECTION_SELECTION);
  private selection: ConnectionSelection = DEFAULT_CONNECTION_SELECTION;
  private addrIndex = 0;
  private host = '127.0.0.1';
  private port = 0;
  private addrs: string[] = [];
  private listener: PoolListener | null = null;
  private rampPending = 0;
  private rampDone: (() => void) | null = null;
  private rampTimer: NodeJS.Timeout | null = null;
  private readonly retryDelay = new Map<Conn, number>();
  private readonly portCursor = new Map<string, number>();
  private readonly deadlines = new ConnectDeadlines();

  constructor(private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS) {}

  /** Reconnect dropped connections (true from a stage's ramp to its end). */
  active = false;
  /** Count connections opened now as opened in the measurement window. */
  inWindow = false;
  // Per-stage counters.
  ramp: ConnectSummary = { requested: 0, established: 0, failed: 0, failedByErrno: {} };
  reopened = 0;
  failedLater = 0;
  failedLaterByErrno: Record<string, number> = {};
  /** Reconnect failures during the measurement window, by errno (they become `connect_<ERRNO>` errors). */
  failedInWindowByErrno: Record<string, number> = {};
  openedInWindow = 0;

  /**
   * Connections currently established: a counter kept by onOpen / onClosed, because a
   * worker reads it every second and walking 16k+ connections then is a pause in the
   * middle of the send schedule.
   */
  private openCount = 0;
  get open(): number { return this.openCount; }

  /** A connection stops counting as open (closed, or dropped from the set on purpose). */
  private uncount(c: Conn): void {
    if (c.counted) { c.counted = false; this.openCount--; }
  }

  setListener(l: PoolListener | null): void { this.listener = l; }

  /** Hand idle connections out by `policy` from now on (idle ones keep their order where it has one). */
  setSelection(policy: ConnectionSelection, seed: number): void {
    if (policy === this.selection) return;
    const idle = this.idleSet.drain();
    this.selection = policy;
    this.idleSet = createIdleSet<Conn>(policy, seed);
    for (const c of idle) this.idleSet.push(c);
  }

  /** A free open connection chosen by the selection policy, or undefined. */
  acquire(): Conn | undefined {
    for (let c = this.idleSet.take(); c !== undefined; c = this.idleSet.take()) {
      c.idle = false;
      if (c.state === ConnState.Open && !c.busy && c.wanted) return c;
    }
    return undefined;
  }

  /** Put a free connection back. */
  release(c: Conn): void {
    if (!c.idle && c.state === ConnState.Open && !c.busy && c.wanted) { c.idle = true; this.idleSet.push(c); }
  }

  /**
   * Bring the set to `target` connections to host:port, opening the missing ones at
   * `ratePerSec` from the given source addresses, or closing extras. Resolves when every
   * attempt has connected or failed.
   */
  async resize(host: string, port: number, target: number, ratePerSec: number, addrs: string[]): Promise<ConnectSummary> {
    if (host !== this.host || port !== this.port) { this.closeAll(); this.host = host; this.port = port; }
    this.addrs = addrs;
    // From the ramp on, a connection the server drops is replaced (and counted as reopened):
    // the stage's connection count is the unit being measured.
    this.active = true;
    this.ramp = { requested: target, established: 0, failed: 0, failedByErrno: {} };
    this.reopened = 0;
    this.failedLater = 0;
    this.failedLaterByErrno = {};
    this.failedInWindowByErrno = {};
    this.openedInWindow = 0;
    for (const c of this.conns) if (c.state !== ConnState.Open) { c.wanted = false; this.conns.delete(c); c.destroy(); }
    let extra = this.conns.size - target;
    if (extra > 0) {
      for (const c of [...this.conns]) {
        if (extra === 0) break;
        c.wanted = false;
        this.conns.delete(c);
        this.uncount(c);
        c.destroy();
        extra--;
      }
    }
    const missing = target - this.conns.size;
    if (missing > 0) await this.openPaced(missing, ratePerSec);
    this.ramp.established = this.open;
    return this.ramp;
  }

  /**
   * Stop a connect ramp now (Ctrl-C): no further connects start, connects in progress are
   * given up, and resize() resolves with what is open.
   */
  cancelRamp(): void {
    if (this.rampTimer !== null) { clearTimeout(this.rampTimer); this.rampTimer = null; }
    const d = this.rampDone;
    this.rampDone = null;
    this.rampPending = 0;
    for (const c of [...this.conns]) {
      c.inRamp = false; // a late connect must not settle a later ramp
      if (c.state === ConnState.Connecting) { c.wanted = false; this.conns.delete(c); c.destroy(); }
    }
    d?.();
  }

  /** Close every connection (end of run). */
  closeAll(): void {
    if (this.rampTimer !== null) { clearTimeout(this.rampTimer); this.rampTimer = null; }
    for (const c of this.conns) { c.wanted = false; this.uncount(c); c.destroy(); }
    this.conns.clear();
    this.deadlines.clear();
    this.idleSet.clear();
    this.retryDelay.clear();
  }

  /** Drop a connection on purpose (timeout, `connection: close`) and open a new one in its place. */
  recycle(c: Conn): void {
    c.destroy();
  }

  private openPaced(n: number, ratePerSec: number): Promise<void> {
    return new Promise((resolve) => {
      this.rampPending = n;
      this.rampDone = resolve;
      const start = performance.now();
      const gap = ratePerSec > 0 && Number.isFinite(ratePerSec) ? 1000 / ratePerSec : 0;
      let opened = 0;
      const tick = (): void => {
        this.rampTimer = null;
        const due = gap === 0 ? n : Math.min(n, Math.floor((performance.now() - start) / gap) + 1);
        // A ramp that fell behind catches up in slices, so the loop still reads sockets and reports progress.
        const until = Math.min(due, opened + RAMP_SLICE);
        while (opened < until) { this.openOne(true); opened++; }
        if (opened < due) { this.rampTimer = setTimeout(tick, 0); return; }
        if (opened < n) this.rampTimer = setTimeout(tick, Math.max(1, start + opened * gap - performance.now()));
      };
      tick();
    });
  }

  private openOne(inRamp: boolean, reuse?: Conn): void {
    const c = reuse ?? new Conn(this, this.addrs.length > 0 ? this.addrs[this.addrIndex++ % this.addrs.length] : undefined);
    c.wanted = true;
    c.inRamp = inRamp;
    c.bindAttempts = 0;
    this.conns.add(c);
    this.connect(c, false);
  }

  private connect(c: Conn, jump: boolean): void {
    c.bindAttempts++;
    c.connect(this.host, this.port, this.connectTimeoutMs, c.localAddress === undefined ? undefined : this.localPort(c.localAddress, jump));
    this.deadlines.add(c);
  }

  /** Next local port for a source address: sequential, or from a random place after a collision. */
  private localPort(addr: string, jump: boolean): number {
    const span = LOCAL_PORT_SPAN;
    let cur = this.portCursor.get(addr);
    if (cur === undefined || jump) cur = Math.floor(Math.random() * span);
    this.portCursor.set(addr, (cur + 1) % span);
    return nthLocalPort(cur);
  }

  private settleRamp(c: Conn): void {
    if (!c.inRamp) return;
    c.inRamp = false;
    if (--this.rampPending === 0 && this.rampDone !== null) { const d = this.rampDone; this.rampDone = null; d(); }
  }

  onOpen(c: Conn): void {
    c.counted = true;
    this.openCount++;
    this.retryDelay.delete(c);
    if (!c.wanted) { this.settleRamp(c); c.destroy(); return; } // given up while connecting: not this stage's
    if (this.inWindow) this.openedInWindow++;
    if (!c.inRamp) this.reopened++;
    this.settleRamp(c);
    if (this.listener !== null) this.listener.onFree(c);
    else this.release(c);
  }

  onConnectError(c: Conn, errno: string): void {
    if (!c.wanted) { this.conns.delete(c); this.settleRamp(c); return; } // closed on purpose while connecting
    // libuv binds with SO_REUSEADDR, so a local port whose 4-tuple is still in use (or in
    // TIME_WAIT) binds fine and then fails connect() with EADDRNOTAVAIL: same remedy.
    if ((errno === 'EADDRINUSE' || errno === 'EADDRNOTAVAIL') && c.localAddress !== undefined && c.bindAttempts < MAX_BIND_ATTEMPTS) {
      this.connect(c, true);
      return;
    }
    if (c.inRamp) {
      this.ramp.failed++;
      bump(this.ramp.failedByErrno, errno);
      this.conns.delete(c);
      this.settleRamp(c);
      return;
    }
    this.failedLater++;
    bump(this.failedLaterByErrno, errno);
    if (this.inWindow) bump(this.failedInWindowByErrno, errno);
    if (c.wanted && this.active) {
      const delay = Math.min(RETRY_MAX_MS, (this.retryDelay.get(c) ?? RETRY_MIN_MS / 2) * 2);
      this.retryDelay.set(c, delay);
      setTimeout(() => { if (c.wanted && this.active && c.state === ConnState.Closed) this.openOne(false, c); }, delay).unref();
    } else {
      this.conns.delete(c);
    }
  }

  onResponse(c: Conn, status: number, keepAlive: boolean): void {
    if (this.listener !== null) this.listener.onResponse(c, status, keepAlive);
    else if (!keepAlive) c.destroy();
    else this.release(c);
  }

  onClosed(c: Conn, cut: boolean, errno: string): void {
    this.uncount(c);
    if (cut) this.listener?.onCut(c, errno);
    if (c.wanted && this.active) this.openOne(false, c);
    else this.conns.delete(c);
  }
}
