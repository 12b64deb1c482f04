import type { Scenario, StageSpec } from '../core/scenario/types.js';
import type { StagePlan, TokenPool } from '../loadgen/types.js';

/** The generator's plan for one stage (or one capacity probe): plain data, sent to workers as is. */
export function stagePlan(s: Scenario, stage: StageSpec, target: { host: string; port: number }, tokens: TokenPool, over: { rate?: number; durationMs?: number; warmupMs?: number; seedOffset?: number } = {}): StagePlan {
  const rate = over.rate ?? (stage.rate === 'capacity' ? s.load.capacity.minRps : stage.rate);
  return {
    index: stage.index,
    name: stage.name,
    target,
    connections: stage.connections,
    rate,
    arrival: s.load.arrival,
    // Each stage (and probe) gets its own seed derived from the scenario's, so runs repeat exactly.
    seed: s.load.seed * 1000 + stage.index * 37 + (over.seedOffset ?? 0),
    connectRate: s.load.connectRate,
    warmupMs: over.warmupMs ?? stage.warmupMs,
    durationMs: over.durationMs ?? stage.durationMs,
    requestTimeoutMs: s.load.requestTimeoutMs,
    maxQueue: s.load.maxQueue,
    requests: s.requests.map((r) => ({ name: r.name, weight: r.weight, method: r.method, path: r.path, headers: { ...r.headers }, bodyBytes: r.bodyBytes, auth: r.auth })),
    tokens,
    variables: { uid: [...s.variables.uid], room_id: [...s.variables.room_id] },
    health: { maxSendLagP99Ms: s.generator.maxSendLagP99Ms, maxEventLoopP99Ms: s.generator.maxEventLoopP99Ms, maxCpu: s.generator.maxCpu },
    engine: s.load.engine,
    connectionSelection: s.load.connectionSelection,
  };
}
