/**
 * Exact (Clopper-Pearson) interval of a binomial proportion: the rates in docs/gate-power.md
 * come from a few dozen gates, where a normal approximation is useless near 0% and 100%.
 * Found by bisection on the binomial tail, computed in log space (n up to a few thousand).
 */

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

/** The p in [0, 1] where a decreasing function f crosses `target`. */
function bisect(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided exact interval for k successes in n trials (default 95%). */
export function clopperPearson(k: number, n: number, confidence = 0.95): { lower: number; upper: number } {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`clopperPearson: need 0 <= k <= n, n >= 1 (got k=${k}, n=${n})`);
  const a = (1 - confidence) / 2;
  // lower: P(X >= k | p) = a, i.e. P(X <= k-1 | p) = 1 - a; upper: P(X <= k | p) = a.
  const lower = k === 0 ? 0 : bisect((p) => binomialCdf(k - 1, n, p), 1 - a);
  const upper = k === n ? 1 : bisect((p) => binomialCdf(k, n, p), a);
  return { lower, upper };
}

/** Smallest n at which 0 events in n trials bounds the rate below `rate` (upper bound, same confidence). */
export function trialsToBound(rate: number, confidence = 0.95): number {
  // With k = 0 the two-sided upper bound is 1 - (a)^(1/n), a = (1 - confidence) / 2.
  const a = (1 - confidence) / 2;
  return Math.ceil(Math.log(a) / Math.log(1 - rate));
}
