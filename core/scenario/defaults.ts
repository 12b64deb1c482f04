import type { UpstreamSpec } from './types.js';

/**
 * Defaults for everything a scenario may leave out. Upstream defaults follow the feed
 * scenario of the seed article: small JSON payloads with a long-tailed latency.
 */
export const DEFAULT_UPSTREAMS: readonly UpstreamSpec[] = [
  { name: 'user-status', instances: 1, weights: [1], latency: { model: 'lognormal', p50Ms: 2, p99Ms: 10 }, bodyBytes: 256, errorRate: 0, errorStatus: 500 },
  { name: 'barrage', instances: 1, weights: [1], latency: { model: 'lognormal', p50Ms: 3, p99Ms: 15 }, bodyBytes: 1024, errorRate: 0, errorStatus: 500 },
  { name: 'user', instances: 1, weights: [1], latency: { model: 'lognormal', p50Ms: 2, p99Ms: 8 }, bodyBytes: 512, errorRate: 0, errorStatus: 500 },
  { name: 'interact', instances: 2, weights: [80, 20], latency: { model: 'lognormal', p50Ms: 3, p99Ms: 12 }, bodyBytes: 128, errorRate: 0, errorStatus: 500 },
];

export const DEFAULTS = {
  target: { impl: 'reference', workers: 'auto' as const },
  auth: { alg: 'HS256' as const, tokens: 1000, ttl: '1h' },
  variables: { uid: [1, 100000] as [number, number], room_id: [1, 5000] as [number, number] },
  request: { method: 'GET', weight: 1, bodySize: 0, auth: 'valid' as const },
  load: {
    arrival: 'poisson' as const, seed: 1, engine: 'gw-bench' as const, connectionSelection: 'round-robin' as const, connectRate: '5000/s', workers: 'auto' as const,
    warmup: '5s', duration: '20s', requestTimeout: '10s', maxQueue: 10000,
  },
  capacity: { min: '200/s', max: '20k/s', probes: 6, probeDuration: '4s' },
  slo: { p99: '100ms', errorRate: '0.1%' },
  // Limits chosen from loadgen calibration on 2-core machines: past these the schedule was not kept.
  generator: { maxSendLagP99: '10ms', maxEventLoopP99: '25ms', maxCpu: '95%' },
  gate: { pairs: 8, confirmPairs: 8, seed: 1 },
  placement: { gateway: 'auto', upstreams: 'auto', generator: 'auto' },
};
