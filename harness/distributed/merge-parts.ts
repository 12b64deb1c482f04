import type { Sample } from '../sampler.js';
import { Sampler } from '../sampler.js';
import type { ClockOffset } from './clock.js';
import type { AgentStage } from './types.js';

/** What the merge knows of each agent (written to distributed.json). */
export interface AgentSummary {
  agent: number;
  dir: string;
  hostname: string;
  workers: number;
  clock: { before: ClockOffset | null; after: ClockOffset | null };
  stages: AgentStage[];
}

/**
 * The merge runs after the fact, away from the target: nothing target-side (RSS, heap,
 * upstream and kernel counters) was sampled. An empty sampler makes every such field null
 * with its reason ("no target pid"), never 0.
 */
export function noTargetSampler(): Sampler {
  return new Sampler({ pid: null, metricsUrl: null, upstreamStats: null, heapMetrics: [] });
}

export function noTargetSample(): Sample {
  return { at: 0, rssBytes: null, processes: null, cpuSeconds: null, heap: null, gateway: null, upstream: null, kernel: { listenOverflows: null, listenDrops: null, retransSegs: null, timeWait: null } };
}

/** Largest |offset| of any agent before or after its stages (ms), or null with why. */
export function worstOffset(agents: readonly AgentSummary[]): { ms: number | null; note: string } {
  const all = agents.flatMap((a) => [a.clock.before, a.clock.after]).filter((c): c is ClockOffset => c !== null);
  if (all.length === 0) return { ms: null, note: 'not measured: the plan had no --clock-url, so each agent took its own clock as the coordinator\'s' };
  const worst = all.reduce((a, b) => (Math.abs(b.offsetMs) > Math.abs(a.offsetMs) ? b : a));
  return { ms: Math.abs(worst.offsetMs), note: `largest |coordinator - agent| offset measured (known to within ±${(worst.rttMs / 2).toFixed(3)} ms); stage starts are aligned to it, latencies are each agent's own` };
}
