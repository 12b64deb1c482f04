import type { Scenario } from './types.js';

/**
 * `--quick`: the same scenario, scaled down to finish in under a minute (tests, CI).
 * Same shape (stages, mix, upstreams); 1/50 of the connections (at least 20 unless the
 * stage has fewer, at most 1000), at most 400 req/s, 1 s warm-up and 3 s measurement per stage, short capacity probes, a target warm-up of at most 2 s at 400 req/s.
 */
export function quickScenario(s: Scenario): Scenario {
  return Object.freeze({
    ...s,
    target: Object.freeze({ ...s.target, warmup: s.target.warmup && Object.freeze({ ...s.target.warmup, durationMs: Math.min(s.target.warmup.durationMs, 2000), rps: Math.min(s.target.warmup.rps, 400) }) }),
    load: Object.freeze({
      ...s.load,
      connectRate: Math.min(s.load.connectRate, 2000),
      stages: s.load.stages.map((st) => Object.freeze({
        ...st,
        connections: Math.min(st.connections, 1000, Math.max(20, Math.round(st.connections / 50))),
        rate: st.rate === 'capacity' ? 'capacity' as const : Math.min(st.rate, 400),
        warmupMs: Math.min(st.warmupMs, 1000),
        durationMs: Math.min(st.durationMs, 3000),
      })),
      capacity: Object.freeze({ ...s.load.capacity, maxRps: Math.min(s.load.capacity.maxRps, 2000), probes: Math.min(s.load.capacity.probes, 3), probeDurationMs: Math.min(s.load.capacity.probeDurationMs, 2000) }),
    }),
  });
}
