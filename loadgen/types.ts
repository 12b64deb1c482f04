/**
 * The contract between the harness (coordinator side) and the load generator. Plans and
 * results are plain serializable data: a worker is a child process that receives its plan
 * over IPC and sends back encoded histograms and counters.
 */

import type { GeneratorHealth, HealthLimits } from '../core/result.js';
import type { AuthKind, RequestSpec } from '../core/scenario/types.js';
import type { VariableRanges, WorkerShare } from './plan/types.js';

export type { AuthKind, GeneratorHealth, HealthLimits, VariableRanges };

/** One weighted entry of the request mix: the scenario's own request spec. */
export type RequestTemplate = RequestSpec;

/** Pre-generated JWTs, replayed round-robin (the gateway's token caches are part of what is measured). */
export interface TokenPool {
  valid: string[];
  expired: string[];
  badSignature: string[];
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
  generator: GeneratorHealth;
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
