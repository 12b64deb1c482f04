import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Resolution of the event-loop delay monitor; subtracted from its readings (it measures timer period + delay). */
const ELD_RESOLUTION_MS = 2;

/**
 * A worker's own health during the measurement window: its CPU use (fraction of one core)
 * and the p99 of its event-loop delay. Read between begin() and end(); the judgement
 * against the limits is health.ts.
 */
export class HealthReadings {
  private readonly eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  private cpuStart: NodeJS.CpuUsage | null = null;
  private wallStart = 0;
  cpu = 0;
  eventLoopP99Ms = 0;

  get started(): boolean { return this.cpuStart !== null; }

  begin(): void {
    this.eld.reset();
    this.eld.enable();
    this.cpuStart = process.cpuUsage();
    this.wallStart = performance.now();
  }

  end(): void {
    if (this.cpuStart === null) this.begin();
    const used = process.cpuUsage(this.cpuStart!);
    const wall = performance.now() - this.wallStart;
    this.cpu = wall > 0 ? (used.user + used.system) / 1000 / wall : 0;
    this.eld.disable();
    const p99 = this.eld.count > 0 ? this.eld.percentile(99) / 1e6 : 0;
    this.eventLoopP99Ms = Math.max(0, p99 - ELD_RESOLUTION_MS);
  }
}
