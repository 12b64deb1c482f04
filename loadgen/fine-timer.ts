/**
 * A timer finer than Node's millisecond timers. libuv timers fire on whole milliseconds and
 * late by up to ~1 ms, which quantises Poisson gaps (they stop being exponential on the
 * wire at a few hundred req/s) and leaves ~1 ms of send lag. This one sleeps with
 * setTimeout until about `leadMs` before the due time; then, on the next turn of the event
 * loop (after its I/O poll, so responses already received are read first), it spins on
 * `performance.now()` (a monotonic high-resolution clock, like process.hrtime) until the
 * time comes.
 *
 * Why a blocking spin, with pauses between clock reads, and not a chain of setImmediate
 * polls: polling allocates (an Immediate per turn, a boxed double per clock read), and a
 * millisecond of polling is hundreds of turns. Measured: 500 sends/s for 3 s with
 * setImmediate polling caused 217 garbage collections against 3 with millisecond timers;
 * in workers holding 16k sockets each, those scavenges were themselves the send lag. The
 * spin allocates next to nothing. Its cost: a response that arrives during a spin is read when
 * the spin ends, up to `leadMs` later (and that delay is in its latency and service time).
 *
 * Spinning burns CPU, so it has a budget, a token bucket: spin time accrues at `budget` ms
 * per ms of wall time (capped at a few leads), so at most that fraction of the time is
 * spent spinning, spread evenly; without tokens it falls back to a plain millisecond
 * timer. The spin time is reported (`polledMs`) and stays in the worker's CPU figure.
 */

export interface FineTimerOptions {
  /** Wake this long before the due time and spin the rest (ms). */
  leadMs: number;
  /** Most of the wall time spent spinning, as a fraction (0 disables spinning). */
  budget: number;
}

/**
 * Defaults: wake 1.1 ms early (a millisecond timer fires up to ~1 ms late); spin at most 30%
 * of the time. Tuned on a quiet machine (loadgen/README.md "Timer strategy"): at 500 req/s
 * Poisson from one worker, a 1.5 ms lead needed more spinning than the budget allows and
 * the gaps on the wire failed KS (D 0.10 against 0.036); 1.1 ms spins 24% of the time and
 * passes (D 0.022-0.024, three runs); 1.0 ms fails (the timer is sometimes later than that).
 */
export const FINE_TIMER_DEFAULTS: Readonly<FineTimerOptions> = Object.freeze({ leadMs: 1.1, budget: 0.3 });

/** Most spin time saved up, in leads (a quiet spell does not buy a long spinning burst). */
const BUCKET_LEADS = 4;

/**
 * A few microseconds of work between clock reads (16384 integer adds, ~5 µs here).
 * performance.now() returns a boxed double when not inlined: read back to back, a 1 ms
 * spin allocated megabytes (measured: 174 GCs in 3 s at 500 sends/s; 89 with a read every
 * 0.1 µs; ~10 with a read every ~1 µs, against 3 with millisecond timers alone). At 100k
 * held connections a read every ~1 µs still left one 13 MB scavenge per worker every ~9 s;
 * 5 µs is far below the millisecond scale this timer exists for.
 */
let sink = 0;
function pause(): void {
  let x = sink;
  for (let i = 0; i < 16384; i++) x = (x + i) | 0;
  sink = x;
}

export class FineTimer {
  private due = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private tokens = 0;
  private refilled = performance.now();
  /** Total ms spent spinning since creation. */
  polledMs = 0;

  constructor(private readonly fn: () => void, private readonly o: FineTimerOptions = FINE_TIMER_DEFAULTS) {}

  /** Run `fn` once at `due` (a performance.now() time), never before it and never inside this call; replaces any earlier arrangement. */
  at(due: number): void {
    this.cancel();
    this.due = due;
    this.arrange(performance.now());
  }

  cancel(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.immediate !== null) { clearImmediate(this.immediate); this.immediate = null; }
  }

  private arrange(now: number): void {
    const wait = this.due - now;
    if (wait > this.o.leadMs) this.timer = setTimeout(this.wake, Math.floor(wait - this.o.leadMs));
    else if (wait <= 0 || this.mayPoll(now)) this.immediate = setImmediate(this.spin); // one object per send, not per turn
    else this.timer = setTimeout(this.wake, Math.floor(wait)); // out of budget: millisecond precision
  }

  private readonly wake = (): void => {
    this.timer = null;
    this.arrange(performance.now());
  };

  private readonly spin = (): void => {
    this.immediate = null;
    const start = performance.now();
    let now = start;
    while (now < this.due && now - start < this.tokens) { pause(); now = performance.now(); }
    const spent = now - start;
    this.polledMs += spent;
    this.tokens -= spent;
    if (now >= this.due) this.fn();
    else this.timer = setTimeout(this.wake, Math.floor(this.due - now)); // budget ran out mid-spin
  };

  private mayPoll(now: number): boolean {
    if (this.o.budget <= 0) return false;
    this.tokens = Math.min(BUCKET_LEADS * this.o.leadMs, this.tokens + (now - this.refilled) * this.o.budget);
    this.refilled = now;
    return this.tokens > 0;
  }
}
