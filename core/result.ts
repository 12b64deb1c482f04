/**
 * The result model: what `gw-bench run` writes as result.json and what report, compare
 * and gate read. Versioned by `schemaVersion`; the JSON Schema is core/result.schema.json.
 * Latencies are milliseconds; histograms are recorded in microseconds.
 */
export const RESULT_SCHEMA_VERSION = 1;

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
  established: number;
  failed: number;
  reopened: number;
  /** Connect failures by errno (ECONNREFUSED, EADDRNOTAVAIL, ETIMEDOUT, ...). */
  failedByErrno: Record<string, number>;
  /** Open connections seen by the server side, when known (upstream admin or gateway metrics). */
  serverSide?: number | null;
}

export interface ReuseRatios {
  /** 1 - connections opened / requests completed, measured by the load generator. */
  client: number | null;
  /** Same ratio at the mock upstreams (gateway -> upstream connections). */
  upstream: number | null;
  /** From the gateway's own /metrics, as a cross-check. null when it exposes none. */
  gateway: number | null;
  clientConnectionsOpened: number;
  upstreamConnectionsOpened: number | null;
  upstreamRequests: number | null;
}

export interface MemorySample {
  rssBytes: number | null;
  rssMaxBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  /** heapUsed / RSS: the project's memory residency (README, How numbers are made). */
  residency: number | null;
  /** RSS / heapUsed (the seed article's ratio). */
  rssOverHeap: number | null;
  /** RSS at the end of the stage / established connections. */
  rssPerConnectionBytes: number | null;
  /** Where heap came from (metric names) or why it is not available. */
  heapSource: string;
  /** Number of processes in the target's tree that RSS was summed over. */
  processes: number | null;
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

/** Whether the load generator kept up during a stage: the generator's measurement and result.json share this one type. */
export interface GeneratorHealth {
  valid: boolean;
  reasons: string[];
  sendLagP99Ms: number;
  sendLagMaxMs: number;
  eventLoopP99Ms: number;
  /** Highest per-worker CPU use during measurement, as a fraction of one core. */
  cpu: number;
  workers: number;
  /** The limits this stage was judged against (scenario `generator:`); added by the harness. */
  limits?: HealthLimits;
  /** Requests the schedule intended in the measurement window, and how many were sent or queued. */
  intended?: number;
  sent?: number;
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
}

export interface CapacityResult {
  /** Highest offered rate that met the SLO; null when even the lowest probe missed it. */
  rps: number | null;
  sloP99Ms: number;
  maxErrorRate: number;
  probes: CapacityProbe[];
}

export interface StageResult {
  index: number;
  name: string;
  status: StageStatus;
  /** Why the stage is not 'ok' (one line each). */
  reasons: string[];
  connections: number;
  connectionCounts: ConnectionCounts;
  offeredRps: number;
  achievedRps: number;
  capacity?: CapacityResult;
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
  /** Latency from the actual send time: what a closed-loop tool would report. */
  serviceTimeMs: LatencySummary;
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

export type RunStatus = 'complete' | 'interrupted' | 'failed';

export interface Verdict {
  status: 'pass' | 'fail' | 'invalid' | 'target-failure' | 'interrupted';
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
}
