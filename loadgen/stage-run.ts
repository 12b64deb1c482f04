import type { Conn } from './connection.js';
import type { ConnectionPool, PoolListener } from './connection-pool.js';
import { HealthReadings } from './health-readings.js';
import type { WorkerProgress, WorkerResult, WorkerStage } from './messages.js';
import { createPacer } from './pacer.js';
import { GapSampler } from './arrivals.js';
import { RequestBuilder } from './request-builder.js';
import { Schedule } from './schedule.js';
import { StageRecording } from './stage-recording.js';

/**
 * One worker's share of one stage, open model: the schedule (schedule.ts) fixes every
 * request's intended send time in advance; a request goes out on a free connection at that
 * time or waits in a bounded FIFO for one. Latency is measured from the intended time
 * (stage-recording.ts), so waiting for a connection or for a stalled server is part of it
 * (no coordinated omission). This class owns the queue, the in-flight requests and their
 * timeouts, and the stage's phases.
 */

/** How often queued and in-flight requests are checked against requestTimeoutMs. */
const SWEEP_MS = 10;

/** Each stage run marks the connections it used in its window with its own number. */
let nextActiveMark = 1;

export class StageRun implements PoolListener {
  private readonly schedule: Schedule;
  private readonly builder: RequestBuilder;
  private readonly rec: StageRecording;
  private readonly health = new HealthReadings();
  private readonly timeoutMs: number;
  private readonly maxQueue: number;

  private queue: number[] = [];
  private qHead = 0;
  private fifoConn: Conn[] = [];
  private fifoId: number[] = [];
  private fHead = 0;
  private inflight = 0;

  private phase: WorkerProgress['phase'] = 'warmup';
  private finished = false;
  private aborted = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly activeMark = nextActiveMark++;
  /** Connections that carried at least one request intended in the window. */
  private activeConns = 0;
  /** Sent inter-arrival gaps of the window, for the arrivals (KS) check of Poisson stages. */
  private readonly gaps: GapSampler | null;
  /** Time the pacer had spent polling the clock when the window began, and during it. */
  private polledAtWindow = 0;
  private polledWindow = 0;
  private openAtEnd = 0;
  private resolveDone!: (r: WorkerResult) => void;

  constructor(
    private readonly stage: WorkerStage,
    private readonly pool: ConnectionPool,
    startEpochMs: number,
    private readonly onProgress: (p: WorkerProgress) => void,
  ) {
    const p = stage.plan;
    const pacer = createPacer({ arrival: p.arrival, totalRate: p.rate, workers: stage.workers, workerIndex: stage.workerIndex, seed: stage.seed });
    this.builder = new RequestBuilder(p.requests, p.tokens, p.variables, `${p.target.host.includes(':') ? `[${p.target.host}]` : p.target.host}:${p.target.port}`, stage.seed);
    this.schedule = new Schedule(pacer, startEpochMs, p.warmupMs, p.durationMs, {
      issue: (intended, now) => this.issue(intended, now),
      unsent: (intended) => this.rec.notSent(intended),
      stopped: () => this.maybeFinish(),
    }, stage.spinBudget);
    this.rec = new StageRecording(this.schedule.tMeasure, p.warmupMs, p.durationMs);
    this.timeoutMs = p.requestTimeoutMs;
    this.maxQueue = p.maxQueue;
    const perWorkerRate = p.rate / stage.workers;
    this.gaps = p.arrival === 'poisson' && perWorkerRate > 0 ? new GapSampler((perWorkerRate * p.durationMs) / 1000, 1000 / perWorkerRate) : null;
  }

  /** Run the stage; resolves after the schedule ended and every request completed or timed out. */
  run(): Promise<WorkerResult> {
    const done = new Promise<WorkerResult>((r) => { this.resolveDone = r; });
    this.pool.setListener(this);
    this.pool.active = true;
    const now = performance.now();
    this.timers.push(setTimeout(() => this.beginWindow(), Math.max(0, this.schedule.tMeasure - now)));
    this.timers.push(setTimeout(() => this.endWindow(), Math.max(0, this.schedule.tEnd - now)));
    this.timers.push(setInterval(() => this.sweep(), SWEEP_MS));
    this.timers.push(setInterval(() => this.progress(), 1000));
    this.schedule.start();
    return done;
  }

  /** Stop sending now and report what was measured so far. */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    this.schedule.stop(false);
    if (this.health.started) this.endWindow();
    this.finish();
  }

  // ---- sending -------------------------------------------------------------------------

  private issue(intended: number, now: number): void {
    this.rec.issued(intended, now);
    if (intended >= this.schedule.tMeasure) this.gaps?.record(now);
    const c = this.pool.acquire();
    if (c !== undefined) {
      this.rec.sentImmediately(intended, now);
      this.sendOn(c, intended, now);
    } else if (this.queue.length - this.qHead < this.maxQueue) {
      this.rec.queued(intended);
      this.queue.push(intended);
    } else {
      this.rec.fail(intended, 'backlog', null);
    }
  }

  private sendOn(c: Conn, intended: number, now: number): void {
    const req = this.builder.next();
    c.reqId++;
    c.intended = intended;
    c.sentAt = now;
    c.expect401 = req.expect401;
    c.expectStatus = req.expectStatus;
    if (intended >= this.schedule.tMeasure && c.activeMark !== this.activeMark) { c.activeMark = this.activeMark; this.activeConns++; }
    c.send(req.head, req.body, req.noBody, this.builder.encoding);
    this.inflight++;
    this.fifoConn.push(c);
    this.fifoId.push(c.reqId);
  }

  // ---- pool events ---------------------------------------------------------------------

  /** `now`: the caller's clock reading when it has one (a response just timed), to save a read per request at saturation. */
  onFree(c: Conn, now?: number): void {
    if (this.qHead < this.queue.length) {
      const intended = this.queue[this.qHead++]!;
      this.compactQueue();
      this.sendOn(c, intended, now ?? performance.now());
    } else {
      this.pool.release(c);
    }
  }

  onResponse(c: Conn, status: number, keepAlive: boolean): void {
    const now = performance.now();
    this.inflight--;
    this.rec.complete(c.intended, now, now - c.sentAt, status, c.expect401, c.expectStatus);
    if (!keepAlive) this.pool.recycle(c);
    else this.onFree(c, now);
    this.maybeFinish();
  }

  onCut(c: Conn, _errno: string): void {
    this.inflight--;
    this.rec.fail(c.intended, 'reset', null);
    this.maybeFinish();
  }

  // ---- timeouts and the end ------------------------------------------------------------

  private sweep(): void {
    const now = performance.now();
    const deadline = now - this.timeoutMs;
    while (this.qHead < this.queue.length && this.queue[this.qHead]! <= deadline) {
      const intended = this.queue[this.qHead++]!;
      this.rec.fail(intended, 'timeout', now - intended);
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
      this.rec.fail(c.intended, 'timeout', now - c.intended);
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
    this.health.begin();
    this.polledAtWindow = this.schedule.polledMs;
  }

  private endWindow(): void {
    this.phase = 'drain';
    this.pool.inWindow = false;
    this.health.end();
    this.polledWindow = this.schedule.polledMs - this.polledAtWindow;
    this.openAtEnd = this.pool.open;
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || !this.schedule.done || this.phase !== 'drain') return;
    if (this.inflight > 0 || this.qHead < this.queue.length) return;
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.health.finish();
    this.schedule.stop(false);
    for (const t of this.timers) clearTimeout(t);
    this.pool.active = false;
    this.pool.setListener(null);
    const startEpoch = this.schedule.tMeasure + performance.timeOrigin;
    const recorded = this.rec.result();
    this.resolveDone({
      workerIndex: this.stage.workerIndex,
      aborted: this.aborted,
      connect: this.pool.ramp,
      reopened: this.pool.reopened,
      failedLater: this.pool.failedLater,
      failedLaterByErrno: this.pool.failedLaterByErrno,
      openAtEnd: this.openAtEnd,
      openedInWindow: this.pool.openedInWindow,
      activeConnections: this.activeConns,
      measureStartEpochMs: startEpoch,
      measureEndEpochMs: startEpoch + this.stage.plan.durationMs,
      ...recorded,
      errors: { ...recorded.errors, ...Object.fromEntries(Object.entries(this.pool.failedInWindowByErrno).map(([errno, n]) => [`connect_${errno}`, n])) },
      eventLoopP99Ms: this.health.eventLoopP99Ms,
      cpu: this.health.cpu,
      eventLoopMaxMs: this.health.eventLoopMaxMs,
      longGapsMs: this.health.longGapsMs,
      longGapsDropped: this.health.longGapsDropped,
      pacerPolledMs: this.polledWindow,
      arrivalGaps: this.gaps?.gaps ?? [],
    });
  }

  private progress(): void {
    const now = performance.now();
    this.onProgress({
      phase: now < this.schedule.tMeasure ? 'warmup' : this.phase,
      connectionsOpen: this.pool.open,
      issued: this.rec.issuedTotal,
      completed: this.rec.completedTotal,
      errors: this.rec.errorsTotal,
      recentHdr: this.rec.takeRecent(),
      generatorOk: this.rec.sendLagP99Ms() <= this.stage.plan.health.maxSendLagP99Ms && this.schedule.behindMs(now) < 1000,
    });
  }
}
