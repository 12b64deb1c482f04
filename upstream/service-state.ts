import type { ServiceConfig } from './config.js';
import type { LatencyModel } from './latency.js';

/** Fault state of one service, shared by its instances; `restore()` returns to the configured values. */
export class ServiceState {
  latency: LatencyModel;
  errorRate: number;
  errorStatus: number;
  refusing = false;
  private stallEnd = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private stallGate: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Called when the latency model changes so instances rebuild their samplers. */
  onLatencyChange: (model: LatencyModel) => void = () => {};

  constructor(readonly name: string, readonly config: ServiceConfig) {
    this.latency = config.latency;
    this.errorRate = config.errorRate;
    this.errorStatus = config.errorStatus;
  }

  setLatency(model: LatencyModel): void {
    this.latency = model;
    this.onLatencyChange(model);
  }

  /** Hold every response not yet sent until `ms` from now; 0 releases a running stall at once. */
  stall(ms: number): void {
    if (ms <= 0) { this.releaseStall(); return; }
    if (!this.stallGate) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.stallGate = { promise, resolve };
    }
    clearTimeout(this.stallTimer);
    this.stallEnd = Date.now() + ms;
    this.stallTimer = setTimeout(() => this.releaseStall(), ms);
  }

  /** The promise a response must wait for, or undefined when no stall is active. */
  stallPromise(): Promise<void> | undefined {
    return this.stallGate?.promise;
  }

  /** Milliseconds left in the current stall (0 when none). */
  stallRemainingMs(): number {
    return this.stallGate ? Math.max(0, this.stallEnd - Date.now()) : 0;
  }

  releaseStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const gate = this.stallGate;
    this.stallGate = undefined;
    gate?.resolve();
  }

  /** Back to the configured latency and errors, no stall (refusal is undone by the caller, which owns the listeners). */
  restore(): void {
    this.releaseStall();
    this.errorRate = this.config.errorRate;
    this.errorStatus = this.config.errorStatus;
    this.setLatency(this.config.latency);
  }
}
