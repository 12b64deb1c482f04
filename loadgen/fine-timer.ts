/**
 * A timer finer than Node's millisecond timers. libuv timers fire on whole milliseconds and
 * late by up to ~1 ms, which quantises Poisson gaps (they stop being exponential on the
 * wire at a few hundred req/s) and leaves ~1 ms of send lag. This one sleeps with
 * setTimeout until about `leadMs` before the due time, then polls `performance.now()`
 * (a high-resolution clock, like process.hrtime) from setImmediate turns until the time
 * comes: each turn still runs the poll phase, so responses keep being read while it waits
 * (a blocking spin would stamp them late).
 *
 * Polling burns CPU, so it has a budget, a token bucket: polling time accrues at `budget`
 * ms per ms of wall time (capped at a few leads), so at most that fraction of the time is
 * spent spinning, spread evenly; without tokens it falls back to a plain millisecond
 * timer. Only empty turns are charged (two polls less than EMPTY_TURN_MS apart): a turn
 * that took longer was reading responses, which is load, not waiting. So at high rates,
 * where the loop is busy anyway, polling stays cheap and precise; at low rates it is the
 * spinning that is limited. The charged time is reported (`polledMs`) and stays in the
 * worker's CPU figure.
 */

export interface FineTimerOptions {
  /** Wake this long before the due time and poll the rest (ms). */
  leadMs: number;
  /** Most of each second spent polling, as a fraction (0 disables polling). */
  budget: number;
}

/** Defaults: wake 1 ms early; poll at most 25% of each second. */
export const FINE_TIMER_DEFAULTS: Readonly<FineTimerOptions> = Object.freeze({ leadMs: 1, budget: 0.25 });

/** Most polling time saved up, in leads (a quiet spell does not buy a long polling burst). */
const BUCKET_LEADS = 4;
/** A poll turn shorter than this did nothing else (an empty libuv turn is a few µs); ms. */
const EMPTY_TURN_MS = 0.02;

export class FineTimer {
  private due = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pollStart = -1;
  private lastTurn = 0;
  private pollCharged = 0;
  private tokens = 0;
  private refilled = performance.now();
  /** Total ms spent polling since creation. */
  polledMs = 0;

  constructor(private readonly fn: () => void, private readonly o: FineTimerOptions = FINE_TIMER_DEFAULTS) {}

  /** Run `fn` once at `due` (a performance.now() time), replacing any earlier arrangement. */
  at(due: number): void {
    this.cancel();
    this.due = due;
    this.arrange(performance.now());
  }

  cancel(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.immediate !== null) { clearImmediate(this.immediate); this.immediate = null; }
    this.endPoll(performance.now());
  }

  private arrange(now: number): void {
    const wait = this.due - now;
    if (wait <= 0) { this.immediate = setImmediate(this.poll); return; } // due: next turn, never synchronously
    if (wait > this.o.leadMs) { this.timer = setTimeout(this.wake, Math.floor(wait - this.o.leadMs)); return; }
    if (this.mayPoll(now)) {
      if (this.pollStart < 0) { this.pollStart = now; this.lastTurn = now; this.pollCharged = 0; }
      this.immediate = setImmediate(this.poll);
      return;
    }
    this.timer = setTimeout(this.wake, Math.floor(wait)); // over budget: millisecond precision
  }

  private readonly wake = (): void => {
    this.timer = null;
    this.arrange(performance.now());
  };

  private readonly poll = (): void => {
    this.immediate = null;
    const now = performance.now();
    if (now >= this.due) { this.fire(now); return; }
    const turn = now - this.lastTurn;
    this.lastTurn = now;
    if (turn < EMPTY_TURN_MS) this.pollCharged += turn;
    if (this.pollCharged < this.tokens) {
      this.immediate = setImmediate(this.poll);
      return;
    }
    this.endPoll(now);
    this.timer = setTimeout(this.wake, Math.floor(this.due - now));
  };

  private fire(now: number): void {
    this.endPoll(now);
    this.fn();
  }

  private mayPoll(now: number): boolean {
    if (this.o.budget <= 0) return false;
    this.tokens = Math.min(BUCKET_LEADS * this.o.leadMs, this.tokens + (now - this.refilled) * this.o.budget);
    this.refilled = now;
    return this.tokens > 0;
  }

  private endPoll(now: number): void {
    if (this.pollStart < 0) return;
    const turn = now - this.lastTurn;
    const d = this.pollCharged + (turn < EMPTY_TURN_MS ? turn : 0);
    this.pollStart = -1;
    this.polledMs += d;
    this.tokens -= d;
  }
}
