import { deriveSeed, mulberry32, randInt } from '../../core/prng.js';
import type { Calibration, CalibrationMetric, Comparison } from './report-model.js';
import { median, quantile } from './stats.js';

/**
 * A/A calibration: the base against itself measures how much two identical builds differ
 * on this machine. The suggested fail limit is at least 2x the 95th percentile of |ln R|
 * for a gate of the configured size (R = median ratio over `gatePairs` pairs, drawn from
 * the A/A pairs with replacement), so noise alone crosses it rarely.
 */

const roundUpPct = (f: number): number => Math.ceil(f * 100 - 1e-9) / 100;

/** 95th percentile of |median log-ratio| over `resamples` simulated gates of `gatePairs` pairs. */
export function gateNoiseP95(logRatios: readonly number[], gatePairs: number, resamples: number, seed: number): number {
  const rng = mulberry32(seed);
  const meds: number[] = new Array(resamples);
  const buf: number[] = new Array(gatePairs);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < gatePairs; i++) buf[i] = logRatios[randInt(rng, logRatios.length)]!;
    meds[b] = Math.abs(median(buf));
  }
  return quantile(meds, 0.95);
}

/** Build the calibration section from A/A comparisons. */
export function calibrate(comparisons: readonly Comparison[], opts: { gatePairs: number; resamples: number; seed: number }): Calibration {
  const metrics: CalibrationMetric[] = [];
  const suggestions: string[] = [];
  for (const c of comparisons) {
    const r = c.logRatios.filter((x): x is number => x !== null);
    const base = { stage: c.stage, stageName: c.stageName, metric: c.metric, pairs: r.length, gatePairs: opts.gatePairs, currentFail: c.fail, aaVerdict: c.verdict };
    if (r.length < 3) {
      metrics.push({ ...base, p95AbsLogPair: null, p95AbsLogGate: null, suggestedWarn: null, suggestedFail: null });
      continue;
    }
    const pair = quantile(r.map(Math.abs), 0.95);
    const gate = gateNoiseP95(r, opts.gatePairs, opts.resamples, deriveSeed(opts.seed, `calibrate/${c.stage}/${c.metric}`));
    // Never suggest below 1%: a limit inside the rounding of the numbers themselves is meaningless.
    const suggestedWarn = Math.max(0.01, roundUpPct(Math.exp(gate) - 1));
    const suggestedFail = Math.max(0.02, roundUpPct(Math.exp(2 * gate) - 1), suggestedWarn);
    metrics.push({ ...base, p95AbsLogPair: pair, p95AbsLogGate: gate, suggestedWarn, suggestedFail });
    const verdict = suggestedFail > 1 ? `noise alone exceeds the largest allowed limit (100%): this metric cannot be gated on this machine as it is now`
      : suggestedFail > c.fail ? `raise fail to at least ${(suggestedFail * 100).toFixed(0)}% (now ${(c.fail * 100).toFixed(0)}%)` : `current fail ${(c.fail * 100).toFixed(0)}% is above the noise (needs >= ${(suggestedFail * 100).toFixed(0)}%)`;
    suggestions.push(`stage ${c.stageName} ${c.metric}: A/A noise p95 |ln R| = ${gate.toFixed(4)} (single pair ${pair.toFixed(4)}); suggest warn ${(suggestedWarn * 100).toFixed(0)}%, fail ${(suggestedFail * 100).toFixed(0)}%: ${verdict}${c.verdict === 'regression' || c.verdict === 'inconclusive' ? `; the A/A run itself came out ${c.verdict}` : ''}`);
  }
  return { pairs: Math.max(0, ...metrics.map((m) => m.pairs)), metrics, suggestions };
}
