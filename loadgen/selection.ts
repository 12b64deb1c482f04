import { mulberry32, type Rng } from '../core/prng.js';

/**
 * Which idle connection the next request goes out on. The choice decides what a stage
 * measures: with `lifo` a few hot connections carry every request and the rest sit idle
 * (the target is measured holding idle sockets); with `round-robin` the connection idle
 * longest goes next, so once rate x window >= connections every held connection carries
 * its share, as wrk2 gives each connection its own slice of the rate.
 *
 *   round-robin  FIFO of idle connections (default)
 *   random       a uniformly drawn idle connection (seeded: runs repeat)
 *   lifo         the most recently freed connection (the old behaviour; fewest sockets warm)
 */
export type ConnectionSelection = 'round-robin' | 'random' | 'lifo';
export const CONNECTION_SELECTIONS: readonly ConnectionSelection[] = ['round-robin', 'random', 'lifo'];
export const DEFAULT_CONNECTION_SELECTION: ConnectionSelection = 'round-robin';

/** The idle connections of a pool, in the order a policy hands them out. */
export interface IdleSet<T> {
  readonly size: number;
  push(x: T): void;
  /** The next connection by the policy, or undefined when none is idle. */
  take(): T | undefined;
  clear(): void;
  /** Every member, in hand-out order where the policy has one (for switching policy). */
  drain(): T[];
}

/** Stack: last freed, first out. */
class LifoSet<T> implements IdleSet<T> {
  private readonly a: T[] = [];
  get size(): number { return this.a.length; }
  push(x: T): void { this.a.push(x); }
  take(): T | undefined { return this.a.pop(); }
  clear(): void { this.a.length = 0; }
  drain(): T[] { const out = this.a.reverse().slice(); this.a.length = 0; return out; }
}

/**
 * Ring buffer FIFO: O(1) push and take without shifting arrays, and one slot array that
 * grows by doubling (100k held connections cost one 100k-slot array, not 100k nodes).
 */
class FifoSet<T> implements IdleSet<T> {
  private buf: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private n = 0;
  get size(): number { return this.n; }
  push(x: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & (this.buf.length - 1)] = x;
    this.n++;
  }
  take(): T | undefined {
    if (this.n === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.n--;
    return x;
  }
  clear(): void { this.buf = new Array<T | undefined>(16); this.head = 0; this.n = 0; }
  drain(): T[] { const out: T[] = []; for (let x = this.take(); x !== undefined; x = this.take()) out.push(x); return out; }
  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.n; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}

/** Uniform draw: swap the drawn slot with the last and pop, O(1). */
class RandomSet<T> implements IdleSet<T> {
  private readonly a: T[] = [];
  constructor(private readonly rng: Rng) {}
  get size(): number { return this.a.length; }
  push(x: T): void { this.a.push(x); }
  take(): T | undefined {
    const n = this.a.length;
    if (n === 0) return undefined;
    const i = Math.floor(this.rng() * n);
    const x = this.a[i]!;
    this.a[i] = this.a[n - 1]!;
    this.a.pop();
    return x;
  }
  clear(): void { this.a.length = 0; }
  drain(): T[] { const out = this.a.slice(); this.a.length = 0; return out; }
}

/** An empty idle set for a policy; `seed` fixes the random policy's draws. */
export function createIdleSet<T>(policy: ConnectionSelection, seed = 1): IdleSet<T> {
  switch (policy) {
    case 'lifo': return new LifoSet<T>();
    case 'random': return new RandomSet<T>(mulberry32(seed));
    default: return new FifoSet<T>();
  }
}
