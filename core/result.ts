/**
 * The result model: what `gw-bench run` writes as result.json and what report, compare
 * and gate read. Versioned by `schemaVersion`; the JSON Schema is core/result.schema.json.
 * Latencies are milliseconds; histograms are recorded in microseconds.
 */
import type { RunRecording, StageTarget, TargetWarmup } from './result-recording.js';

export type { RunRecording, StageTarget, TargetWarmup };
export const RESULT_SCHEMA_VERSION = 2;
/** Versions report and compare still read (v1 is upgraded in memory: see harness/report/upgrade-result.ts). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

export type StageStatus =
  | 'ok'           // measured and the generator kept up
  | 'invalid'      // measured, but the generator fell behind: numbers are not a result
  | 'not-reached'  // could not be run (e.g. connection count beyond what the target holds)
  | 'failed'       // the target failed during the stage (crash, errors above limit)
  | 'interrupted'; // Ctrl-C during the stage

export interface ConnectionCounts {
  requested: number;
  /** null when the engine cannot count them (autocannon). */
  established: number | null;
  failed: number;
  reopened: number;
  /** Connect failures by errno (ECONNREFUSED, EADDRNOTAVAIL, ETIMEDOUT, ...). */
  failedByErrno: Record<string, number>;
  /** Open connections seen by the server side, when known (upstream admin or gateway metrics). */
  serverSide?: number | null;
  /** Connections that carried at least one request intended in the window; null when not measured (autocannon, older results). */
  active?: number | null;
  /** How idle connections were chosen (scenario load.connectionSelection). */
  selection?: 'round-robin' | 'random' | 'lifo';
}

/**
 * Connection reuse per side, every count inside the measurement window only (docs/metrics.md):
 * reuse = 1 - connections opened / requests, i.e. the share of requests that did not need a
 * new connection (the seed's "requests on reused connections / requests").
 */
export interface ReuseRatios {
  /** Client side (load generator -> target). */
  client: number | null;
  /** Mock upstreams (gateway -> upstream connections). */
  upstream: number | null;
  /** From the gateway's own /metrics, as a cross-check. null when it exposes none. */
  gateway: number | null;
  clientRequests?: number;
  clientConnectionsOpened: number;
  upstreamConnectionsOpened: number | null;
  upstreamRequests: number | null;
  /** Upstream connections that carried at least one request in the window (the mock upstreams count them from the window's start mark). */
  upstreamConnectionsActive?: number | null;
  gatewayRequests?: number | null;
  gatewayConnectionsOpened?: number | null;
}

/** CPU of the target's whole process tree inside the measurement window (from /proc). */
export interface StageCpu {
  /** utime + stime summed over every process of the tree, window end minus window start. */
  targetSeconds: number | null;
  /** targetSeconds / requests in the window, microseconds. */
  perRequestUs: number | null;
  processes: number | null;
  /** Why a figure is null (one line), else null. */
  reason: string | null;
}

import type { MemorySample } from './result-memory.js';

export type { MemorySample };

/** Limits past which a stage's generator is not trusted: the stage becomes invalid. */
export interface HealthLimits {
  /**
   * Floor of the allowed generator lag bound (docs/metrics.md): a stage is valid only when its lag
   * bound is at most max(this, 5% of its measured p99). The name is from when it limited the send-lag p99.
   */
  maxSendLagP99Ms: number;
  /** Event-loop delay p99 of any worker (its 2 ms probe timer, loadgen/stall-recorder.ts). */
  maxEventLoopP99Ms: number;
  /** CPU of any worker as a fraction of one core (e.g. 0.95). */
  maxCpu: number;
}

/** Whether the load generator kept up during a stage: the generator's measurement and result.json share this one type. */
export interface GeneratorHealth {
  valid: boolean;
  reasons: string[];
  /** null when the engine cannot measure per-request send times (autocannon). */
  sendLagP99Ms: number | null;
  sendLagMaxMs: number | null;
  eventLoopP99Ms: number;
  /** Longest event-loop delay seen by any worker in the window (the receive side of the bound). */
  eventLoopMaxMs?: number | null;
  /**
   * Most the generator added to 99.9% of the window's requests (docs/metrics.md):
   * true pX <= measured pX <= true p(X+0.1) + lagBoundMs. null when not measurable.
   */
  lagBoundMs: number | null;
  /** Most it added to any request (send lag max + longest stall): measured pX <= true pX + this for every X, max included. */
  lagBoundStrictMs?: number | null;
  /** How lagBoundMs was derived and what it was judged against, one line. */
  lagBoundRule: string;
  /** Highest per-worker CPU use during measurement, as a fraction of one core. */
  cpu: number;
  workers: number;
  /** Workers that carried this stage (held its connections, sent its rate); `workers` is the run's count. */ activeWorkers?: number;
  /** The limits this stage was judged against (scenario `generator:`); added by the harness. */
  limits?: HealthLimits;
  /** Requests the schedule intended in the measurement window, and how many were sent or queued. */
  intended?: number;
  sent?: number;
  /** Generator worker RSS summed over the stage's workers (bytes); absent in older results. */
  rssBytes?: number | null;
  /** Generator RSS above the workers' idle base, per held connection (bytes). */
  rssPerConnectionBytes?: number | null;
  /** Kolmogorov-Smirnov check of the sent inter-arrival gaps against the planned distribution; null when not checked. */
  arrivals?: { ks: number; critical: number; ok: boolean } | null;
  /** Most ms any worker's pacer spent polling the clock in the window (fine pacing's CPU cost). */
  pacerPolledMs?: number;
}

export interface KernelDeltas {
  listenOverflows: number | null;
  listenDrops: number | null;
  retransSegs: number | null;
  /** TIME_WAIT sockets at the end of the stage (a level, not a delta). */
  timeWait: number | null;
}

export interface TimelinePoint {
  /** Seconds since the start of the run (one clock for every stage). */
  t: number;
  stage: number;
  phase: 'warmup' | 'measure';
  p50: number | null;
  p99: number | null;
  max: number | null;
  rps: number;
  errors: number;
  rssBytes: number | null;
}

export interface CapacityProbe {
  rate: number;
  p99Ms: number;
  errorRate: number;
  achievedRps: number;
  valid: boolean;
  ok: boolean;
  /** A pass although the generator fell behind (harness/capacity.ts probeOk): p99 within the SLO, every planned request sent. */
  okDespiteLag?: boolean;
  /** The probe's measurement window (ms): long enough that every held connection carries a request (absent in older results). */
  durationMs?: number;
  /** Connections that carried at least one request in the probe's window; null when the engine cannot tell. */
  activeConnections?: number | null;
}

export interface CapacityResult {
  /** Highest offered rate that met the SLO; null when even the lowest probe missed it. */
  rps: number | null;
  sloP99Ms: number;
  maxErrorRate: number;
  probes: CapacityProbe[];
  /** `load.capacity.halfProbe`: one probe at half of `rps` after the search; null when it did not run (no capacity). */
  half?: HalfCapacityProbe | null;
}

/** Latency with 2x headroom: the probe at half the capacity found (docs/metrics.md). */
export interface HalfCapacityProbe {
  rate: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  errorRate: number;
  /** The generator kept up; when false every latency here is an upper bound (the lag only adds). */
  valid: boolean;
  /** Most the generator added to any request (measured max <= true max + this); null when not measurable. */
  lagBoundStrictMs: number | null;
  durationMs: number;
}

export interface StageResult {
  index: number;
  name: string;
  status: StageStatus;
  /** Why the stage is not 'ok' (one line each). */
  reasons: string[];
  connections: number;
  connectionCounts: ConnectionCounts;
  /** Requests the generator sent per second in the window; null for a closed-loop engine (autocannon) that has no offered rate. */
  offeredRps: number | null;
  achievedRps: number;
  capacity?: CapacityResult;
  /** Gateway processes during this stage; absent in older results. */
  target?: StageTarget;
  warmupS: number;
  durationS: number;
  startedAt: string;
  /** Requests completed in the measurement window (successes and HTTP errors). */
  requests: number;
  /**
   * Outcomes by kind. Errors: timeout, backlog, connect, reset, http_4xx, http_5xx,
   * unexpected_2xx. `status_NNN` entries break the http_* classes down by exact status
   * (the same responses counted again: never add them to the classes). `expected_401`
   * counts deliberately bad tokens correctly rejected: not errors. errorRate uses the
   * error kinds only.
   */
  errors: Record<string, number>;
  errorRate: number;
  /** Latency from the intended send time (coordinated-omission safe). */
  latencyMs: LatencySummary;
  /** Latency from the actual send time: what a closed-loop tool would report. null when the engine cannot tell the two apart (autocannon). */
  serviceTimeMs: LatencySummary | null;
  /** Compressed base64 HdrHistogram (microseconds) of latencyMs. */
  hdr: string;
  serviceHdr: string;
  /** File name of this stage's interval log, relative to the run folder. */
  hlog: string | null;
  reuse: ReuseRatios;
  memory: MemorySample;
  generator: GeneratorHealth;
  kernel: KernelDeltas;
  timeline: TimelinePoint[];
  cpu: StageCpu;
  engine: 'gw-bench' | 'autocannon';
}

export interface Placement {
  gateway: string | null;
  upstreams: string | null;
  generator: string | null;
  /** How placement was applied: taskset, none (not available), or external target. */
  method: string;
}

export interface EnvFingerprint {
  cpuModel: string;
  cores: number;
  memTotalBytes: number;
  kernel: string;
  os: string;
  node: string;
  hostname: string;
  fdLimit: number | null;
  placement: Placement;
  gitSha: string | null;
  gitDirty: boolean | null;
  date: string;
  runtimes: Record<string, string>;
}

export interface TargetInfo {
  impl: string;
  version: string;
  command: string;
  url: string;
  pid: number | null;
  workers: number | null;
  metricsUrl: string | null;
}

/** 'complete' only when every measured stage is valid; 'incomplete' when one or more is invalid. */
export type RunStatus = 'complete' | 'incomplete' | 'interrupted' | 'failed';

export interface Verdict {
  /** 'incomplete': some stages invalid (headline `incomplete: N of M stages invalid`, exit 3 unless --allow-invalid). */
  status: 'pass' | 'fail' | 'incomplete' | 'invalid' | 'target-failure' | 'interrupted';
  exitCode: number;
  reasons: string[];
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'gw-bench'; version: string };
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  scenario: { name: string; file: string; quick: boolean; spec: unknown };
  target: TargetInfo;
  env: EnvFingerprint;
  stages: StageResult[];
  verdict: Verdict;
  /** `target.warmup` as run; absent or null when the scenario has none. */
  warmup?: TargetWarmup | null;
  /** Set by `gw-bench baseline record`; absent on a plain run. */
  recording?: RunRecording;
}
