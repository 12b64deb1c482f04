import type { BreakerConfig } from '../config/types.js';

export type BreakerState = 'closed' | 'open' | 'half-open';
/** Gauge encoding of the state for /metrics. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/** What the proxy and the fan-out need from a breaker (local, or mirrored from the cluster primary). */
export interface Breaker {
  readonly state: BreakerState;
  /** May a call go to the upstream now? A `true` in half-open makes this call the single probe. */
  tryAcquire(): boolean;
  /** Record a successful call (2xx-4xx response). */
  onSuccess(): void;
  /** Record a failed call (transport error, timeout, 5xx). */
  onFailure(): void;
  /** The call ended for a reason that says nothing about the upstream (client went away). */
  release(): void;
  /**
   * Resolves once the outcomes recorded so far are in force everywhere (cluster mirrors:
   * the primary acknowledged them); null when nothing is pending, which is always so
   * for a local breaker. Error answers wait for it so the next call sees an opened breaker.
   */
  synced?(): Promise<void> | null;
}

/** Builds the breaker of one service; `onChange` feeds the state gauge. */
export type BreakerFactory = (service: string, cfg: BreakerConfig, onChange: (s: BreakerState) => void) => Breaker;

/** Single-process default: each service's breaker lives in this process. */
export const localBreakers: BreakerFactory = (_service, cfg, onChange) => new CircuitBreaker(cfg, onChange);

/**
 * Circuit breaker of one upstream service (contract §5). Opens after N consecutive
 * failures (or, optionally, an error ratio over a window); stays open for the
 * cool-down; then lets exactly one probe through: success closes it, failure re-opens it.
 */
export class CircuitBreaker implements Breaker {
  private stateValue: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probeInFlight = false;
  // Error-rate window as two fixed buckets (current and previous), weighted by overlap:
  // O(1) per call and no timers, close enough for a trip decision.
  private bucketStart = 0;
  private cur = { total: 0, failed: 0 };
  private prev = { total: 0, failed: 0 };

  constructor(
    private readonly cfg: BreakerConfig,
    private readonly onChange: (state: BreakerState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState { return this.stateValue; }
  /** Failures in a row right now (0 after any success). */
  get streak(): number { return this.consecutive; }
  /** When the breaker last opened (epoch ms). */
  get openedAtMs(): number { return this.openedAt; }

  /** May a call go to the upstream now? A `true` in half-open makes this call the single probe. */
  tryAcquire(): boolean {
    if (this.stateValue === 'closed') return true;
    if (this.stateValue === 'open') {
      if (this.now() - this.openedAt < this.cfg.cooldownMs) return false;
      this.set('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Record a successful call (2xx-4xx response). */
  onSuccess(): void {
    this.count(false);
    this.consecutive = 0;
    if (this.stateValue === 'half-open') {
      this.probeInFlight = false;
      this.resetWindow();
      this.set('closed');
    }
  }

  /** Record a failed call (transport error, timeout, 5xx). */
  onFailure(): void {
    this.count(true);
    this.consecutive++;
    if (this.stateValue === 'half-open') { this.probeInFlight = false; this.trip(); return; }
    if (this.stateValue === 'closed' && (this.consecutive >= this.cfg.failures || this.rateTripped())) this.trip();
  }

  /** The call ended for a reason that says nothing about the upstream (client went away). */
  release(): void {
    if (this.stateValue === 'half-open' && this.probeInFlight) this.probeInFlight = false;
  }

  private trip(): void {
    this.openedAt = this.now();
    this.consecutive = 0;
    this.set('open');
  }

  private set(s: BreakerState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.onChange(s);
  }

  private count(failed: boolean): void {
    const er = this.cfg.errorRate;
    if (!er) return;
    const t = this.now();
    if (t - this.bucketStart >= er.windowMs) {
      this.prev = t - this.bucketStart >= 2 * er.windowMs ? { total: 0, failed: 0 } : this.cur;
      this.cur = { total: 0, failed: 0 };
      this.bucketStart = t - ((t - this.bucketStart) % er.windowMs);
    }
    this.cur.total++;
    if (failed) this.cur.failed++;
  }

  private rateTripped(): boolean {
    const er = this.cfg.errorRate;
    if (!er) return false;
    const w = Math.max(0, 1 - (this.now() - this.bucketStart) / er.windowMs);
    const total = this.cur.total + this.prev.total * w;
    const failed = this.cur.failed + this.prev.failed * w;
    return total >= er.minRequests && failed / total >= er.threshold;
  }

  private resetWindow(): void {
    this.cur = { total: 0, failed: 0 };
    this.prev = { total: 0, failed: 0 };
  }
}
