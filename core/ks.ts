/**
 * One-sample Kolmogorov-Smirnov test: the largest gap between the empirical CDF of the
 * samples and a fully specified CDF. The exponential's rate is the planned rate (not
 * estimated from the data), so the classical critical values apply unchanged.
 */

/** D_n = sup |F_n(x) - F(x)| over the samples. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const xs = [...samples].sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Critical value of D_n at significance `alpha`: c(alpha) / (sqrt(n) + 0.12 + 0.11/sqrt(n))
 * with c(alpha) = sqrt(-ln(alpha/2) / 2) (Stephens 1970; within 1% of the exact tables for n >= 5).
 */
export function ksCritical(n: number, alpha: number): number {
  const c = Math.sqrt(-Math.log(alpha / 2) / 2);
  const s = Math.sqrt(n);
  return c / (s + 0.12 + 0.11 / s);
}

/** CDF of the exponential distribution with `ratePerUnit` events per unit of x. */
export function exponentialCdf(ratePerUnit: number): (x: number) => number {
  return (x) => (x <= 0 ? 0 : 1 - Math.exp(-ratePerUnit * x));
}

/** Successive differences of ascending timestamps. */
export function gaps(times: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(times[i]! - times[i - 1]!);
  return out;
}
