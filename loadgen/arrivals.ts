import { exponentialCdf, ksCritical, ksStatistic } from '../core/ks.js';

/**
 * Whether the sends of a Poisson stage really had exponential gaps. Each worker keeps a
 * sample of the gaps between its successive sends in the window, in units of its planned
 * mean gap (workers / rate), so every worker's gaps are Exp(1) if pacing was exact and the
 * workers' samples can be pooled. The coordinator runs one Kolmogorov-Smirnov test on the
 * pool against Exp(1): the rate is the planned one, not estimated, so the classical
 * critical values apply. Millisecond timers fail this at a few hundred req/s (gaps come in
 * whole milliseconds); a generator that sent in bursts fails it too.
 *
 * A failed check is a flag (`generator.arrivals.ok = false`), not a reason to call the
 * stage invalid: latency is measured from the intended times either way; what differs is
 * the shape of the load the target saw.
 */

/** Most gaps a worker keeps; beyond this it keeps every k-th gap (still independent Exp(1)). */
export const MAX_GAPS_PER_WORKER = 4000;
/** Significance of the check: a stage paced exactly is flagged 1 time in 1000. */
export const ARRIVALS_ALPHA = 0.001;
/** Fewer gaps than this make a KS test too weak to mean anything: not checked. */
export const MIN_GAPS = 50;

export class GapSampler {
  private last = -1;
  private seen = 0;
  readonly gaps: number[] = [];
  private readonly stride: number;

  /** `expected` = sends the worker plans in the window; `meanGapMs` = its planned mean gap. */
  constructor(expected: number, private readonly meanGapMs: number) {
    this.stride = Math.max(1, Math.ceil(expected / MAX_GAPS_PER_WORKER));
  }

  /** A send at `t` (ms, performance.now()). */
  record(t: number): void {
    if (this.last >= 0 && this.seen++ % this.stride === 0 && this.gaps.length < MAX_GAPS_PER_WORKER) {
      this.gaps.push(Math.round(((t - this.last) / this.meanGapMs) * 1e5) / 1e5);
    }
    this.last = t;
  }
}

export interface ArrivalsCheck { ks: number; critical: number; ok: boolean }

/** KS of the pooled normalised gaps against Exp(1); null when there are too few to judge. */
export function checkArrivals(pooledGaps: readonly number[]): ArrivalsCheck | null {
  if (pooledGaps.length < MIN_GAPS) return null;
  const ks = ksStatistic(pooledGaps, exponentialCdf(1));
  const critical = ksCritical(pooledGaps.length, ARRIVALS_ALPHA);
  return { ks: Math.round(ks * 1e5) / 1e5, critical: Math.round(critical * 1e5) / 1e5, ok: ks <= critical };
}
