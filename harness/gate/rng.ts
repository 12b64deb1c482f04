/**
 * Seeded pseudo-random numbers for the gate. The gate must be reproducible: the same seed
 * gives the same trial order and the same bootstrap interval on any machine, so a verdict
 * can be re-derived from gate.json. mulberry32 is small, fast and good enough for
 * resampling indices (not for cryptography).
 */

export type Rng = () => number;

/** A generator of floats in [0, 1) fully determined by a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive an independent 32-bit seed from a base seed and a label (FNV-1a over both). */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  h = Math.imul(h, 0x01000193) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Integer in [0, n) from an Rng. */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
