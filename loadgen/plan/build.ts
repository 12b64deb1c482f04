import { readFileSync } from 'node:fs';
import { GwBenchError } from '../../core/errors.js';
import type { Problem } from '../../core/scenario/problems.js';
import type { Scenario, StageSpec } from '../../core/scenario/types.js';
import { localPortCount, readFdLimit } from '../limits.js';
import { planProblems } from './check.js';
import type { LoadPlan, MachineLimits, PlannedStage } from './types.js';
import { ADDRESS_POOL, carriers, perAddressCapacity, planWorkers, sourceAddresses, splitStage } from './workers.js';

/** Most generator processes one machine's plan may hold (far above what 2-64 cores can use). */
const MAX_PLANNED_WORKERS = 1024;

/** Open files the whole system allows (/proc/sys/fs/file-max); unlimited if unreadable. */
function readSystemFiles(): number {
  try {
    const n = Number(readFileSync('/proc/sys/fs/file-max', 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : Number.MAX_SAFE_INTEGER;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

/** This machine's limits, from /proc. */
export function machineLimits(): MachineLimits {
  return { fdLimit: readFdLimit(), systemFiles: readSystemFiles(), localPorts: localPortCount() };
}

/** Each stage (and probe) gets its own seed derived from the scenario's, so runs repeat exactly. */
const stageSeed = (scenarioSeed: number, index: number, probe: number): number => scenarioSeed * 1000 + index * 37 + probe;

/**
 * Build the run's load plan from a normalized scenario, and every problem that makes it
 * unusable on this machine (with scenario paths): a stage that offers no load or opens no
 * connection, more connections than the workers' open-files limit, the system's open files
 * or the loopback source addresses allow. `stages` limits the plan to some of the scenario's
 * stages (gate trials); the worker count is sized for the largest of them. `generatorCpus`:
 * the CPUs the workers will run on; with it, a stage is carried by the workers it needs
 * (carriers()), without it by all of them.
 */
export function buildLoadPlan(s: Scenario, opts: { stages?: readonly StageSpec[]; machine?: MachineLimits; generatorCpus?: number } = {}): { plan: LoadPlan; problems: Problem[] } {
  const machine = opts.machine ?? machineLimits();
  const specs = opts.stages ?? s.load.stages;
  const biggest = specs.reduce((a, b) => (b.connections > a.connections ? b : a), specs[0]!);
  const maxConns = biggest?.connections ?? 0;
  const problems: Problem[] = [];
  let gen = { workers: 1, perWorkerMax: 0, fdLimit: machine.fdLimit };
  try {
    gen = planWorkers({ maxConnections: maxConns, requested: s.load.workers, fdLimit: machine.fdLimit });
  } catch (e) {
    if (!(e instanceof GwBenchError)) throw e;
    problems.push({ path: s.load.workers === 'auto' ? `load.stages[${biggest!.index}].connections` : 'load.workers', message: e.message });
  }
  const perAddressMax = perAddressCapacity(machine.localPorts);
  const perWorkerConns = Math.ceil(maxConns / gen.workers);
  const addressesNeeded = gen.workers * Math.max(1, Math.ceil(perWorkerConns / perAddressMax));
  if (addressesNeeded > ADDRESS_POOL) {
    problems.push({ path: `load.stages[${biggest!.index}].connections`, message: `${maxConns} connections need ${addressesNeeded} loopback source addresses (at most ${perAddressMax} sockets each); 127.0.0.0/8 offers ${ADDRESS_POOL}` });
  }
  // A plan that cannot run is still built, for its other problems, but never with more worker
  // shares than a machine could start: an absurd connection count must not exhaust memory here.
  if (gen.workers > MAX_PLANNED_WORKERS) {
    problems.push({ path: `load.stages[${biggest!.index}].connections`, message: `${maxConns} connections need ${gen.workers} generator processes on this machine; at most ${MAX_PLANNED_WORKERS} are planned` });
    gen = { ...gen, workers: 1 };
  }
  for (const st of specs) {
    // Over loopback every connection is two open files: the client's and the server's socket.
    if (st.connections * 2 > machine.systemFiles) {
      problems.push({ path: `load.stages[${st.index}].connections`, message: `${st.connections} connections need ${st.connections * 2} open files on this machine (client and server socket each), more than the system allows (fs.file-max ${machine.systemFiles})` });
    }
  }
  const plan: LoadPlan = {
    version: 1,
    scenario: s.name,
    engine: s.load.engine,
    arrival: s.load.arrival,
    connectionSelection: s.load.connectionSelection,
    requestTimeoutMs: s.load.requestTimeoutMs,
    maxQueue: s.load.maxQueue,
    requests: s.requests.map((r) => ({ ...r, headers: { ...r.headers } })),
    variables: { uid: [...s.variables.uid], room_id: [...s.variables.room_id] },
    health: { maxSendLagP99Ms: s.generator.maxSendLagP99Ms, maxEventLoopP99Ms: s.generator.maxEventLoopP99Ms, maxCpu: s.generator.maxCpu },
    capacity: { ...s.load.capacity },
    generator: {
      workers: gen.workers, fdLimit: gen.fdLimit, perWorkerMax: gen.perWorkerMax, perAddressMax,
      sourceAddresses: addressesNeeded > ADDRESS_POOL ? [] : sourceAddresses(gen.workers, perWorkerConns, perAddressMax),
      // An explicit load.workers is used as given: every worker carries every stage.
      ...(opts.generatorCpus !== undefined && s.load.workers === 'auto' ? { cpus: opts.generatorCpus } : {}),
    },
    stages: [],
  };
  plan.stages = specs.map((st) => planStage(plan, st, s.load.seed, s.load.connectRate));
  problems.push(...planProblems(plan));
  return { plan, problems };
}

const carrying = (plan: LoadPlan, connections: number): number =>
  carriers(connections, plan.generator.workers, plan.generator.perWorkerMax, plan.generator.cpus);

function planStage(plan: LoadPlan, st: StageSpec, scenarioSeed: number, connectRate: number): PlannedStage {
  const seed = stageSeed(scenarioSeed, st.index, 0);
  const rate = st.rate;
  return {
    index: st.index, name: st.name, connections: st.connections, rate, connectRate, warmupMs: st.warmupMs, durationMs: st.durationMs, seed,
    ...splitStage(st.connections, rate === 'capacity' ? null : rate, connectRate, seed, plan.generator.workers, carrying(plan, st.connections)),
  };
}

/** A capacity probe: the stage at a concrete rate (probe k >= 1 gets its own seed), re-split over the same workers. */
export function stageAtRate(plan: LoadPlan, st: PlannedStage, rate: number, over: { durationMs?: number; warmupMs?: number; probe?: number } = {}): PlannedStage {
  const seed = st.seed + (over.probe ?? 0);
  return {
    ...st, rate, seed, warmupMs: over.warmupMs ?? st.warmupMs, durationMs: over.durationMs ?? st.durationMs,
    ...splitStage(st.connections, rate, st.connectRate, seed, plan.generator.workers, carrying(plan, st.connections)),
  };
}
