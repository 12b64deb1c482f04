/**
 * Seeded pseudo-random numbers, shared by the pacers, the mock upstreams' latency models
 * and the gate's trial order and bootstrap: the same seed gives the same sequence in every
 * process and on every machine, so schedules, upstream behaviour and gate verdicts can be
 * reproduced. mulberry32 is tiny, fast and good enough for this (not for cryptography).
 */
export type Rng = () => number;

/** Largest seed: mulberry32 keeps 32 bits, so a larger one would be silently truncated. */
export const MAX_SEED = 0xffff_ffff;

/** Is `v` a seed every generator uses as given (a whole number 0..2^32-1)? */
export function isSeed(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SEED;
}

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

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Integer uniformly drawn from the inclusive range [lo, hi]. */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Standard normal variate (Box-Muller; one value per call keeps it stateless). */
export function normal(rand: Rng): number {
  // 1 - u keeps the log argument in (0, 1]: rand() may return exactly 0.
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
