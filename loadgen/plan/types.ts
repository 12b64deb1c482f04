import type { HealthLimits } from '../../core/result.js';
import type { RequestSpec } from '../../core/scenario/types.js';
import type { ConnectionSelection } from '../selection.js';

/**
 * The load plan: every stage of a run split over every generator worker, as plain JSON
 * data. Built once from the normalized scenario (buildLoadPlan), checked before any process
 * starts (planProblems), then only read: the coordinator sends each worker its share, and
 * a later distributed mode ships the same object to agents on other machines. It holds
 * nothing known only at run time (the target's address, the minted tokens).
 */
export interface LoadPlan {
  version: 1;
  /** Scenario name (for the reader). */
  scenario: string;
  engine: 'gw-bench' | 'autocannon';
  arrival: 'constant' | 'poisson';
  /** Which idle connection a request goes out on (loadgen/selection.ts). */
  connectionSelection: ConnectionSelection;
  /** A request not complete this long after its intended send time is a `timeout` error. */
  requestTimeoutMs: number;
  /** Per worker: requests waiting for a free connection beyond this are `backlog` errors. */
  maxQueue: number;
  requests: RequestSpec[];
  variables: VariableRanges;
  health: HealthLimits;
  /** Bounds of a capacity search (stages whose rate is 'capacity'). */
  capacity: { minRps: number; maxRps: number; probes: number; probeDurationMs: number };
  generator: GeneratorPlan;
  stages: PlannedStage[];
}

/** The generator processes of a run and the machine limits their number follows from. */
export interface GeneratorPlan {
  workers: number;
  /** Open-files limit per process the plan was made for. */
  fdLimit: number;
  /** Most connections one worker holds under that limit. */
  perWorkerMax: number;
  /** Most sockets on one (source address, destination) pair. */
  perAddressMax: number;
  /** Loopback source addresses of each worker (index = worker), distinct across workers. */
  sourceAddresses: string[][];
  /**
   * CPUs the workers run on. A stage is carried by as many workers as its connections need
   * under the fd limit, and at least this many (carriers()); absent (older plans): every
   * worker carries every stage.
   */
  cpus?: number;
}

/** One stage (or one capacity probe) of the plan. */
export interface PlannedStage {
  /** Index of the stage in the scenario. */
  index: number;
  name: string;
  connections: number;
  /** Offered req/s over all workers, or 'capacity' until a probe picks a rate (stageAtRate). */
  rate: number | 'capacity';
  /** Connections opened per second over all workers during the ramp. */
  connectRate: number;
  warmupMs: number;
  durationMs: number;
  /** The stage's random seed; each worker's is in its share. */
  seed: number;
  /** Workers carrying this stage: the first `activeWorkers`; the others hold nothing and send nothing. */
  activeWorkers: number;
  /** One entry per generator worker, in worker order. */
  workers: WorkerShare[];
}

/** One worker's part of one stage. */
export interface WorkerShare {
  worker: number;
  connections: number;
  /** req/s this worker offers (stage rate / active workers; 0 when idle; null until a capacity probe sets the rate). */
  rate: number | null;
  /** Connections/s this worker opens during the ramp. */
  connectRate: number;
  /** Seed of this worker's schedule and request stream. */
  seed: number;
}

/** Limits of the machine a plan is made for (read from /proc when not given). */
export interface MachineLimits {
  /** Open-files limit of one process (ulimit -n). */
  fdLimit: number;
  /** Open files the whole system allows (fs.file-max). */
  systemFiles: number;
  /** Local ports the generator binds client sockets from. */
  localPorts: number;
}

export interface VariableRanges {
  /** Inclusive integer ranges the path variables are drawn from (seeded). */
  uid: [number, number];
  room_id: [number, number];
}

/** Limits past which a stage's generator is not trusted: the stage becomes invalid. */
