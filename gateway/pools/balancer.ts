/**
 * Smooth weighted round-robin (nginx's algorithm): deterministic, spreads picks evenly
 * (80/20 gives a,a,b,a,a,... not a×80 then b×20), and exact over any multiple of the
 * weight total, which is what the contract's ±5 point split check wants.
 */
export class SmoothWeightedBalancer<T> {
  private readonly items: readonly T[];
  private readonly weights: readonly number[];
  private readonly current: number[];
  private readonly total: number;

  constructor(entries: readonly { item: T; weight: number }[]) {
    if (entries.length === 0) throw new Error('balancer needs at least one entry');
    this.items = entries.map((e) => e.item);
    this.weights = entries.map((e) => e.weight);
    this.current = entries.map(() => 0);
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }

  /** Next item to use. */
  pick(): T {
    if (this.items.length === 1) return this.items[0]!;
    let best = 0;
    for (let i = 0; i < this.current.length; i++) {
      this.current[i]! += this.weights[i]!;
      if (this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.total;
    return this.items[best]!;
  }
}
