import type { Problem } from '../../core/scenario/problems.js';
import type { Scenario } from '../../core/scenario/types.js';
import { buildLoadPlan } from '../../loadgen/plan/build.js';
import type { LoadPlan, MachineLimits } from '../../loadgen/plan/types.js';
import { perAddressCapacity, sourceAddresses, splitStage } from '../../loadgen/plan/workers.js';
import type { ScheduledStage } from './types.js';

/**
 * Split a scenario's load over N agents. Every stage is divided once, with the same
 * splitStage() that divides a stage over one machine's workers: connections as evenly as
 * whole numbers allow, the rate and the connect rate in equal parts. Each agent's share is
 * then planned like a local run (its own worker count for its connections), with seeds
 * moved by AGENT_SEED_STRIDE per agent so no two workers anywhere share a seed.
 */

/** Seed distance between agents: larger than any worker count, so agent k's worker seeds never meet agent k+1's. */
export const AGENT_SEED_STRIDE = 100_000;
/** Connect-ramp budget beyond connections / connect rate: process start, scheduling, a slow SYN. */
export const RAMP_SLACK_MS = 2000;
/** After the measurement: outstanding requests get requestTimeoutMs, then this for the results to arrive. */
export const DRAIN_SLACK_MS = 1000;

export interface AgentSplit { plans: LoadPlan[]; problems: Problem[] }

/** Each agent's LoadPlan; `remote` targets get no loopback source addresses (the agent's own address is used). */
export function splitForAgents(s: Scenario, agents: number, opts: { remote: boolean; machine?: MachineLimits }): AgentSplit {
  const problems: Problem[] = [];
  if (s.load.engine !== 'gw-bench') problems.push({ path: 'load.engine', message: `${JSON.stringify(s.load.engine)}: agents run the gw-bench engine only` });
  for (const st of s.load.stages) {
    if (st.rate === 'capacity') problems.push({ path: `load.stages[${st.index}].rate`, message: '"capacity": a capacity search probes one rate at a time on one machine; give agents fixed rates' });
    if (st.connections < agents) problems.push({ path: `load.stages[${st.index}].connections`, message: `${st.connections} connections cannot be split over ${agents} agents (each needs at least 1)` });
  }
  if (problems.length) return { plans: [], problems };
  const shares = s.load.stages.map((st) => splitStage(st.connections, st.rate as number, s.load.connectRate, 0, agents).workers);
  const plans: LoadPlan[] = [];
  for (let k = 0; k < agents; k++) {
    const mine: Scenario = {
      ...s,
      load: {
        ...s.load,
        connectRate: s.load.connectRate / agents,
        stages: s.load.stages.map((st, i) => ({ ...st, connections: shares[i]![k]!.connections, rate: shares[i]![k]!.rate! })),
      },
    };
    const built = buildLoadPlan(mine, { machine: opts.machine });
    problems.push(...built.problems.map((p) => ({ ...p, message: `agent ${k}: ${p.message}` })));
    const plan = built.plan;
    const W = plan.generator.workers;
    plan.stages = plan.stages.map((st) => {
      const seed = st.seed + k * AGENT_SEED_STRIDE;
      return { ...st, seed, ...splitStage(st.connections, st.rate as number, st.connectRate, seed, W) };
    });
    const perWorker = Math.ceil(Math.max(...plan.stages.map((st) => st.connections)) / W);
    // Agents sharing one machine (loopback) must not share source addresses: agent k takes
    // the k-th block of the pool. A remote agent binds nothing: its host has its own address.
    plan.generator.sourceAddresses = opts.remote
      ? Array.from({ length: W }, () => [])
      : sourceAddresses(W * (k + 1), perWorker, perAddressCapacity(opts.machine?.localPorts)).slice(W * k);
    plans.push(plan);
  }
  return { plans, problems };
}

/**
 * The run's timetable on the coordinator's clock: stage k's connect ramp begins when stage
 * k-1 is done (its warm-up, measurement and drain), and its warm-up at a fixed time after
 * that. Fixed in advance, so agents that never talk to each other start every stage together.
 */
export function schedule(s: Scenario, startAtEpochMs: number): ScheduledStage[] {
  let t = startAtEpochMs;
  return s.load.stages.map((st) => {
    const rampBudgetMs = Math.ceil((st.connections / s.load.connectRate) * 1000) + RAMP_SLACK_MS;
    const busyMs = st.warmupMs + st.durationMs + s.load.requestTimeoutMs + DRAIN_SLACK_MS;
    const at = t + rampBudgetMs;
    t = at + busyMs;
    return { index: st.index, name: st.name, startAtEpochMs: at, rampBudgetMs, busyMs };
  });
}
