import { decodeHistogram, mergeEncoded, percentileMs, type Histogram } from '../../core/hdr.js';

/**
 * HdrHistogram helpers for the report. Result histograms are compressed base64 in
 * microseconds; the report speaks milliseconds. Percentiles are always read from a
 * (merged) histogram, never averaged across stages or workers.
 */

/** Decode one compressed base64 histogram; null for an empty string. */
export function decodeHdr(b64: string | null | undefined): Histogram | null {
  return b64 ? decodeHistogram(b64) : null;
}

/** Merge compressed histograms into one (counts added, so percentiles stay exact to HDR precision). */
export function mergeHdrs(list: Array<string | null | undefined>): Histogram | null {
  const present = list.filter((b): b is string => Boolean(b));
  return present.length ? mergeEncoded(present) : null;
}

/** Position of percentile p (0..1) on the "nines" axis: 0 -> 0, 0.9 -> 1, 0.99 -> 2, 0.999 -> 3. */
export function ninesX(p: number): number {
  return -Math.log10(1 - p);
}

/** Inverse of ninesX. */
export function percentileAtNines(x: number): number {
  return 1 - 10 ** -x;
}

/** The nines axis runs 0 -> 99.99 %; the max is drawn just past it. */
export const NINES_MAX_X = 4;
export const MAX_MARK_X = 4.3;

/**
 * Latency (ms) by percentile for the nines axis, sampled every `step` nines from 0 to
 * 99.99 %. Points are {x: ninesX(p), y: ms}; exact at whole nines (x = 1 -> p90, 2 -> p99...).
 */
export function percentileSpectrum(h: Histogram, step = 0.05): Array<{ x: number; y: number }> {
  const points: Array<{ x: number; y: number }> = [];
  const n = Math.round(NINES_MAX_X / step);
  for (let i = 0; i <= n; i++) {
    const x = +(i * step).toFixed(6);
    const p = percentileAtNines(x) * 100;
    points.push({ x, y: percentileMs(h, p) ?? 0 });
  }
  return points;
}
