import { FINE_TIMER_DEFAULTS, FineTimer } from './fine-timer.js';
import type { Pacer } from './pacer.js';

/** Most sends in one turn of the event loop before yielding to I/O. */
const BATCH = 256;
/** After the schedule's end, how long a behind generator may keep catching up before the rest counts as not sent. */
const SEND_GRACE_MS = 1000;

/**
 * One worker's send schedule for a stage: the pacer's intended send times, on the
 * performance.now() clock, from the shared start through warm-up to the end of the window.
 *
 * Timer strategy: a FineTimer to the next due time (millisecond timer, then polling the
 * clock for the last millisecond within a CPU budget), then everything due is issued in
 * one go (at most BATCH per turn of the event loop, so responses keep being read when the
 * generator falls behind). The send lag left is measured and reported, not hidden.
 */
export class Schedule {
  readonly t0: number;
  /** Start of the measurement window (end of warm-up). */
  readonly tMeasure: number;
  readonly tEnd: number;
  private nextIntended: number;
  private readonly timer: FineTimer;
  private stopped = false;

  constructor(
    private readonly pacer: Pacer,
    startEpochMs: number,
    warmupMs: number,
    durationMs: number,
    private readonly on: {
      /** Every due send, with its intended time. */
      issue: (intended: number, now: number) => void;
      /** Every intended send the schedule did not get to (counted as intended, not sent). */
      unsent: (intended: number) => void;
      /** Once, when the schedule has nothing more to send. */
      stopped: () => void;
    },
    /** Fraction of the time the fine timer may spin (0: millisecond timers only). */
    spinBudget: number = FINE_TIMER_DEFAULTS.budget,
  ) {
    this.timer = new FineTimer(() => this.tick(), { ...FINE_TIMER_DEFAULTS, budget: spinBudget });
    this.t0 = startEpochMs - performance.timeOrigin;
    this.tMeasure = this.t0 + warmupMs;
    this.tEnd = this.tMeasure + durationMs;
    this.nextIntended = this.t0 + this.pacer.next();
  }

  get done(): boolean { return this.stopped; }

  /** Time the fine timer has spent polling the clock so far (ms): the CPU cost of fine pacing. */
  get polledMs(): number { return this.timer.polledMs; }

  /** How far the next send is overdue (ms; 0 once the schedule stopped). */
  behindMs(now: number): number {
    return this.stopped ? 0 : now - this.nextIntended;
  }

  start(): void {
    this.timer.at(this.nextIntended >= this.tEnd ? performance.now() : this.nextIntended);
  }

  private readonly tick = (): void => {
    if (this.stopped) return;
    let n = 0;
    let now = performance.now();
    while (this.nextIntended <= now) {
      if (this.nextIntended >= this.tEnd) break;
      if (now > this.tEnd + SEND_GRACE_MS) { this.stop(); return; }
      this.on.issue(this.nextIntended, now);
      this.nextIntended = this.t0 + this.pacer.next();
      if (++n >= BATCH) { setImmediate(this.tick); return; }
      now = performance.now();
    }
    if (this.nextIntended >= this.tEnd) { this.stop(); return; }
    this.timer.at(this.nextIntended);
  };

  /**
   * No more sends: whatever the schedule still held counts as intended but not sent. An
   * aborted stage passes countRest = false: it is reported as such, and counting the rest
   * of a long schedule could take seconds.
   */
  stop(countRest = true): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer.cancel();
    while (countRest && this.nextIntended < this.tEnd) {
      this.on.unsent(this.nextIntended);
      this.nextIntended = this.t0 + this.pacer.next();
    }
    this.on.stopped();
  }
}
