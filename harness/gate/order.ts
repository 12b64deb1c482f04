import { mulberry32, deriveSeed } from '../../core/prng.js';

/**
 * Trial order of the relative gate: randomized ABBA blocks. Within a block of two pairs
 * the variants run A B B A or B A A B (picked with the seeded Rng), so a slow drift of the
 * runner (thermal, a neighbour VM, page cache) hits base and candidate equally, and the
 * variant that runs first in a pair alternates, cancelling first-run effects.
 */

export type Variant = 'base' | 'candidate';

export interface PlannedTrial {
  /** Position in the whole gate's run sequence (0-based, over every stage). */
  index: number;
  pair: number;
  /** 0 = first in its pair, 1 = second. */
  position: 0 | 1;
  variant: Variant;
  /** Load-generator seed; both trials of a pair share it so they offer the same requests. */
  seed: number;
  /** 1 = first stage of the gate, 2 = confirmation. */
  gateStage: 1 | 2;
}

/**
 * Plan `pairs` pairs starting at pair number `firstPair` (trial index `firstIndex`).
 * Deterministic in (seed, gateStage). An odd count ends with a single pair whose order is
 * also drawn, so balance is exact for even counts and off by one pair at most otherwise.
 */
export function planTrials(opts: { pairs: number; seed: number; gateStage: 1 | 2; firstPair?: number; firstIndex?: number }): PlannedTrial[] {
  const rng = mulberry32(deriveSeed(opts.seed, `order/${opts.gateStage}`));
  const firstPair = opts.firstPair ?? 0;
  let index = opts.firstIndex ?? 0;
  const out: PlannedTrial[] = [];
  const push = (pair: number, first: Variant): void => {
    const second: Variant = first === 'base' ? 'candidate' : 'base';
    const seed = deriveSeed(opts.seed, `pair/${pair}`);
    out.push({ index: index++, pair, position: 0, variant: first, seed, gateStage: opts.gateStage });
    out.push({ index: index++, pair, position: 1, variant: second, seed, gateStage: opts.gateStage });
  };
  for (let p = 0; p < opts.pairs; p += 2) {
    const abba = rng() < 0.5;
    const a: Variant = abba ? 'base' : 'candidate';
    const b: Variant = abba ? 'candidate' : 'base';
    push(firstPair + p, a);
    if (p + 1 < opts.pairs) push(firstPair + p + 1, b);
  }
  return out;
}

/** The order as a compact string like "ABBA BAAB" (A = base, B = candidate) for logs and reports. */
export function orderString(trials: readonly PlannedTrial[]): string {
  const letters = trials.map((t) => (t.variant === 'base' ? 'A' : 'B'));
  const blocks: string[] = [];
  for (let i = 0; i < letters.length; i += 4) blocks.push(letters.slice(i, i + 4).join(''));
  return blocks.join(' ');
}
