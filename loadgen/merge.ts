import { encodeHistogram, mergeEncoded, percentileMs } from '../core/hdr.js';
import { healthReasons } from './health.js';
import { lagBound } from './lag-bound.js';
import { checkArrivals } from './arrivals.js';
import type { WorkerResult } from './messages.js';
import type { IntervalMeasurement, StageMeasurement, StagePlan } from './types.js';
import { DEFAULT_CONNECTION_SELECTION } from './selection.js';

/**
 * Joins the workers' results of one stage into a StageMeasurement. Histograms are added,
 * never averaged; counters are summed; health is judged on the merged send lag and on each
 * worker's own loop delay and CPU (one saturated worker is enough to distrust a stage).
 */

function sumInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Per-second intervals merged across workers, sorted by time. */
export function mergeIntervals(results: readonly WorkerResult[]): IntervalMeasurement[] {
  const byIndex = new Map<number, { startMs: number; endMs: number; hdrs: string[]; count: number; errors: number }>();
  for (const r of results) {
    for (const iv of r.intervals) {
      const e = byIndex.get(iv.index) ?? { startMs: iv.startMs, endMs: iv.endMs, hdrs: [], count: 0, errors: 0 };
      e.hdrs.push(iv.hdr);
      e.count += iv.count;
      e.errors += iv.errors;
      byIndex.set(iv.index, e);
    }
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([index, e]) => ({
    startMs: e.startMs,
    endMs: e.endMs,
    phase: index < 0 ? 'warmup' : 'measure',
    hdr: encodeHistogram(mergeEncoded(e.hdrs)),
    count: e.count,
    errors: e.errors,
  }));
}

/** Workers' RSS summed, and the part above their idle base per held connection. */
export function generatorMemory(results: readonly WorkerResult[], held: number): { rssBytes: number | null; rssPerConnectionBytes: number | null } {
  if (results.length === 0 || results.some((r) => r.rssBytes === undefined || r.baseRssBytes === undefined)) return { rssBytes: null, rssPerConnectionBytes: null };
  const rss = results.reduce((a, r) => a + r.rssBytes!, 0);
  const base = results.reduce((a, r) => a + r.baseRssBytes!, 0);
  return { rssBytes: rss, rssPerConnectionBytes: held > 0 ? Math.max(0, rss - base) / held : null };
}

/** The stage's measurement from every active worker's result. */
export function mergeStage(plan: StagePlan, results: readonly WorkerResult[], workers: number): StageMeasurement {
  const errors: Record<string, number> = {};
  const failedByErrno: Record<string, number> = {};
  let established = 0, failed = 0, reopened = 0, openAtEnd = 0, opened = 0;
  let intended = 0, issued = 0, completed = 0, active = 0;
  for (const r of results) {
    sumInto(errors, r.errors);
    sumInto(failedByErrno, r.connect.failedByErrno);
    sumInto(failedByErrno, r.failedLaterByErrno);
    established += r.connect.established;
    failed += r.connect.failed + r.failedLater;
    reopened += r.reopened;
    openAtEnd += r.openAtEnd;
    opened += r.openedInWindow;
    active += r.activeConnections;
    intended += r.intended;
    issued += r.issued;
    completed += r.completed;
  }
  const sendLag = mergeEncoded(results.map((r) => r.sendLagHdr));
  const sendLagP99Ms = percentileMs(sendLag, 99);
  const sendLagMaxMs = sendLag.totalCount === 0 ? 0 : sendLag.maxValue / 1000;
  const latency = mergeEncoded(results.map((r) => r.latencyHdr));
  const eventLoopMaxMs = Math.max(0, ...results.map((r) => r.eventLoopMaxMs ?? 0));
  const lag = lagBound({
    sendLag,
    longGapsMs: results.flatMap((r) => r.longGapsMs ?? []),
    longGapsDropped: results.reduce((a, r) => a + (r.longGapsDropped ?? (r.longGapsMs === undefined ? 1 : 0)), 0),
    eventLoopMaxMs, windowMs: plan.durationMs, measuredP99Ms: percentileMs(latency, 99) ?? 0, floorMs: plan.health.maxSendLagP99Ms,
    queued: Math.max(0, results.reduce((a, r) => a + (r.queuedWindow ?? 0), 0)),
  });
  const reasons = healthReasons(plan.health, {
    lag,
    eventLoopP99Ms: results.map((r) => r.eventLoopP99Ms),
    cpu: results.map((r) => r.cpu),
    intended,
    issued,
    aborted: results.some((r) => r.aborted),
  });
  const seconds = plan.durationMs / 1000;
  const starts = results.map((r) => r.measureStartEpochMs);
  return {
    index: plan.index,
    connectionCounts: { requested: plan.connections, established, failed, reopened, failedByErrno, active, selection: plan.connectionSelection ?? DEFAULT_CONNECTION_SELECTION },
    openAtEnd,
    requests: issued,
    errors,
    connectionsOpenedInWindow: opened,
    measureStartEpochMs: Math.min(...starts),
    measureEndEpochMs: Math.min(...starts) + plan.durationMs,
    achievedRps: completed / seconds,
    offeredRps: issued / seconds,
    latencyHdr: encodeHistogram(latency),
    serviceHdr: encodeHistogram(mergeEncoded(results.map((r) => r.serviceHdr))),
    intervals: mergeIntervals(results),
    generator: {
      valid: reasons.length === 0,
      reasons,
      sendLagP99Ms: sendLagP99Ms ?? 0,
      sendLagMaxMs,
      eventLoopP99Ms: Math.max(0, ...results.map((r) => r.eventLoopP99Ms)),
      eventLoopMaxMs,
      lagBoundMs: lag.boundMs,
      lagBoundStrictMs: lag.strictMs,
      lagBoundRule: lag.rule,
      cpu: Math.max(0, ...results.map((r) => r.cpu)),
      workers,
      activeWorkers: results.length,
      intended,
      sent: issued,
      ...generatorMemory(results, openAtEnd),
      arrivals: plan.arrival === 'poisson' ? checkArrivals(results.flatMap((r) => r.arrivalGaps ?? [])) : null,
      pacerPolledMs: Math.max(0, ...results.map((r) => r.pacerPolledMs ?? 0)),
    },
  };
}
