import { encodeHistogram, mergeEncoded, newHistogram, recordUs, type Histogram } from '../../core/hdr.js';
import { mulberry32 } from '../../core/prng.js';
import { REPORTED_PERCENTILES, rankPercentile } from './percentile.js';

/**
 * The merge property the whole report rests on: percentiles of per-worker histograms merged
 * with `add` (after travelling as compressed base64) equal those of one histogram that saw
 * every sample, and both agree with the exact sample percentiles to HdrHistogram's
 * precision (3 significant digits). Averaging per-worker percentiles does not.
 */
export interface MergeComparison {
  samples: number;
  parts: number;
  /** Per reported percentile: merged, single, exact (µs) and the average of per-part percentiles. */
  rows: Array<{ label: string; merged: number; single: number; exact: number; averaged: number }>;
  mergedCount: number;
}

/** Seeded log-normal latencies in µs (median ~2 ms, long tail), as real latency data looks. */
export function syntheticLatenciesUs(n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i += 2) {
    // Box-Muller: two normals per pair of uniforms
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    for (const z of [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)]) if (out.length < n) out.push(Math.round(Math.exp(Math.log(2000) + 0.9 * z)));
  }
  return out;
}

// p100 through getValueAtPercentile (the max bucket's highest equivalent value) on every
// side: `maxValue` of a decoded histogram is rebuilt from its buckets, not the raw maximum
const at = (h: Histogram, p: number): number => h.getValueAtPercentile(p);

/** Split `samples` over `parts` histograms at random (seeded, uneven), merge, and compare. */
export function compareMerge(samples: readonly number[], parts: number, seed: number): MergeComparison {
  const rng = mulberry32(seed);
  const hs = Array.from({ length: parts }, () => newHistogram());
  const single = newHistogram();
  for (const s of samples) {
    // uneven split: part i gets weight i + 1
    const x = rng() * ((parts * (parts + 1)) / 2);
    let i = 0;
    for (let acc = 1; x >= acc && i < parts - 1; acc += i + 2) i++;
    recordUs(hs[i]!, s);
    recordUs(single, s);
  }
  const merged = mergeEncoded(hs.map(encodeHistogram));
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples: samples.length, parts, mergedCount: merged.totalCount,
    rows: REPORTED_PERCENTILES.map(({ label, p }) => ({
      label, merged: at(merged, p), single: at(single, p), exact: rankPercentile(sorted, p),
      averaged: hs.filter((h) => h.totalCount > 0).reduce((a, h) => a + at(h, p), 0) / hs.filter((h) => h.totalCount > 0).length,
    })),
  };
}
