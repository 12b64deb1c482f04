/**
 * A rotating Bloom filter: two generations of `capacity` entries each, so memory is fixed
 * (2 x m bits) however many distinct keys go through it. When the current generation
 * holds `capacity` keys it becomes the previous one and a cleared array takes its place;
 * a key is remembered for at least `capacity` and at most `2 x capacity` later inserts.
 *
 * Sizing per generation (the textbook optimum): m = -n ln p / (ln 2)^2 bits and
 * k = (m / n) ln 2 hash functions, for n = capacity and p = the configured rate. A lookup
 * asks both generations, so its false-positive rate is at most 1 - (1 - p)^2 (about 2p)
 * when both are full, and lower while the current one fills.
 */
export interface BloomSizing {
  /** Bits per generation. */
  readonly bits: number;
  /** Hash functions. */
  readonly hashes: number;
  /** Bytes held by both generations. */
  readonly bytes: number;
  /** Worst-case false-positive rate of a lookup (both generations full). */
  readonly worstFalsePositiveRate: number;
}

/** Bits and hash count for `capacity` keys per generation at false-positive rate `p`. */
export function bloomSizing(capacity: number, p: number): BloomSizing {
  const bits = Math.max(64, Math.ceil((-capacity * Math.log(p)) / (Math.LN2 * Math.LN2)));
  const words = Math.ceil(bits / 32);
  const hashes = Math.max(1, Math.round((bits / capacity) * Math.LN2));
  return { bits: words * 32, hashes, bytes: words * 4 * 2, worstFalsePositiveRate: 1 - (1 - p) ** 2 };
}

export class RotatingBloom {
  readonly sizing: BloomSizing;
  private current: Uint32Array;
  private previous: Uint32Array;
  private inserted = 0;
  private rotationsValue = 0;

  constructor(private readonly capacity: number, falsePositiveRate: number) {
    this.sizing = bloomSizing(capacity, falsePositiveRate);
    this.current = new Uint32Array(this.sizing.bits / 32);
    this.previous = new Uint32Array(this.sizing.bits / 32);
  }

  /** Generations retired so far. */
  get rotations(): number { return this.rotationsValue; }

  /** Might `key` have been added (in either generation)? false = certainly not. */
  has(key: string): boolean {
    const [h1, h2] = hash2(key);
    return this.probe(this.current, h1, h2) || this.probe(this.previous, h1, h2);
  }

  /** Remember `key`; rotates when the current generation is full. */
  add(key: string): void {
    if (this.inserted >= this.capacity) {
      const old = this.previous;
      this.previous = this.current;
      old.fill(0);
      this.current = old;
      this.inserted = 0;
      this.rotationsValue++;
    }
    const [h1, h2] = hash2(key);
    const bits = this.sizing.bits;
    for (let i = 0; i < this.sizing.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const idx = bit % bits;
      this.current[idx >>> 5]! |= 1 << (idx & 31);
    }
    this.inserted++;
  }

  private probe(arr: Uint32Array, h1: number, h2: number): boolean {
    const bits = this.sizing.bits;
    for (let i = 0; i < this.sizing.hashes; i++) {
      const idx = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
      if ((arr[idx >>> 5]! & (1 << (idx & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * Two independent 32-bit hashes of a string (FNV-1a and a murmur3-style mix with another
 * seed), combined as h1 + i*h2 (Kirsch-Mitzenmacher double hashing) for the k indexes.
 * Not cryptographic: the keys are tokens an attacker already chose, and the worst an
 * engineered collision does is send a token to full verification.
 */
function hash2(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16; a = Math.imul(a, 0x85ebca6b); a ^= a >>> 13;
  b ^= b >>> 13; b = Math.imul(b, 0xc2b2ae35); b ^= b >>> 16;
  return [a >>> 0, (b | 1) >>> 0];
}
