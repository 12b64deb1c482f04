import { type Histogram, newHistogram, recordUs } from '../core/hdr.js';

/** Period of the probe timer; every reading is one period plus however late the timer fired. */
export const STALL_PROBE_MS = 2;
/**
 * Gaps longer than this are kept one by one for the lag bound (lag-bound.ts). A shorter gap
 * delays a response by less than this, so the bound never needs it individually.
 */
export const LONG_GAP_MS = STALL_PROBE_MS + 0.5;
/** At most this many long gaps are kept (a 2 ms probe makes at most 30,000 a minute); past it the bound falls back to the longest gap. */
const MAX_KEPT = 200_000;

/**
 * The worker's event-loop stalls, as the gaps between consecutive firings of a 2 ms probe
 * timer. A response that reaches the socket during a gap of length g is stamped at most g
 * late, so the gaps are the receive side of the generator's error (docs/metrics.md,
 * "Generator lag bound"). One owner for every event-loop figure: the histogram gives the
 * delay p99 (period subtracted) and the max (raw); the long gaps, kept one by one, give the
 * share of time during which a response could be stamped more than b late.
 *
 * A JS interval rather than perf_hooks.monitorEventLoopDelay because the monitor keeps only
 * a histogram, and the bound needs the lengths of the individual long gaps.
 */
export class StallRecorder {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  readonly gaps: Histogram = newHistogram();
  /** Gaps longer than LONG_GAP_MS, ms, raw (period included). */
  readonly long: number[] = [];
  /** Long gaps not kept because the list was full (the bound then uses the max). */
  dropped = 0;

  get running(): boolean { return this.timer !== null; }

  start(): void {
    this.stop();
    this.gaps.reset();
    this.long.length = 0;
    this.dropped = 0;
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), STALL_PROBE_MS);
    this.timer.unref();
  }

  /** Reads up to now, then stops the probe. */
  stop(): void {
    if (this.timer === null) return;
    this.tick();
    clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = performance.now();
    const gap = now - this.last;
    this.last = now;
    recordUs(this.gaps, gap * 1000);
    if (gap > LONG_GAP_MS) {
      if (this.long.length < MAX_KEPT) this.long.push(gap);
      else this.dropped++;
    }
  }

  /** Delay p99 in ms over what was recorded so far, the probe's own period subtracted. */
  delayP99Ms(): number {
    return this.gaps.totalCount === 0 ? 0 : Math.max(0, this.gaps.getValueAtPercentile(99) / 1000 - STALL_PROBE_MS);
  }

  /** Longest gap so far, raw (an over-statement of the longest stall, as the bound needs). */
  maxMs(): number {
    return this.gaps.totalCount === 0 ? 0 : this.gaps.maxValue / 1000;
  }
}
