import type { BreakerConfig, GatewayConfig } from '../config/types.js';
import { CircuitBreaker, type Breaker, type BreakerFactory, type BreakerState } from './breaker.js';

/**
 * One breaker per upstream service across all cluster workers (contract §5 speaks of the
 * service, not of a process). The primary holds the real CircuitBreaker per service and
 * decides; workers hold mirrors that answer `tryAcquire` locally (no IPC on the hot
 * path) and report outcomes. Successes are only reported while a failure streak is
 * running, so a healthy service costs no messages at all.
 *
 * A failure's answer to the client waits for the primary's acknowledgement (one IPC round
 * trip, failures only). When the failure changed the state, the primary acknowledges only
 * after every worker confirmed the new state, so by the time a client sees the failure
 * that opened the breaker, no worker will still let a call through.
 */

/** Worker → primary: the outcome of one upstream call (`seq` counts this worker's reports). */
export interface BreakerEventMsg { type: 'gwb:breaker-event'; service: string; failed: boolean; seq: number }
/** Primary → the reporting worker: every report up to `seq` has been applied (and broadcast). */
export interface BreakerAckMsg { type: 'gwb:breaker-ack'; seq: number }

/** How long a worker waits for an acknowledgement before answering anyway. */
const ACK_TIMEOUT_MS = 200;
/** Primary → workers: the service's breaker state; with `ackId`, the worker confirms it applied it. */
export interface BreakerUpdateMsg { type: 'gwb:breaker-update'; service: string; state: 'open' | 'closed'; openForMs: number; streak: boolean; ackId?: number }
/** Worker → primary: update `ackId` is in force here. */
export interface BreakerUpdateAckMsg { type: 'gwb:breaker-update-ack'; ackId: number }

/** Primary side: the deciding breakers, fed by worker events. */
export class BreakerAuthority {
  private readonly entries = new Map<string, { key: string; breaker: CircuitBreaker; streak: boolean }>();

  constructor(private readonly broadcast: (u: BreakerUpdateMsg) => void, private readonly now: () => number = Date.now) {}

  /** (Re)build breakers for the services of `config`; unchanged ones keep their state. */
  configure(config: GatewayConfig): void {
    const key = JSON.stringify(config.breaker);
    for (const name of Object.keys(config.upstreams)) {
      const old = this.entries.get(name);
      if (old && old.key === key) continue;
      this.entries.set(name, { key, breaker: new CircuitBreaker(config.breaker, () => {}, this.now), streak: false });
      if (old) this.broadcast({ type: 'gwb:breaker-update', service: name, state: 'closed', openForMs: 0, streak: false });
    }
  }

  /** Apply one worker's outcome report. */
  onEvent(e: BreakerEventMsg): void {
    const entry = this.entries.get(e.service);
    if (!entry) return;
    const b = entry.breaker;
    const before = b.state;
    // While open, only an outcome arriving after the cool-down counts (it is a probe's);
    // earlier ones belong to calls that started before the breaker opened.
    if (b.state !== 'closed' && !b.tryAcquire()) return;
    if (e.failed) b.onFailure(); else b.onSuccess();
    const streak = b.streak > 0;
    if (b.state === before && streak === entry.streak && before !== 'open') return;
    entry.streak = streak;
    this.broadcast(this.update(e.service, entry.breaker));
  }

  /** Current non-closed states, for a worker that just started. */
  snapshot(): BreakerUpdateMsg[] {
    return [...this.entries].filter(([, e]) => e.breaker.state !== 'closed' || e.streak).map(([name, e]) => this.update(name, e.breaker));
  }

  private update(service: string, b: CircuitBreaker): BreakerUpdateMsg {
    const open = b.state !== 'closed';
    return {
      type: 'gwb:breaker-update', service,
      state: open ? 'open' : 'closed',
      openForMs: open ? Math.max(0, b.openedAtMs + (this.cfgCooldown(service)) - this.now()) : 0,
      streak: b.streak > 0,
    };
  }

  private cfgCooldown(service: string): number {
    return (JSON.parse(this.entries.get(service)!.key) as BreakerConfig).cooldownMs;
  }
}

/** Worker side: mirrors of the primary's breakers, one per service. */
export class BreakerMirrors {
  private readonly mirrors = new Map<string, MirrorBreaker>();
  private sent = 0;
  private acked = 0;
  private readonly waiters: { seq: number; resolve: () => void }[] = [];

  constructor(private readonly sendRaw: (e: BreakerEventMsg) => void) {}

  /** Factory for startGateway's `breakers` option. */
  readonly factory: BreakerFactory = (service, cfg, onChange) => {
    const m = new MirrorBreaker(service, cfg, this, onChange);
    this.mirrors.set(service, m);
    return m;
  };

  /** Apply a state broadcast from the primary. */
  onUpdate(u: BreakerUpdateMsg): void { this.mirrors.get(u.service)?.apply(u); }

  /** The primary applied every report up to `seq` (acks arrive in order). */
  onAck(seq: number): void {
    this.acked = Math.max(this.acked, seq);
    while (this.waiters.length > 0 && this.waiters[0]!.seq <= this.acked) this.waiters.shift()!.resolve();
  }

  /** Report one outcome; returns its sequence number. */
  report(service: string, failed: boolean): number {
    const seq = ++this.sent;
    this.sendRaw({ type: 'gwb:breaker-event', service, failed, seq });
    return seq;
  }

  /** Resolves once report `seq` is acknowledged (or after a short timeout); null if it already is. */
  waitFor(seq: number): Promise<void> | null {
    if (seq <= this.acked) return null;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ACK_TIMEOUT_MS);
      this.waiters.push({ seq, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }
}

class MirrorBreaker implements Breaker {
  private stateValue: BreakerState = 'closed';
  private openUntil = 0;
  private streak = false;
  private probeAt = 0;
  private lastSeq = 0;

  constructor(
    private readonly service: string,
    private readonly cfg: BreakerConfig,
    private readonly hub: BreakerMirrors,
    private readonly onChange: (s: BreakerState) => void,
  ) {}

  get state(): BreakerState { return this.stateValue; }

  tryAcquire(): boolean {
    if (this.stateValue === 'closed') return true;
    const now = Date.now();
    if (now < this.openUntil) return false;
    // One probe per worker at a time; if the primary's verdict never comes, try again after a cool-down.
    if (this.probeAt !== 0 && now - this.probeAt < this.cfg.cooldownMs) return false;
    this.probeAt = now;
    this.set('half-open');
    return true;
  }

  onSuccess(): void {
    if (this.stateValue === 'closed' && !this.streak) return; // healthy fast path: nothing to report
    this.lastSeq = this.hub.report(this.service, false);
  }

  onFailure(): void {
    this.streak = true;
    this.lastSeq = this.hub.report(this.service, true);
  }

  release(): void { this.probeAt = 0; }

  synced(): Promise<void> | null { return this.hub.waitFor(this.lastSeq); }

  apply(u: BreakerUpdateMsg): void {
    this.probeAt = 0;
    this.streak = u.streak;
    if (u.state === 'open') { this.openUntil = Date.now() + u.openForMs; this.set('open'); } else this.set('closed');
  }

  private set(s: BreakerState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.onChange(s);
  }
}
