import type { StagePlan } from './types.js';

/**
 * The IPC protocol between the coordinator and a worker process. Everything is plain JSON
 * data so a worker could run anywhere that can carry these messages.
 *
 *   coordinator -> worker: stage (connect ramp), go (shared start time), abort, exit
 *   worker -> coordinator: ready, connected, progress, result, failed
 */

export interface WorkerStage {
  plan: StagePlan;
  workerIndex: number;
  workers: number;
  /** This worker's share of the stage's connections. */
  connections: number;
  /** This worker's share of the connect rate, connections/s. */
  connectRate: number;
  /** This worker's seed (schedule and request stream), from the plan. */
  seed: number;
  sourceAddresses: string[];
  /** Fraction of its time the worker's fine timer may spin (spin-budget.ts); 0: millisecond timers only. */
  spinBudget: number;
}

export type ToWorker =
  | { type: 'stage'; stage: WorkerStage }
  | { type: 'go'; startEpochMs: number }
  | { type: 'abort' }
  | { type: 'exit' };

export interface ConnectSummary {
  requested: number;
  established: number;
  failed: number;
  failedByErrno: Record<string, number>;
}

export interface WorkerInterval {
  /** Interval number: 0 is the first second of measurement, negative numbers are warm-up. */
  index: number;
  startMs: number;
  endMs: number;
  hdr: string;
  count: number;
  errors: number;
}

export interface WorkerProgress {
  phase: 'connect' | 'warmup' | 'measure' | 'drain';
  connectionsOpen: number;
  /** Since the stage's start time. */
  issued: number;
  completed: number;
  errors: number;
  /** Latencies (µs) recorded since the previous progress message. */
  recentHdr: string;
  generatorOk: boolean;
}

export interface WorkerResult {
  workerIndex: number;
  aborted: boolean;
  connect: ConnectSummary;
  reopened: number;
  /** Connect failures after the ramp (reconnect attempts), by errno. */
  failedLater: number;
  failedLaterByErrno: Record<string, number>;
  openAtEnd: number;
  openedInWindow: number;
  /** This worker's connections that carried at least one request intended in the window. */
  activeConnections: number;
  measureStartEpochMs: number;
  measureEndEpochMs: number;
  /** Sends the schedule asked for in the window, how many were issued (sent, queued or refused as backlog), and how many got any response. */
  intended: number;
  issued: number;
  completed: number;
  errors: Record<string, number>;
  latencyHdr: string;
  serviceHdr: string;
  /** actual - intended send, only requests that found a free connection (µs). */
  sendLagHdr: string;
  /** When the pacer got to each request - intended, every issued request (µs): shows a generator that fell behind even when every connection was busy. */
  scheduleLagHdr: string;
  intervals: WorkerInterval[];
  eventLoopP99Ms: number;
  /** Longest event-loop delay from the window's start to the drain's end, raw (includes the monitor's period), ms. */
  eventLoopMaxMs: number;
  /** Event-loop gaps longer than LONG_GAP_MS from the window's start to the drain's end, raw, ms (stall-recorder.ts); older workers send none. */
  longGapsMs?: number[];
  /** Long gaps not kept because the list was full. */
  longGapsDropped?: number;
  /** Requests in the window that waited in the queue for a free connection. */
  queuedWindow: number;
  cpu: number;
  /** Worker RSS after the stage, and before it held any connection (its fixed base); bytes. Optional for older workers. */
  rssBytes?: number;
  baseRssBytes?: number;
  /** ms the pacer spent polling the clock in the window (part of `cpu`). */
  pacerPolledMs?: number;
  /** Gaps between this worker's sends in the window, in units of its planned mean gap (Poisson only; a sample). */
  arrivalGaps?: number[];
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'connected'; summary: ConnectSummary; open: number }
  | { type: 'progress'; progress: WorkerProgress }
  | { type: 'result'; result: WorkerResult }
  | { type: 'failed'; message: string };

/** Environment variable carrying StartOptions.debugBusyLoop to a worker (`spinMs/everyMs`), read once at its start. */
export const BUSY_LOOP_ENV = 'GWB_DEBUG_BUSY_LOOP';
