/** A scenario after validation: units parsed (ms, req/s, bytes, fractions), defaults applied, frozen. */

export type LatencyModel =
  | { model: 'constant'; valueMs: number }
  | { model: 'uniform'; minMs: number; maxMs: number }
  | { model: 'lognormal'; p50Ms: number; p99Ms: number };

export interface UpstreamSpec {
  name: 'user-status' | 'barrage' | 'user' | 'interact';
  instances: number;
  weights: number[];
  latency: LatencyModel;
  bodyBytes: number;
  errorRate: number;
  errorStatus: number;
}

/** Which token a request carries. */
export type AuthKind = 'valid' | 'expired' | 'bad-signature' | 'none';

/** One weighted entry of the request mix (the load generator's RequestTemplate is this type). */
export interface RequestSpec {
  name: string;
  weight: number;
  method: string;
  /** Path with variables: `${uid}`, `${room_id}`, `${seq}` (request sequence), `${rand}`. */
  path: string;
  headers: Record<string, string>;
  /** Bytes of request body to send (0 = none). */
  bodyBytes: number;
  auth: AuthKind;
  /** Body template (variables as in path); when set, bodyBytes is ignored. Absent/null = none. */
  body?: string | null;
  /** Accepted statuses (numbers or classes like '2xx'); absent/null = the contract rule (2xx, 401 for bad tokens). */
  expectStatus?: ReadonlyArray<number | string> | null;
}

/** How gw-bench starts a team's own gateway (`target.command`). Paths are absolute. */
export interface TargetCommandSpec {
  command: string;
  cwd: string;
  env: Record<string, string>;
  build: string | null;
  /** Absolute loopback URL or a path (joined to the target URL); null = any HTTP answer on `/`. */
  readyUrl: string | null;
  readyPattern: string | null;
  readyTimeoutMs: number;
}

/** `target.warmup`: sent to the target before the first stage, at the first stage's connection count. */
export interface TargetWarmupSpec { durationMs: number; rps: number }

export interface StageSpec {
  index: number;
  name: string;
  connections: number;
  /** Offered req/s, or 'capacity' for a capacity search. */
  rate: number | 'capacity';
  warmupMs: number;
  durationMs: number;
}

export interface ThresholdSpec {
  expr: string;
  /** Stage name or index; null = every stage. */
  stage: string | number | null;
}

export interface Scenario {
  version: 1;
  name: string;
  description: string;
  /** Absolute path of the scenario file ('' when built in memory). */
  file: string;
  target: {
    impl: string; url: string | null; pid: number | null; metricsUrl: string | null; workers: number | 'auto';
    /** 'none' = plain HTTP target: no mock upstreams, no contract check. */
    contract: 'gw-bench' | 'none';
    /** Set when impl is 'command'. */
    command: TargetCommandSpec | null;
    /** Load run once before the first stage and counted nowhere; null = none. */
    warmup: TargetWarmupSpec | null;
  };
  upstreams: UpstreamSpec[];
  auth: {
    alg: 'HS256' | 'RS256'; tokens: number; ttlMs: number;
    /** Absolute path of a file of tokens (one a line) that replaces the generated valid JWTs. */
    tokenFile: string | null;
    /** Fixed header sent by requests with auth: valid, instead of a bearer token. */
    header: { name: string; value: string } | null;
  };
  variables: { uid: [number, number]; room_id: [number, number] };
  requests: RequestSpec[];
  load: {
    model: 'open';
    arrival: 'constant' | 'poisson';
    seed: number;
    engine: 'gw-bench' | 'autocannon';
    connectionSelection: 'round-robin' | 'random' | 'lifo';
    connectRate: number;
    workers: number | 'auto';
    requestTimeoutMs: number;
    maxQueue: number;
    stages: StageSpec[];
    capacity: { minRps: number; maxRps: number; probes: number; probeDurationMs: number; halfProbe: boolean };
  };
  slo: { p99Ms: number; errorRate: number };
  generator: { maxSendLagP99Ms: number; maxEventLoopP99Ms: number; maxCpu: number };
  gate: {
    thresholds: ThresholdSpec[];
    relative: { pairs: number; confirmPairs: number; seed: number; metrics: Record<string, { warn?: number; fail?: number }> };
  };
  /** Resolved absolute paths of recorded results to compare with. */
  compare: Array<{ label: string | null; file: string }>;
  placement: { gateway: string; upstreams: string; generator: string };
}
