/**
 * Leak verdicts from a soak's per-window series. The slope is Theil-Sen (median of the
 * pairwise slopes), so one noisy window on a shared machine cannot make or hide a trend;
 * the first minute (JIT, pools, caches warming up) is left out.
 */

export interface Drift {
  /** Change per minute, in the series' unit. */
  slopePerMin: number;
  /** Fitted change over the windows used, as a fraction of their median. */
  drift: number;
  points: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `series`: [minute, value]; null values are skipped. Null when fewer than 3 points remain. */
export function theilSenDrift(series: ReadonlyArray<readonly [number, number | null]>, skipBeforeMin = 1): Drift | null {
  const pts = series.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]) && p[0] > skipBeforeMin);
  if (pts.length < 3) return null;
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) if (pts[j]![0] !== pts[i]![0]) slopes.push((pts[j]![1] - pts[i]![1]) / (pts[j]![0] - pts[i]![0]));
  const slope = median(slopes);
  const span = pts[pts.length - 1]![0] - pts[0]![0];
  const level = median(pts.map((p) => p[1]));
  return { slopePerMin: slope, drift: level > 0 ? (slope * span) / level : 0, points: pts.length };
}
