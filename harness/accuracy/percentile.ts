/**
 * Percentiles of exact value lists, defined the way HdrHistogram reads them: the value at
 * rank ceil(p/100 * n) of the sorted values (rank 1 at least), so p100 is the maximum.
 * Using the same definition on both sides keeps "expected" and "measured" comparable.
 */

/** Value at percentile `p` (0-100) of ascending `sorted`; NaN for an empty list. */
export function rankPercentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n - 1e-9)));
  return sorted[rank - 1]!;
}

/** The percentiles every latency table of the suite shows. */
export const REPORTED_PERCENTILES: ReadonlyArray<{ label: string; p: number }> = [
  { label: 'p50', p: 50 }, { label: 'p90', p: 90 }, { label: 'p99', p: 99 }, { label: 'p99.9', p: 99.9 }, { label: 'max', p: 100 },
];
