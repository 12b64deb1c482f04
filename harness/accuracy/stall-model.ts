import { rankPercentile } from './percentile.js';

/**
 * The analytic answer to wrk2's stall experiment. Requests are intended every 1/rate; the
 * target answers each one `baseMs` after it reaches it, except that between `stallStartMs`
 * and `stallStartMs + stallMs` nothing is answered. A correct open-model generator records
 * every request's latency from its intended time, so the distribution is fixed by the
 * schedule alone:
 *
 * - with unlimited connections: a request intended at t whose answer was not out when the
 *   stall began waits until it ends, latency max(base, stallEnd - t); everything else sees
 *   base. Over a window D that is a mixture: with probability 1 - S/D the base latency, with
 *   probability S/D uniform on (base, S + base]. Quantile q(p) = max(base, S + base - (1-p) D).
 * - with K connections: requests beyond the K held on the wire wait in the generator's FIFO
 *   and drain K at a time after the stall, each taking `baseMs`; `expectedLatencies`
 *   simulates that queue exactly (a deterministic K-server FIFO), still from intended times.
 * - with a target of finite capacity C: after the stall the generator releases its whole
 *   backlog at once, and the target works through it at C requests per second while new
 *   ones keep arriving at the rate; at 20k req/s the drain moves the tail by tens of ms.
 *   The target is then one FIFO server in front of the base latency.
 */
export interface StallScenario {
  /** Constant arrivals, req/s. */
  rate: number;
  /** Measurement window: requests intended at k/rate for every k with k/rate < durationMs. */
  durationMs: number;
  /** Stall start, ms from the window start (the intended-time axis). */
  stallStartMs: number;
  stallMs: number;
  /** What one request costs the target outside the stall (its latency model plus transport). */
  baseMs: number;
  /** Connections available to the generator (default unlimited). */
  connections?: number;
  /**
   * `hold`: the mock upstream's stall control, which holds any answer not yet sent until the
   * stall ends. `freeze`: SIGSTOP/SIGCONT, which freezes the process, so a request that
   * arrived during the freeze still needs its `baseMs` after the process resumes.
   */
  mode?: 'hold' | 'freeze';
  /**
   * Requests per second the target can process (default unlimited). A request starts when
   * it reaches the target or when the one before it has taken its 1/C, whichever is later,
   * and is answered `baseMs` after it started. Below capacity nothing queues at constant
   * arrivals, so this changes only the drain after the stall. A frozen target (SIGSTOP)
   * starts nothing until it resumes; a held one (`hold`) keeps processing, holding answers.
   */
  capacityRps?: number;
}

/** Every request's expected latency (ms, from its intended time), ascending. */
export function expectedLatencies(s: StallScenario): number[] {
  const gap = 1000 / s.rate;
  const k = Math.max(1, Math.min(s.connections ?? Number.POSITIVE_INFINITY, 1_000_000));
  const ts = s.stallStartMs;
  const te = s.stallStartMs + s.stallMs;
  const unlimited = !Number.isFinite(s.connections ?? Number.POSITIVE_INFINITY);
  const free: number[] = unlimited ? [] : new Array<number>(k).fill(Number.NEGATIVE_INFINITY);
  const mode = s.mode ?? 'hold';
  const perRequest = s.capacityRps !== undefined && s.capacityRps > 0 && Number.isFinite(s.capacityRps) ? 1000 / s.capacityRps : 0;
  let serverFree = Number.NEGATIVE_INFINITY;
  const out: number[] = [];
  for (let i = 0; i * gap < s.durationMs; i++) {
    const t = i * gap;
    let slot = -1;
    let d = t;
    if (!unlimited) {
      // FIFO: the request goes on the connection that frees first (ties: lowest index).
      slot = 0;
      for (let j = 1; j < k; j++) if (free[j]! < free[slot]!) slot = j;
      d = Math.max(t, free[slot]!);
    }
    // dispatch times never decrease (FIFO over the earliest-free connection), so the
    // target's queue serves requests in this loop's order
    let start = Math.max(d, serverFree);
    if (perRequest > 0 && mode === 'freeze' && start >= ts && start < te) start = te;
    serverFree = start + perRequest;
    const done = completion(start, s.baseMs, ts, te, mode);
    if (slot >= 0) free[slot] = done;
    out.push(done - t);
  }
  return out.sort((a, b) => a - b);
}

/** When a request dispatched at `d` completes, given the stall window [ts, te). */
function completion(d: number, base: number, ts: number, te: number, mode: 'hold' | 'freeze'): number {
  const ready = d + base;
  if (ready <= ts || d >= te) return ready; // answered before the stall, or sent after it
  if (mode === 'hold') return Math.max(ready, te);
  // freeze: time the process spent frozen does not count towards the remaining base latency
  return d < ts ? te + (ready - ts) : te + base;
}

/** Closed-form quantile (p in 0..1) of the unlimited-connection mixture distribution. */
export function mixtureQuantile(p: number, s: Pick<StallScenario, 'durationMs' | 'stallMs' | 'baseMs'>): number {
  return Math.max(s.baseMs, s.stallMs + s.baseMs - (1 - p) * s.durationMs);
}

/** Expected percentile `p` (0-100) of a scenario, by the HdrHistogram rank definition. */
export function expectedPercentile(s: StallScenario, p: number): number {
  return rankPercentile(expectedLatencies(s), p);
}

/** How many requests are intended inside the stall (their answers cannot be out before it ends). */
export function stalledCount(s: StallScenario): number {
  return expectedLatencies({ ...s, connections: undefined }).filter((x) => x > s.baseMs + 1e-9).length;
}
