import { StallRecorder } from './stall-recorder.js';

/**
 * A worker's own health during the measurement window: its CPU use (fraction of one core)
 * and its event-loop stalls (stall-recorder.ts). Read between begin() and end(); the
 * judgement against the limits is health.ts.
 */
export class HealthReadings {
  private readonly stalls = new StallRecorder();
  private cpuStart: NodeJS.CpuUsage | null = null;
  private wallStart = 0;
  cpu = 0;
  eventLoopP99Ms = 0;
  /** Longest event-loop gap over the window AND the drain (set by finish()). */
  eventLoopMaxMs = 0;
  /** Gaps longer than LONG_GAP_MS over the window and the drain, ms (set by finish()). */
  longGapsMs: number[] = [];
  /** Long gaps not kept (list full); the bound then falls back to the max. */
  longGapsDropped = 0;

  get started(): boolean { return this.cpuStart !== null; }

  begin(): void {
    this.stalls.start();
    this.cpuStart = process.cpuUsage();
    this.wallStart = performance.now();
  }

  end(): void {
    if (this.cpuStart === null) this.begin();
    const used = process.cpuUsage(this.cpuStart!);
    const wall = performance.now() - this.wallStart;
    this.cpu = wall > 0 ? (used.user + used.system) / 1000 / wall : 0;
    // p99 over the window; the probe keeps running through the drain (see finish)
    this.eventLoopP99Ms = this.stalls.delayP99Ms();
  }

  /**
   * After the drain. Max and long gaps over the window AND the drain: responses to requests
   * intended in the window can be stamped during the drain, so a stall there is part of the
   * lag bound.
   */
  finish(): void {
    if (this.cpuStart === null) return;
    this.stalls.stop();
    this.eventLoopMaxMs = this.stalls.maxMs();
    this.longGapsMs = [...this.stalls.long];
    this.longGapsDropped = this.stalls.dropped;
  }
}
