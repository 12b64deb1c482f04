import type { CapacityResult, HealthLimits, LatencySummary, StageResult, StageStatus, TimelinePoint } from '../core/result.js';
import type { StageSpec } from '../core/scenario/types.js';
import { decodeHistogram, maxMs, percentileMs, summarizeMs } from '../core/hdr.js';
import type { StageMeasurement } from '../loadgen/types.js';
import type { Sample, Sampler } from './sampler.js';

/** File name of a stage's HdrHistogram interval log inside the run folder. */
export const hlogName = (spec: StageSpec): string => `${String(spec.index).padStart(2, '0')}-${spec.name}.hlog`;

/** Error kinds that are the expected outcome of a deliberately bad request, not failures. */
export const isExpected = (kind: string): boolean => kind.startsWith('expected_');

export function errorTotal(errors: Record<string, number>): number {
  let n = 0;
  for (const [k, v] of Object.entries(errors)) if (!isExpected(k) && !/^status_\d+$/.test(k)) n += v;
  return n;
}

const ratio = (opened: number, requests: number): number | null => (requests > 0 ? Math.max(0, 1 - opened / requests) : null);

function delta(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : b - a;
}

/** Assemble the stage's result from the generator's measurement and the samples of its window. */
export function buildStageResult(opts: {
  spec: StageSpec;
  measurement: StageMeasurement;
  sampler: Sampler;
  before: Sample;
  after: Sample;
  runStartMs: number;
  hlog: string | null;
  engine: 'gw-bench' | 'autocannon';
  capacity?: CapacityResult;
  extraReasons?: string[];
  status?: StageStatus;
  /** Established connections on the target's port, counted by the kernel (/proc/net/tcp). */
  serverSideConnections?: number | null;
  limits?: HealthLimits;
}): StageResult {
  const { spec, measurement: m, before, after } = opts;
  const latency = summarizeMs(decodeHistogram(m.latencyHdr));
  const service = summarizeMs(decodeHistogram(m.serviceHdr));
  const errors = { ...m.errors };
  const errCount = errorTotal(errors);
  const inWindow = opts.sampler.window(m.measureStartEpochMs, m.measureEndEpochMs + 500);
  const rssValues = inWindow.map((s) => s.rssBytes).filter((v): v is number => v !== null);
  const rssEnd = after.rssBytes ?? rssValues[rssValues.length - 1] ?? null;
  const heapUsed = after.heap?.usedBytes ?? null;
  const heapTotal = after.heap?.totalBytes ?? null;
  const established = m.connectionCounts.established;
  const upRq = delta(before.upstream?.requests, after.upstream?.requests);
  const upCx = delta(before.upstream?.connectionsAccepted, after.upstream?.connectionsAccepted);
  const gwRq = delta(before.gateway?.downstreamRq, after.gateway?.downstreamRq);
  const gwCx = delta(before.gateway?.downstreamCx, after.gateway?.downstreamCx);

  const reasons = [...m.generator.reasons, ...(opts.extraReasons ?? [])];
  const status: StageStatus = opts.status ?? (m.generator.valid ? 'ok' : 'invalid');

  const timeline: TimelinePoint[] = m.intervals.map((iv) => {
    const h = decodeHistogram(iv.hdr);
    const t = (m.measureStartEpochMs + iv.startMs - opts.runStartMs) / 1000;
    const s = opts.sampler.nearest(m.measureStartEpochMs + iv.endMs);
    return {
      t: Math.round(t * 1000) / 1000,
      stage: spec.index,
      phase: iv.phase,
      p50: percentileMs(h, 50),
      p99: percentileMs(h, 99),
      max: maxMs(h),
      rps: iv.count / Math.max(0.001, (iv.endMs - iv.startMs) / 1000),
      errors: iv.errors,
      rssBytes: s?.rssBytes ?? null,
    };
  });

  return {
    index: spec.index,
    name: spec.name,
    status,
    reasons,
    connections: spec.connections,
    connectionCounts: { ...m.connectionCounts, serverSide: opts.serverSideConnections ?? null },
    offeredRps: m.offeredRps,
    achievedRps: m.achievedRps,
    ...(opts.capacity ? { capacity: opts.capacity } : {}),
    warmupS: spec.warmupMs / 1000,
    durationS: (m.measureEndEpochMs - m.measureStartEpochMs) / 1000,
    startedAt: new Date(m.measureStartEpochMs).toISOString(),
    requests: m.requests,
    errors,
    errorRate: m.requests > 0 ? errCount / m.requests : 0,
    latencyMs: latency,
    serviceTimeMs: service,
    hdr: m.latencyHdr,
    serviceHdr: m.serviceHdr,
    hlog: opts.hlog,
    reuse: {
      client: ratio(m.connectionsOpenedInWindow, m.requests),
      upstream: upRq !== null && upCx !== null ? ratio(upCx, upRq) : null,
      gateway: gwRq !== null && gwCx !== null ? ratio(gwCx, gwRq) : null,
      clientConnectionsOpened: m.connectionsOpenedInWindow,
      upstreamConnectionsOpened: upCx,
      upstreamRequests: upRq,
    },
    memory: {
      rssBytes: rssEnd,
      rssMaxBytes: rssValues.length ? Math.max(...rssValues) : rssEnd,
      heapUsedBytes: heapUsed,
      heapTotalBytes: heapTotal,
      residency: heapUsed !== null && rssEnd ? heapUsed / rssEnd : null,
      rssOverHeap: heapUsed && rssEnd !== null ? rssEnd / heapUsed : null,
      rssPerConnectionBytes: rssEnd !== null && established > 0 ? rssEnd / established : null,
      heapSource: after.heap?.source ?? (after.rssBytes === null ? 'not available: no target pid' : 'not available: the target has no metrics endpoint'),
      processes: after.processes,
    },
    generator: { ...m.generator, ...(opts.limits ? { limits: opts.limits } : {}) },
    kernel: {
      listenOverflows: delta(before.kernel.listenOverflows, after.kernel.listenOverflows),
      listenDrops: delta(before.kernel.listenDrops, after.kernel.listenDrops),
      retransSegs: delta(before.kernel.retransSegs, after.kernel.retransSegs),
      timeWait: after.kernel.timeWait,
    },
    timeline,
    engine: opts.engine,
  };
}

/** A stage that was not run (beyond what the target can hold, or interrupted before it began). */
export function skippedStage(spec: StageSpec, status: 'not-reached' | 'interrupted' | 'failed', reason: string): StageResult {
  const empty: LatencySummary = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    index: spec.index, name: spec.name, status, reasons: [reason], connections: spec.connections,
    connectionCounts: { requested: spec.connections, established: 0, failed: 0, reopened: 0, failedByErrno: {}, serverSide: null },
    offeredRps: typeof spec.rate === 'number' ? spec.rate : 0, achievedRps: 0,
    warmupS: spec.warmupMs / 1000, durationS: 0, startedAt: new Date().toISOString(), requests: 0, errors: {}, errorRate: 0,
    latencyMs: empty, serviceTimeMs: empty, hdr: '', serviceHdr: '', hlog: null,
    reuse: { client: null, upstream: null, gateway: null, clientConnectionsOpened: 0, upstreamConnectionsOpened: null, upstreamRequests: null },
    memory: { rssBytes: null, rssMaxBytes: null, heapUsedBytes: null, heapTotalBytes: null, residency: null, rssOverHeap: null, rssPerConnectionBytes: null, heapSource: 'not measured', processes: null },
    generator: { valid: false, reasons: [reason], sendLagP99Ms: 0, sendLagMaxMs: 0, eventLoopP99Ms: 0, cpu: 0, workers: 0 },
    kernel: { listenOverflows: null, listenDrops: null, retransSegs: null, timeWait: null },
    timeline: [], engine: 'gw-bench',
  };
}
