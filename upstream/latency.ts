import { normal } from '../core/prng.js';

/** How long an upstream instance waits before answering. All values in milliseconds. */
export type LatencyModel =
  | { model: 'constant'; ms: number }
  | { model: 'uniform'; min: number; max: number }
  | { model: 'lognormal'; p50: number; p99: number };

/** z-score of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/** mu and sigma of the log-normal distribution whose median is p50 and 99th percentile is p99. */
export function lognormalParams(p50: number, p99: number): { mu: number; sigma: number } {
  const mu = Math.log(p50);
  return { mu, sigma: (Math.log(p99) - mu) / Z99 };
}

/** A function returning one latency sample (ms) per call, drawn from `model` with the given uniform source. */
export function makeSampler(model: LatencyModel, rand: () => number): () => number {
  switch (model.model) {
    case 'constant': {
      const ms = model.ms;
      return () => ms;
    }
    case 'uniform': {
      const { min, max } = model;
      return () => min + rand() * (max - min);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(model.p50, model.p99);
      return () => Math.exp(mu + sigma * normal(rand));
    }
  }
}

/** One-line human description, used in logs and stats. */
export function describeLatency(model: LatencyModel): string {
  switch (model.model) {
    case 'constant': return `constant ${model.ms}ms`;
    case 'uniform': return `uniform ${model.min}..${model.max}ms`;
    case 'lognormal': return `lognormal p50=${model.p50}ms p99=${model.p99}ms`;
  }
}
