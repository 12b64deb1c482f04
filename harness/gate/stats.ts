import { type Rng, mulberry32, randInt } from '../../core/prng.js';

/**
 * The statistics of the relative gate: paired log-ratios, their median, and a seeded
 * percentile bootstrap over pairs. Medians (not means) because one disturbed trial on a
 * shared 2-core runner must not move the verdict; log-ratios so that +10% and -10% are
 * symmetric and ratios compose.
 */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Quantile q in [0,1] of a list, linear interpolation between order statistics (R type 7). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty list');
  const s = [...values].sort((a, b) => a - b);
  return quantileSorted(s, q);
}

function quantileSorted(s: readonly number[], q: number): number {
  const h = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export type Direction = 'lower' | 'higher';

/**
 * Paired log-ratio oriented so that a positive value always means "candidate is worse":
 * ln(cand/base) when lower is better (latency), ln(base/cand) when higher is better
 * (throughput). null when either value cannot be compared (missing, zero, negative).
 */
export function pairedLogRatio(base: number | null | undefined, cand: number | null | undefined, better: Direction): number | null {
  if (base == null || cand == null || !Number.isFinite(base) || !Number.isFinite(cand) || base <= 0 || cand <= 0) return null;
  return better === 'lower' ? Math.log(cand / base) : Math.log(base / cand);
}

export interface BootstrapInterval {
  /** exp(median of the log-ratios): the typical "times worse" factor (1 = no change). */
  ratio: number;
  /** One-sided lower bound at `confidence` (exp of the (1-c) quantile of bootstrap medians). */
  lower: number;
  /** One-sided upper bound at `confidence` (exp of the c quantile of bootstrap medians). */
  upper: number;
  confidence: number;
  resamples: number;
  seed: number;
  n: number;
}

/**
 * Percentile bootstrap of the median log-ratio: resample the pairs with replacement
 * `resamples` times (seeded), take each resample's median, and read the (1-c) and c
 * quantiles. Each bound is one-sided at `confidence`, so [lower, upper] together is a
 * two-sided interval at 2c-1 (90% for c = 0.95). Pairs stay pairs: the unit resampled is
 * the pair, which keeps the between-pair drift of a shared runner out of the interval.
 */
export function bootstrapMedianRatio(logRatios: readonly number[], opts: { resamples: number; confidence: number; seed: number }): BootstrapInterval {
  const n = logRatios.length;
  if (n === 0) throw new RangeError('bootstrap of an empty list');
  const rng: Rng = mulberry32(opts.seed);
  const meds = new Float64Array(opts.resamples);
  const buf = new Float64Array(n);
  for (let b = 0; b < opts.resamples; b++) {
    for (let i = 0; i < n; i++) buf[i] = logRatios[randInt(rng, n)]!;
    buf.sort();
    const mid = n >> 1;
    meds[b] = n % 2 === 1 ? buf[mid]! : (buf[mid - 1]! + buf[mid]!) / 2;
  }
  meds.sort();
  const sorted = Array.from(meds);
  return {
    ratio: Math.exp(median(logRatios)),
    lower: Math.exp(quantileSorted(sorted, 1 - opts.confidence)),
    upper: Math.exp(quantileSorted(sorted, opts.confidence)),
    confidence: opts.confidence,
    resamples: opts.resamples,
    seed: opts.seed,
    n,
  };
}
