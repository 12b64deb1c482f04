import type { TargetWarmup } from '../core/result.js';
import type { TargetWarmupSpec } from '../core/scenario/types.js';
import { stageAtRate, type LoadGenerator } from '../loadgen/index.js';
import type { LoadPlan, PlannedStage } from '../loadgen/index.js';
import type { TokenPool } from '../loadgen/types.js';
import { bindStage } from './plan.js';
import { errorTotal } from './stage-result.js';

/**
 * `target.warmup`: load sent to the target once, before the first stage, so a JIT, the
 * token caches and the upstream pools are warm alike for every implementation (issue 16:
 * the JVM's first-stage errors were its warm-up). It runs on the first stage's
 * connections and workers at the warm-up rate, as one window with no warm-up of its own,
 * and is counted nowhere: every stage reads its counters and histograms at its own window
 * edges, so nothing sent here can reach a stage, a histogram or the verdict. Only what was
 * run is recorded (result.json `warmup`).
 */
export async function runTargetWarmup(o: {
  lg: LoadGenerator; plan: LoadPlan; first: PlannedStage; spec: TargetWarmupSpec;
  dest: { host: string; port: number }; tokens: TokenPool; signal?: AbortSignal;
  /** The most connections the target holds (impl.json); a first stage beyond it is not reached, the warm-up stays within it. */
  maxConnections?: number | null;
}): Promise<TargetWarmup> {
  const connections = Math.min(o.first.connections, o.maxConnections ?? Infinity);
  const stage = stageAtRate(o.plan, { ...o.first, connections }, o.spec.rps, { durationMs: o.spec.durationMs, warmupMs: 0 });
  const m = await o.lg.runStage(bindStage(o.plan, stage, o.dest, o.tokens), { signal: o.signal });
  const errors = errorTotal(m.errors);
  return {
    durationMs: o.spec.durationMs, rps: o.spec.rps, connections,
    requests: m.requests, errors, errorRate: m.requests > 0 ? errors / m.requests : null,
  };
}
