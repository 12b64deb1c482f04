import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Conn } from './connection.js';
import type { ConnectionPool, PoolListener } from './connection-pool.js';
import { encodeHistogram, newHistogram, percentileMs, recordUs, type Histogram } from '../core/hdr.js';
import type { WorkerInterval, WorkerProgress, WorkerResult, WorkerStage } from './messages.js';
import { createPacer, type Pacer } from './pacer.js';
import { RequestBuilder } from './request-builder.js';
import { classifyStatus } from './status.js';

/**
 * One worker's share of one stage, open model: the pacer fixes every request's intended
 * send time in advance; a request goes out on a free connection at that time or waits in a
 * bounded FIFO for one. Latency is measured from the intended time, so waiting for a
 * connection or for a stalled server is part of it (no coordinated omission).
 *
 * Timer strategy: a setTimeout to the next due time, then everything due is sent in one
 * go (at most BATCH per turn of the event loop, so responses keep being read when the
 * generator falls behind). Idle cost is one timer per send slot, and the send lag this
 * leaves (~1 ms, from timer granularity) is measured and reported, not hidden.
 */

/** Most sends in one turn of the event loop before yielding to I/O. */
const BATCH = 256;
/** After the schedule's end, how long a behind generator may keep catching up before the rest counts as not sent. */
const SEND_GRACE_MS = 1000;
/** How often queued and in-flight requests are checked against requestTimeoutMs. */
const SWEEP_MS = 10;
/** Resolution of the event-loop delay monitor; subtracted from its readings (it measures timer period + delay). */
const ELD_RESOLUTION_MS = 2;

interface Interval { h: Histogram; count: number; errors: number }

export class StageRun implements PoolListener {
  private readonly pacer: Pacer;
  private readonly builder: RequestBuilder;
  private readonly t0: number;
  private readonly tMeasure: number;
  private readonly tEnd: number;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private nextIntended: number;

  private queue: number[] = [];
  private qHead = 0;
  private fifoConn: Conn[] = [];
  private fifoId: number[] = [];
  private fHead = 0;
  private inflight = 0;

  private readonly firstInterval: number;
  private readonly intervals: Interval[] = [];
  private readonly latency = newHistogram();
  private readonly service = newHistogram();
  private readonly sendLag = newHistogram();
  /** Lateness of the pacer itself for every issued request, free connection or not. */
  private readonly scheduleLag = newHistogram();
  private recent = newHistogram();
  private readonly errors: Record<string, number> = {};

  private intendedWindow = 0;
  private issuedWindow = 0;
  private completedWindow = 0;
  private issuedTotal = 0;
  private completedTotal = 0;
  private errorsTotal = 0;

  private phase: WorkerProgress['phase'] = 'warmup';
  private scheduleDone = false;
  private finished = false;
  private aborted = false;
  private pacerTimer: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  private cpuStart: NodeJS.CpuUsage | null = null;
  private wallStart = 0;
  private cpu = 0;
  private eldP99 = 0;
  private openAtEnd = 0;
  private resolveDone!: (r: WorkerResult) => void;

  constructor(
    private readonly stage: WorkerStage,
    private readonly pool: ConnectionPool,
    startEpochMs: number,
    private readonly onProgress: (p: WorkerProgress) => void,
  ) {
    const p = stage.plan;
    this.pacer = createPacer({ arrival: p.arrival, totalRate: p.rate, workers: stage.workers, workerIndex: stage.workerIndex, seed: stage.seed });
    this.builder = new RequestBuilder(p.requests, p.tokens, p.variables, `${p.target.host.includes(':') ? `[${p.target.host}]` : p.target.host}:${p.target.port}`, stage.seed);
    this.t0 = startEpochMs - performance.timeOrigin;
    this.tMeasure = this.t0 + p.warmupMs;
    this.tEnd = this.tMeasure + p.durationMs;
    this.timeoutMs = p.requestTimeoutMs;
    this.maxQueue = p.maxQueue;
    this.nextIntended = this.t0 + this.pacer.next();
    this.firstInterval = -Math.ceil(p.warmupMs / 1000);
    const last = Math.ceil(p.durationMs / 1000) - 1;
    for (let i = this.firstInterval; i <= last; i++) this.intervals.push({ h: newHistogram(), count: 0, errors: 0 });
  }

  /** Run the stage; resolves after the schedule ended and every request completed or timed out. */
  run(): Promise<WorkerResult> {
    const done = new Promise<WorkerResult>((r) => { this.resolveDone = r; });
    this.pool.setListener(this);
    this.pool.active = true;
    const now = performance.now();
    this.timers.push(setTimeout(() => this.beginWindow(), Math.max(0, this.tMeasure - now)));
    this.timers.push(setTimeout(() => this.endWindow(), Math.max(0, this.tEnd - now)));
    this.timers.push(setInterval(() => this.sweep(), SWEEP_MS));
    this.timers.push(setInterval(() => this.progress(), 1000));
    this.pacerTimer = setTimeout(this.tick, this.nextIntended >= this.tEnd ? 0 : Math.max(0, this.nextIntended - now));
    return done;
  }

  /** Stop sending now and report what was measured so far. */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    this.stopSchedule(false); // an aborted stage is reported as such; counting the rest of a long schedule could take seconds
    if (this.cpuStart !== null) this.endWindow();
    this.finish();
  }

  // ---- sending -------------------------------------------------------------------------

  private readonly tick = (): void => {
    this.pacerTimer = null;
    if (this.scheduleDone) return;
    let n = 0;
    let now = performance.now();
    while (this.nextIntended <= now) {
      if (this.nextIntended >= this.tEnd) break;
      if (now > this.tEnd + SEND_GRACE_MS) { this.stopSchedule(); return; }
      this.issue(this.nextIntended, now);
      this.nextIntended = this.t0 + this.pacer.next();
      if (++n >= BATCH) { setImmediate(this.tick); return; }
      now = performance.now();
    }
    if (this.nextIntended >= this.tEnd) { this.stopSchedule(); return; }
    this.pacerTimer = setTimeout(this.tick, Math.max(0, Math.floor(this.nextIntended - performance.now())));
  };

  /** No more sends: whatever the schedule still held counts as intended but not sent. */
  private stopSchedule(countRest = true): void {
    if (this.scheduleDone) return;
    this.scheduleDone = true;
    if (this.pacerTimer !== null) { clearTimeout(this.pacerTimer); this.pacerTimer = null; }
    while (countRest && this.nextIntended < this.tEnd) {
      if (this.nextIntended >= this.tMeasure) this.intendedWindow++;
      this.nextIntended = this.t0 + this.pacer.next();
    }
    this.maybeFinish();
  }

  private issue(intended: number, now: number): void {
    this.issuedTotal++;
    const inWindow = intended >= this.tMeasure;
    if (inWindow) { this.issuedWindow++; this.intendedWindow++; recordUs(this.scheduleLag, (now - intended) * 1000); }
    const c = this.pool.acquire();
    if (c !== undefined) {
      if (inWindow) recordUs(this.sendLag, (now - intended) * 1000);
      this.sendOn(c, intended, now);
    } else if (this.queue.length - this.qHead < this.maxQueue) {
      this.queue.push(intended);
    } else {
      this.fail(intended, 'backlog', null);
    }
  }

  private sendOn(c: Conn, intended: number, now: number): void {
    const req = this.builder.next();
    c.reqId++;
    c.intended = intended;
    c.sentAt = now;
    c.expect401 = req.expect401;
    c.send(req.head, req.body, req.noBody, this.builder.encoding);
    this.inflight++;
    this.fifoConn.push(c);
    this.fifoId.push(c.reqId);
  }

  // ---- pool events ---------------------------------------------------------------------

  onFree(c: Conn): void {
    if (this.qHead < this.queue.length) {
      const intended = this.queue[this.qHead++]!;
      this.compactQueue();
      this.sendOn(c, intended, performance.now());
    } else {
      this.pool.release(c);
    }
  }

  onResponse(c: Conn, status: number, keepAlive: boolean): void {
    const now = performance.now();
    this.inflight--;
    this.complete(c.intended, now, now - c.sentAt, status, c.expect401);
    if (!keepAlive) this.pool.recycle(c);
    else this.onFree(c);
    this.maybeFinish();
  }

  onCut(c: Conn, _errno: string): void {
    this.inflight--;
    this.fail(c.intended, 'reset', null);
    this.maybeFinish();
  }

  // ---- recording -----------------------------------------------------------------------

  private interval(intended: number): Interval | undefined {
    return this.intervals[Math.floor((intended - this.tMeasure) / 1000) - this.firstInterval];
  }

  private complete(intended: number, now: number, serviceMs: number, status: number, expect401: boolean): void {
    const latencyUs = (now - intended) * 1000;
    const iv = this.interval(intended);
    if (iv !== undefined) { recordUs(iv.h, latencyUs); iv.count++; }
    recordUs(this.recent, latencyUs);
    this.completedTotal++;
    const inWindow = intended >= this.tMeasure;
    if (inWindow) {
      this.completedWindow++;
      recordUs(this.latency, latencyUs);
      recordUs(this.service, serviceMs * 1000);
    }
    const kind = classifyStatus(status, expect401);
    if (kind === null) return;
    if (kind === 'expected_401') { if (inWindow) this.bump('expected_401'); return; }
    this.errorsTotal++;
    if (iv !== undefined) iv.errors++;
    if (inWindow) { this.bump(kind); this.bump(`status_${status}`); }
  }

  /** A request that got no response; timeouts still enter the latency histogram at the time they were given up. */
  private fail(intended: number, kind: string, latencyMs: number | null): void {
    const inWindow = intended >= this.tMeasure;
    const iv = this.interval(intended);
    this.errorsTotal++;
    if (iv !== undefined) iv.errors++;
    if (latencyMs !== null) {
      if (iv !== undefined) { recordUs(iv.h, latencyMs * 1000); iv.count++; }
      if (inWindow) recordUs(this.latency, latencyMs * 1000);
    }
    if (inWindow) this.bump(kind);
  }

  private bump(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  // ---- timeouts and the end ------------------------------------------------------------

  private sweep(): void {
    const now = performance.now();
    const deadline = now - this.timeoutMs;
    while (this.qHead < this.queue.length && this.queue[this.qHead]! <= deadline) {
      const intended = this.queue[this.qHead++]!;
      this.fail(intended, 'timeout', now - intended);
    }
    this.compactQueue();
    while (this.fHead < this.fifoConn.length) {
      const c = this.fifoConn[this.fHead]!;
      if (c.reqId !== this.fifoId[this.fHead] || !c.busy) { this.fHead++; continue; }
      if (c.intended > deadline) break;
      this.fHead++;
      c.busy = false;
      c.reqId++;
      this.inflight--;
      this.fail(c.intended, 'timeout', now - c.intended);
      this.pool.recycle(c);
    }
    if (this.fHead > 4096 && this.fHead * 2 > this.fifoConn.length) {
      this.fifoConn = this.fifoConn.slice(this.fHead);
      this.fifoId = this.fifoId.slice(this.fHead);
      this.fHead = 0;
    }
    this.maybeFinish();
  }

  private compactQueue(): void {
    if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) { this.queue = this.queue.slice(this.qHead); this.qHead = 0; }
  }

  private beginWindow(): void {
    this.phase = 'measure';
    this.pool.inWindow = true;
    this.eld.reset();
    this.eld.enable();
    this.cpuStart = process.cpuUsage();
    this.wallStart = performance.now();
  }

  private endWindow(): void {
    if (this.cpuStart === null) this.beginWindow();
    this.phase = 'drain';
    this.pool.inWindow = false;
    const used = process.cpuUsage(this.cpuStart!);
    const wall = performance.now() - this.wallStart;
    this.cpu = wall > 0 ? (used.user + used.system) / 1000 / wall : 0;
    this.eld.disable();
    const p99 = this.eld.count > 0 ? this.eld.percentile(99) / 1e6 : 0;
    this.eldP99 = Math.max(0, p99 - ELD_RESOLUTION_MS);
    this.openAtEnd = this.pool.open;
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || !this.scheduleDone || this.phase !== 'drain') return;
    if (this.inflight > 0 || this.qHead < this.queue.length) return;
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.pacerTimer !== null) clearTimeout(this.pacerTimer);
    for (const t of this.timers) clearTimeout(t);
    this.pool.active = false;
    this.pool.setListener(null);
    const p = this.stage.plan;
    const intervals: WorkerInterval[] = this.intervals.map((iv, i) => {
      const index = i + this.firstInterval;
      return {
        index,
        startMs: Math.max(index * 1000, -p.warmupMs),
        endMs: index < 0 ? Math.min((index + 1) * 1000, 0) : Math.min((index + 1) * 1000, p.durationMs),
        hdr: encodeHistogram(iv.h),
        count: iv.count,
        errors: iv.errors,
      };
    });
    const startEpoch = this.tMeasure + performance.timeOrigin;
    this.resolveDone({
      workerIndex: this.stage.workerIndex,
      aborted: this.aborted,
      connect: this.pool.ramp,
      reopened: this.pool.reopened,
      failedLater: this.pool.failedLater,
      failedLaterByErrno: this.pool.failedLaterByErrno,
      openAtEnd: this.openAtEnd,
      openedInWindow: this.pool.openedInWindow,
      measureStartEpochMs: startEpoch,
      measureEndEpochMs: startEpoch + p.durationMs,
      intended: this.intendedWindow,
      issued: this.issuedWindow,
      completed: this.completedWindow,
      errors: { ...this.errors, ...Object.fromEntries(Object.entries(this.pool.failedInWindowByErrno).map(([errno, n]) => [`connect_${errno}`, n])) },
      latencyHdr: encodeHistogram(this.latency),
      serviceHdr: encodeHistogram(this.service),
      sendLagHdr: encodeHistogram(this.sendLag),
      scheduleLagHdr: encodeHistogram(this.scheduleLag),
      intervals,
      eventLoopP99Ms: this.eldP99,
      cpu: this.cpu,
    });
  }

  private progress(): void {
    const p = this.stage.plan;
    const now = performance.now();
    const lagP99 = percentileMs(this.sendLag, 99) ?? 0;
    const behindMs = this.scheduleDone ? 0 : now - this.nextIntended;
    this.onProgress({
      phase: now < this.tMeasure ? 'warmup' : this.phase,
      connectionsOpen: this.pool.open,
      issued: this.issuedTotal,
      completed: this.completedTotal,
      errors: this.errorsTotal,
      recentHdr: encodeHistogram(this.recent),
      generatorOk: lagP99 <= p.health.maxSendLagP99Ms && behindMs < 1000,
    });
    this.recent = newHistogram();
  }
}
