import { mulberry32, type Rng } from '../core/prng.js';

/**
 * When to send: a pacer yields the intended send times (ms offsets from the stage start) of
 * one worker's share of the stage rate. It knows nothing about sockets; the open model
 * comes from sending at these times whatever the target does.
 */
export interface Pacer {
  /** Offset (ms from the schedule start) of the next intended send; advances the pacer. */
  next(): number;
}

export interface PacerOptions {
  arrival: 'constant' | 'poisson';
  /** Total rate of the stage across all workers, req/s. */
  totalRate: number;
  workers: number;
  workerIndex: number;
  /** This worker's seed (the plan gives each worker its own: stage seed + worker index). */
  seed: number;
}

/**
 * Constant: worker w of W sends the global sequence numbers w, w+W, w+2W, ... of a stream
 * evenly spaced at 1/totalRate, so the merged stream of all workers is evenly spaced too.
 */
export function constantPacer(totalRate: number, workers: number, workerIndex: number): Pacer {
  const gapMs = 1000 / totalRate;
  let k = workerIndex;
  return { next: () => { const t = k * gapMs; k += workers; return t; } };
}

/**
 * Poisson: exponential gaps with mean workers/totalRate per worker; the superposition of
 * independent Poisson streams is a Poisson stream of the total rate. The first arrival is
 * one gap after the start (memoryless), as for any Poisson process.
 */
export function poissonPacer(totalRate: number, workers: number, rng: Rng): Pacer {
  const meanGapMs = (1000 * workers) / totalRate;
  let t = 0;
  // 1 - rng() is in (0, 1], so the log is finite.
  return { next: () => { t += -Math.log(1 - rng()) * meanGapMs; return t; } };
}

/** The pacer a worker uses for a stage. A rate of 0 never sends. */
export function createPacer(o: PacerOptions): Pacer {
  if (!(o.totalRate > 0)) return { next: () => Number.POSITIVE_INFINITY };
  return o.arrival === 'poisson'
    ? poissonPacer(o.totalRate, o.workers, mulberry32(o.seed))
    : constantPacer(o.totalRate, o.workers, o.workerIndex);
}

/** The first `n` offsets of a pacer (tests and tools). */
export function schedule(p: Pacer, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(p.next());
  return out;
}
