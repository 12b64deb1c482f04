import { encodeHistogram, newHistogram, percentileMs, recordUs, type Histogram } from '../core/hdr.js';
import type { WorkerInterval, WorkerResult } from './messages.js';
import { classifyStatus } from './status.js';

interface Interval { h: Histogram; count: number; errors: number }

/**
 * What one worker records during a stage: latency from the intended send time (whole
 * window and per 1-second interval), service time, send and schedule lag, error kinds and
 * the counters the health check and progress need. Everything is keyed by the request's
 * intended time, so a request belongs to the window it was meant to be sent in.
 */
export class StageRecording {
  private readonly firstInterval: number;
  private readonly intervals: Interval[] = [];
  private readonly latency = newHistogram();
  private readonly service = newHistogram();
  private readonly sendLag = newHistogram();
  /** Lateness of the pacer itself for every issued request, free connection or not. */
  private readonly scheduleLag = newHistogram();
  private recent = newHistogram();
  private readonly errors: Record<string, number> = {};

  private intendedWindow = 0;
  private issuedWindow = 0;
  private completedWindow = 0;
  issuedTotal = 0;
  completedTotal = 0;
  errorsTotal = 0;

  constructor(private readonly tMeasure: number, private readonly warmupMs: number, private readonly durationMs: number) {
    this.firstInterval = -Math.ceil(warmupMs / 1000);
    const last = Math.ceil(durationMs / 1000) - 1;
    for (let i = this.firstInterval; i <= last; i++) this.intervals.push({ h: newHistogram(), count: 0, errors: 0 });
  }

  /** A request the schedule issued at `now` (sent, queued or refused). */
  issued(intended: number, now: number): void {
    this.issuedTotal++;
    if (intended >= this.tMeasure) { this.issuedWindow++; this.intendedWindow++; recordUs(this.scheduleLag, (now - intended) * 1000); }
  }

  /** A request that found a free connection at issue time: its send lag. */
  sentImmediately(intended: number, now: number): void {
    if (intended >= this.tMeasure) recordUs(this.sendLag, (now - intended) * 1000);
  }

  /** An intended send the schedule never got to. */
  notSent(intended: number): void {
    if (intended >= this.tMeasure) this.intendedWindow++;
  }

  private interval(intended: number): Interval | undefined {
    return this.intervals[Math.floor((intended - this.tMeasure) / 1000) - this.firstInterval];
  }

  complete(intended: number, now: number, serviceMs: number, status: number, expect401: boolean): void {
    const latencyUs = (now - intended) * 1000;
    const iv = this.interval(intended);
    if (iv !== undefined) { recordUs(iv.h, latencyUs); iv.count++; }
    recordUs(this.recent, latencyUs);
    this.completedTotal++;
    const inWindow = intended >= this.tMeasure;
    if (inWindow) {
      this.completedWindow++;
      recordUs(this.latency, latencyUs);
      recordUs(this.service, serviceMs * 1000);
    }
    const kind = classifyStatus(status, expect401);
    if (kind === null) return;
    if (kind === 'expected_401') { if (inWindow) this.bump('expected_401'); return; }
    this.errorsTotal++;
    if (iv !== undefined) iv.errors++;
    if (inWindow) { this.bump(kind); this.bump(`status_${status}`); }
  }

  /** A request that got no response; timeouts still enter the latency histogram at the time they were given up. */
  fail(intended: number, kind: string, latencyMs: number | null): void {
    const inWindow = intended >= this.tMeasure;
    const iv = this.interval(intended);
    this.errorsTotal++;
    if (iv !== undefined) iv.errors++;
    if (latencyMs !== null) {
      if (iv !== undefined) { recordUs(iv.h, latencyMs * 1000); iv.count++; }
      if (inWindow) recordUs(this.latency, latencyMs * 1000);
    }
    if (inWindow) this.bump(kind);
  }

  private bump(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** p99 send lag so far (ms, 0 before any). */
  sendLagP99Ms(): number {
    return percentileMs(this.sendLag, 99) ?? 0;
  }

  /** Latencies recorded since the previous call, encoded; starts a new recent histogram. */
  takeRecent(): string {
    const out = encodeHistogram(this.recent);
    this.recent = newHistogram();
    return out;
  }

  /** The recorded part of a worker's result. */
  result(): Pick<WorkerResult, 'intended' | 'issued' | 'completed' | 'errors' | 'latencyHdr' | 'serviceHdr' | 'sendLagHdr' | 'scheduleLagHdr' | 'intervals'> {
    const intervals: WorkerInterval[] = this.intervals.map((iv, i) => {
      const index = i + this.firstInterval;
      return {
        index,
        startMs: Math.max(index * 1000, -this.warmupMs),
        endMs: index < 0 ? Math.min((index + 1) * 1000, 0) : Math.min((index + 1) * 1000, this.durationMs),
        hdr: encodeHistogram(iv.h),
        count: iv.count,
        errors: iv.errors,
      };
    });
    return {
      intended: this.intendedWindow,
      issued: this.issuedWindow,
      completed: this.completedWindow,
      errors: { ...this.errors },
      latencyHdr: encodeHistogram(this.latency),
      serviceHdr: encodeHistogram(this.service),
      sendLagHdr: encodeHistogram(this.sendLag),
      scheduleLagHdr: encodeHistogram(this.scheduleLag),
      intervals,
    };
  }
}
