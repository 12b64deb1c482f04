/**
 * The contract between the harness (coordinator side) and the load generator. Plans and
 * results are plain serializable data: a worker is a child process that receives its plan
 * over IPC and sends back encoded histograms and counters.
 */

import type { AuthKind, RequestSpec } from '../core/scenario/types.js';
import type { WorkerShare } from './plan/types.js';

export type { AuthKind };

/** One weighted entry of the request mix: the scenario's own request spec. */
export type RequestTemplate = RequestSpec;

/** Pre-generated JWTs, replayed round-robin (the gateway's token caches are part of what is measured). */
export interface TokenPool {
  valid: string[];
  expired: string[];
  badSignature: string[];
}

export interface VariableRanges {
  /** Inclusive integer ranges the path variables are drawn from (seeded). */
  uid: [number, number];
  room_id: [number, number];
}

/** Limits past which a stage's generator is not trusted: the stage becomes invalid. */
export interface HealthLimits {
  /** p99 of (actual send - intended send) for requests that found a free connection. */
  maxSendLagP99Ms: number;
  /** p99 of perf_hooks.monitorEventLoopDelay in any worker. */
  maxEventLoopP99Ms: number;
  /** CPU of any worker as a fraction of one core (e.g. 0.95). */
  maxCpu: number;
}

export interface StagePlan {
  index: number;
  name: string;
  /** Loopback target only (127.0.0.0/8 or ::1). */
  target: { host: string; port: number };
  /** Total connections for the stage across all workers (kept open for the stage). */
  connections: number;
  /** Total offered rate, req/s, across all workers. */
  rate: number;
  arrival: 'constant' | 'poisson';
  seed: number;
  /** Connections opened per second across all workers during the ramp. */
  connectRate: number;
  warmupMs: number;
  durationMs: number;
  /** A request not complete this long after its intended send time is a `timeout` error. */
  requestTimeoutMs: number;
  /** Per worker: requests waiting for a free connection beyond this are `backlog` errors. */
  maxQueue: number;
  requests: RequestTemplate[];
  tokens: TokenPool;
  variables: VariableRanges;
  health: HealthLimits;
  engine: 'gw-bench' | 'autocannon';
  /** The stage split over the generator workers (LoadPlan); split evenly (splitStage) when absent. */
  workers?: WorkerShare[];
}

/** One 1-second interval of a stage, merged across workers. */
export interface IntervalMeasurement {
  /** ms since the stage's measurement start (negative during warm-up). */
  startMs: number;
  endMs: number;
  phase: 'warmup' | 'measure';
  /** Compressed base64 HdrHistogram, microseconds, latency from intended send time. */
  hdr: string;
  count: number;
  errors: number;
}

export interface StageMeasurement {
  index: number;
  connectionCounts: {
    requested: number;
    established: number;
    failed: number;
    reopened: number;
    failedByErrno: Record<string, number>;
  };
  /** Open connections at the end of measurement, as the generator sees them. */
  openAtEnd: number;
  /** Measurement window only (warm-up excluded). */
  requests: number;
  errors: Record<string, number>;
  /** Connections the generator opened during the measurement window (for client-side reuse). */
  connectionsOpenedInWindow: number;
  measureStartEpochMs: number;
  measureEndEpochMs: number;
  achievedRps: number;
  offeredRps: number;
  /** Merged (never averaged) histograms of the measurement window, compressed base64, microseconds. */
  latencyHdr: string;
  serviceHdr: string;
  intervals: IntervalMeasurement[];
  generator: {
    valid: boolean;
    reasons: string[];
    sendLagP99Ms: number;
    sendLagMaxMs: number;
    eventLoopP99Ms: number;
    cpu: number;
    workers: number;
    /** Added (optional, backward compatible): requests the schedule intended in the window, and how many were sent or queued. */
    intended?: number;
    sent?: number;
  };
}

/** Live progress, about once a second while a stage runs. */
export interface StageProgress {
  index: number;
  phase: 'connect' | 'warmup' | 'measure';
  elapsedMs: number;
  totalMs: number;
  connectionsOpen: number;
  offeredRps: number;
  achievedRps: number;
  p99SoFarMs: number | null;
  errors: number;
  generatorOk: boolean;
}
