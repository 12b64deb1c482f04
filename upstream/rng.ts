/**
 * Seeded pseudo-random numbers so a latency model replays the same sequence for the
 * same seed: two runs of a scenario see the same upstream behaviour.
 */

/** mulberry32: tiny, fast, good enough for latency jitter (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive a per-instance seed from the run seed and a name (FNV-1a), so instances differ but stay reproducible. */
export function deriveSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Standard normal variate from a uniform source (Box-Muller; one value per call keeps it stateless). */
export function normal(rand: () => number): number {
  // 1 - u keeps the log argument in (0, 1]: rand() may return exactly 0.
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
