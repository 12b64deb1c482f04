import type { BootstrapInterval } from './stats.js';
import type { MetricLimits } from './settings.js';

/**
 * The decision table of one compared metric (docs/gate.md "Decision rule"). Pure: given
 * the bootstrap interval of the median ratio (oriented so > 1 means worse) and the
 * metric's limits, say what it is. A metric is only a regression when the *confirmed*
 * data says so; the first stage can at most make it suspect.
 */

export type MetricVerdict = 'pass' | 'warn' | 'suspect' | 'regression' | 'improvement' | 'inconclusive';

export interface Decision { verdict: MetricVerdict; reason: string }

/** Fewer usable pairs than this and no interval is trusted. */
export const MIN_PAIRS = 3;

const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;

/**
 * Decide one metric. `final` = no more data will come (confirmation done, or disabled):
 * a suspect metric then becomes a regression. `wasSuspect` = stage 1 flagged it, for the
 * reason text when confirmation clears it.
 */
export function decide(iv: BootstrapInterval, lim: MetricLimits, opts: { final: boolean; wasSuspect?: boolean }): Decision {
  const { ratio: R, lower: L, upper: U } = iv;
  const ci = `median ${pct(R)}, ${Math.round((2 * iv.confidence - 1) * 100)}% interval [${pct(L)}, ${pct(U)}] over ${iv.n} pairs`;
  if (iv.n < MIN_PAIRS) return { verdict: 'inconclusive', reason: `only ${iv.n} usable pair(s) (need ${MIN_PAIRS})` };
  if (R > 1 + lim.fail && L > 1) {
    return opts.final
      ? { verdict: 'regression', reason: `${ci}: worse than the fail limit +${(lim.fail * 100).toFixed(0)}% and the lower bound is above 1` }
      : { verdict: 'suspect', reason: `${ci}: beyond +${(lim.fail * 100).toFixed(0)}% with lower bound above 1; confirming` };
  }
  if (R < 1 / (1 + lim.fail) && U < 1) return { verdict: 'improvement', reason: `${ci}: better by more than the fail limit` };
  const cleared = opts.wasSuspect ? ' (suspect in stage 1, not confirmed)' : '';
  // Too noisy only when the noise reaches the fail limit: the gate asks "worse by more than
  // fail?", so an interval that is wide on the faster side but whose upper bound stays under
  // the limit has answered it (no regression that large, at the stated confidence).
  const wide = U / L > 1 + 2 * lim.fail;
  if (wide && U > 1 + lim.fail) return { verdict: 'inconclusive', reason: `${ci}: interval wider than 1+2x${lim.fail} = ${(1 + 2 * lim.fail).toFixed(2)}x and reaching past the fail limit, too noisy to decide${cleared}` };
  const wideNote = wide ? `; wide, but its upper bound is under the fail limit +${(lim.fail * 100).toFixed(0)}%` : '';
  if (R > 1 + lim.warn) return { verdict: 'warn', reason: `${ci}: beyond the warn limit +${(lim.warn * 100).toFixed(0)}%${wideNote}${cleared}` };
  return { verdict: 'pass', reason: `${ci}${wideNote}${cleared}` };
}
