import { GwBenchError } from '../core/errors.js';
import { runAutocannonStage } from './autocannon-engine.js';
import { mergeEncoded, percentileMs } from '../core/hdr.js';
import { mergeStage } from './merge.js';
import { BUSY_LOOP_ENV, type WorkerProgress, type WorkerResult, type WorkerStage } from './messages.js';
import { perWorkerCapacity, sourceAddresses, splitStage } from './plan/workers.js';
import { readFdLimit } from './limits.js';
import type { WorkerShare } from './plan/types.js';
import type { StageMeasurement, StagePlan, StageProgress } from './types.js';
import { validateStagePlan } from './plan/check.js';
import { WorkerHandle } from './worker-handle.js';
import { spinBudget } from './spin-budget.js';

/**
 * The coordinator: owns the worker processes for a whole run (so connections persist from
 * stage to stage), hands each its share of a stage, starts all of them on one shared
 * epoch time, relays progress, and merges their results.
 */

export interface StartOptions {
  workers: number;
  /** taskset -c list for the worker processes (used when taskset exists). */
  cpuList?: string;
  /** Source addresses per worker; default: one distinct 127.1.x.y address per worker (or more if needed). */
  sourceAddresses?: string[][];
  /**
   * Debug only (the accuracy suite's slowed generator): every worker blocks its event loop
   * for `spinMs` every `everyMs`, so sends and response stamps run late on purpose.
   */
  debugBusyLoop?: { spinMs: number; everyMs: number };
}

export interface RunStageOptions {
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /** Called at the measurement window's start and end, so counters outside the generator can be read at the same edges. */
  onWindow?: (edge: 'start' | 'end') => void;
  /**
   * Start (warm-up begins) at this epoch time on this machine's clock instead of 100 ms after
   * the connect ramp: a distributed agent's scheduled start. If the ramp ends too late for it,
   * the stage starts 100 ms after the ramp; the caller sees that in measureStartEpochMs.
   */
  startAtEpochMs?: number;
  /** Allow a target outside loopback (a distributed agent given --allow-remote-target). */
  allowRemoteTarget?: boolean;
  /** The workers' raw results, before they are merged (an agent writes them for a later merge). */
  onWorkerResults?: (results: WorkerResult[]) => void;
}

/** Delay between deciding the start time and the first intended send, so every worker gets the order in time. */
const START_DELAY_MS = 100;
/** Extra time past the stage's own end before a silent worker is declared failed. */
const WATCHDOG_SLACK_MS = 30_000;

export class LoadGenerator {
  private closing: Promise<void> | null = null;
  private running = false;

  private constructor(private readonly handles: WorkerHandle[], private readonly addrs: string[][]) {}

  /**
   * The fine-timer spin budget of a stage carried by `carrying` workers: 0 when they
   * outnumber their CPUs (spin-budget.ts). Per stage, not per run: a step carried by one
   * of seven workers (the others hold nothing and sleep) has its CPU to itself.
   */
  spinBudget(carrying: number = this.handles.length): number {
    return spinBudget(carrying, this.handles[0]?.pinnedTo);
  }

  /** Start `workers` worker processes and wait until each is ready. */
  static async start(opts: StartOptions): Promise<LoadGenerator> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) {
      throw new GwBenchError('GW_ERR_USAGE', `workers: ${JSON.stringify(opts.workers)} is not a whole number >= 1`);
    }
    if (opts.sourceAddresses !== undefined && opts.sourceAddresses.length < opts.workers) {
      throw new GwBenchError('GW_ERR_USAGE', `sourceAddresses: ${opts.sourceAddresses.length} lists given for ${opts.workers} workers`);
    }
    const addrs = opts.sourceAddresses ?? sourceAddresses(opts.workers, perWorkerCapacity(readFdLimit()));
    const env = opts.debugBusyLoop ? { [BUSY_LOOP_ENV]: `${opts.debugBusyLoop.spinMs}/${opts.debugBusyLoop.everyMs}` } : undefined;
    const handles = Array.from({ length: opts.workers }, (_, i) => new WorkerHandle(i, opts.cpuList, env));
    const gen = new LoadGenerator(handles, addrs);
    try {
      await Promise.all(handles.map((h) => h.waitFor('ready')));
    } catch (e) {
      await gen.close();
      throw e;
    }
    return gen;
  }

  /** The CPU list the workers run on (taskset), or null when they are not pinned. */
  get cpuList(): string | null {
    return this.handles[0]?.pinnedTo ?? null;
  }

  /** Worker process ids (for placement checks and CPU sampling). */
  get pids(): number[] {
    return this.handles.map((h) => h.child.pid ?? -1);
  }

  /** Run one stage: connect ramp, warm-up, measurement; resolves with the merged measurement. */
  async runStage(plan: StagePlan, opts: RunStageOptions = {}): Promise<StageMeasurement> {
    validateStagePlan(plan, { allowRemoteTarget: opts.allowRemoteTarget });
    if (plan.engine === 'autocannon') return runAutocannonStage(plan, opts);
    if (this.closing !== null) throw new GwBenchError('GW_ERR_INTERNAL', 'load generator is closed');
    if (this.running) throw new GwBenchError('GW_ERR_INTERNAL', 'a stage is already running on this load generator');
    const W = this.handles.length;
    const shares = plan.workers ?? splitStage(plan.connections, plan.rate, plan.connectRate, plan.seed, W).workers;
    if (shares.length !== W) throw new GwBenchError('GW_ERR_USAGE', `stage ${plan.index}: the plan splits it over ${shares.length} worker(s), but this generator has ${W}`);
    const fdCap = perWorkerCapacity(readFdLimit());
    const most = Math.max(...shares.map((x) => x.connections));
    if (most > fdCap) {
      throw new GwBenchError('GW_ERR_FD_LIMIT', `${plan.connections} connections over ${W} worker(s) is ${most} per worker, but one worker can hold at most ${fdCap}; at least ${Math.ceil(plan.connections / fdCap)} workers are needed`);
    }
    this.running = true;
    try {
      return await this.run(plan, shares, opts);
    } finally {
      this.running = false;
    }
  }

  private async run(plan: StagePlan, shares: WorkerShare[], opts: RunStageOptions): Promise<StageMeasurement> {
    const W = this.handles.length;
    const active = shares.filter((x) => x.connections > 0).length;
    const t0 = Date.now();
    const totalMs = plan.warmupMs + plan.durationMs;
    const latest = new Map<number, WorkerProgress>();
    let soFar = mergeEncoded([]);
    let startEpoch = Number.POSITIVE_INFINITY;
    let last = { t: performance.now(), issued: 0, completed: 0 };

    for (const h of this.handles) {
      h.onProgress = (m) => {
        latest.set(h.index, m.progress);
        if (m.progress.phase === 'measure' || m.progress.phase === 'drain') soFar.add(mergeEncoded([m.progress.recentHdr]));
      };
    }
    const emit = (): void => {
      if (opts.onProgress === undefined) return;
      const ps = [...latest.values()];
      const now = performance.now();
      const issued = ps.reduce((a, p) => a + p.issued, 0);
      const completed = ps.reduce((a, p) => a + p.completed, 0);
      const dt = (now - last.t) / 1000;
      const epochNow = performance.timeOrigin + now;
      const phase: StageProgress['phase'] = epochNow < startEpoch ? 'connect' : epochNow < startEpoch + plan.warmupMs ? 'warmup' : 'measure';
      opts.onProgress({
        index: plan.index,
        phase,
        elapsedMs: Number.isFinite(startEpoch) ? Math.max(0, Math.min(totalMs, epochNow - startEpoch)) : 0,
        totalMs,
        connectionsOpen: ps.reduce((a, p) => a + p.connectionsOpen, 0),
        offeredRps: dt > 0 ? (issued - last.issued) / dt : 0,
        achievedRps: dt > 0 ? (completed - last.completed) / dt : 0,
        p99SoFarMs: percentileMs(soFar, 99),
        errors: ps.reduce((a, p) => a + p.errors, 0),
        generatorOk: ps.every((p) => p.generatorOk),
      });
      last = { t: now, issued, completed };
    };
    const progressTimer = setInterval(emit, 1000);
    let aborted = false;
    let wakeOnAbort: () => void = () => undefined;
    const abortedPromise = new Promise<void>((r) => { wakeOnAbort = r; });
    const onAbort = (): void => { aborted = true; wakeOnAbort(); for (const h of this.handles) h.send({ type: 'abort' }); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let watchdog: NodeJS.Timeout | undefined;
    const windowTimers: NodeJS.Timeout[] = [];
    try {
      if (opts.signal?.aborted) throw new GwBenchError('GW_ERR_INTERRUPTED', `stage ${plan.index} interrupted before it started`);
      const connected = this.handles.map((h) => h.waitFor('connected'));
      this.handles.forEach((h, w) => {
        const share = shares[w]!;
        const stage: WorkerStage = {
          plan: share.rate === 0 ? { ...plan, rate: 0 } : plan,
          workerIndex: w,
          workers: active,
          connections: share.connections,
          connectRate: share.connectRate,
          seed: share.seed,
          sourceAddresses: this.addrs[w] ?? [],
          spinBudget: this.spinBudget(active),
        };
        h.send({ type: 'stage', stage });
      });
      // The workers stop their ramps on abort; this does not wait for them to say so.
      const allConnected = Promise.all(connected);
      allConnected.catch(() => undefined); // after an abort nobody waits on it; a worker exiting later must not be an unhandled rejection
      await Promise.race([allConnected, abortedPromise]);
      if (aborted) throw new GwBenchError('GW_ERR_INTERRUPTED', `stage ${plan.index} interrupted during the connect ramp`);
      startEpoch = Math.max(opts.startAtEpochMs ?? 0, performance.timeOrigin + performance.now() + START_DELAY_MS);
      last = { t: performance.now(), issued: 0, completed: 0 };
      soFar = mergeEncoded([]);
      const results = this.handles.map((h) => h.waitFor('result'));
      for (const h of this.handles) h.send({ type: 'go', startEpochMs: startEpoch });
      if (opts.onWindow) windowTimers.push(...windowEdges(startEpoch + plan.warmupMs, plan.durationMs, opts.onWindow));
      const deadline = Math.max(START_DELAY_MS, startEpoch - Date.now()) + totalMs + plan.requestTimeoutMs + WATCHDOG_SLACK_MS;
      const timedOut = new Promise<never>((_, reject) => {
        watchdog = setTimeout(() => reject(new GwBenchError('GW_ERR_WORKER', `stage ${plan.index}: workers did not report within ${deadline} ms`)), deadline);
      });
      const got = (await Promise.race([Promise.all(results), timedOut])).map((m) => m.result);
      if (aborted) throw new GwBenchError('GW_ERR_INTERRUPTED', `stage ${plan.index} interrupted after ${Date.now() - t0} ms`);
      const carried = got.filter((r: WorkerResult) => r.workerIndex < active || r.intended > 0);
      opts.onWorkerResults?.(carried);
      return mergeStage(plan, carried, W);
    } finally {
      clearInterval(progressTimer);
      clearTimeout(watchdog);
      windowTimers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      for (const h of this.handles) h.onProgress = null;
    }
  }

  /** Stop every worker (their sockets close with them). Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.handles.map((h) => h.stop())).then(() => undefined);
    return this.closing;
  }
}

/** Timers calling `on` at the window's start and end (epoch ms on this process's clock). */
export function windowEdges(startEpochMs: number, durationMs: number, on: (edge: 'start' | 'end') => void): NodeJS.Timeout[] {
  const now = performance.timeOrigin + performance.now();
  return [
    setTimeout(() => on('start'), Math.max(0, startEpochMs - now)),
    setTimeout(() => on('end'), Math.max(0, startEpochMs + durationMs - now)),
  ];
}
