import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './result.js';

/**
 * HdrHistogram helpers shared by the generator, the harness and the report. Everything is
 * recorded in microseconds into auto-resizing histograms with 3 significant digits,
 * travels between processes as compressed base64, and is merged with `add` (never by
 * averaging percentiles).
 */
export type Histogram = hdr.Histogram;

/** A new empty µs histogram with the settings every part of the load generator uses. */
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3 });
}

/** Compressed base64 of a histogram. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Histogram from compressed base64 ('' gives an empty histogram). */
export function decodeHistogram(b64: string): Histogram {
  if (b64 === '') return newHistogram();
  return hdr.decodeFromCompressedBase64(b64, 32, false);
}

/** One histogram holding every value of the encoded inputs. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const out = newHistogram();
  for (const e of encoded) if (e !== '') out.add(decodeHistogram(e));
  return out;
}

/**
 * Value at a percentile (0-100) in ms, or null when the histogram is empty. The one place
 * percentiles are read: every caller gets the same µs -> ms conversion and the same
 * empty-histogram rule (null, never 0).
 */
export function percentileMs(h: Histogram, percentile: number): number | null {
  return h.totalCount === 0 ? null : h.getValueAtPercentile(percentile) / 1000;
}

/** Highest recorded value in ms, or null when the histogram is empty. */
export function maxMs(h: Histogram): number | null {
  return h.totalCount === 0 ? null : h.maxValue / 1000;
}

/** Latency summary (ms) of a histogram recorded in µs; all zero with count 0 when empty (result.json keeps numbers there). */
export function summarizeMs(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  const at = (p: number): number => h.getValueAtPercentile(p) / 1000;
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: h.maxValue / 1000, mean: h.mean / 1000, count: h.totalCount };
}

/** Record a value in µs, clamped at 0 (clock steps between processes must not throw). */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us > 0 ? Math.round(us) : 0);
}
