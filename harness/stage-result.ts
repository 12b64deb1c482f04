import type { CapacityResult, HealthLimits, LatencySummary, StageCpu, StageResult, StageStatus, TimelinePoint } from '../core/result.js';
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
  /** Why the target has no heap figure, when its implementation says (impl.json heapReason). */
  heapReason?: string;
}): StageResult {
  const { spec, measurement: m, before, after } = opts;
  const latency = summarizeMs(decodeHistogram(m.latencyHdr));
  const service = m.serviceHdr === '' ? null : summarizeMs(decodeHistogram(m.serviceHdr));
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
      clientRequests: m.requests,
      clientConnectionsOpened: m.connectionsOpenedInWindow,
      upstreamConnectionsOpened: upCx,
      upstreamRequests: upRq,
      upstreamConnectionsActive: after.upstream?.connectionsActive ?? null,
      gatewayRequests: gwRq,
      gatewayConnectionsOpened: gwCx,
    },
    memory: {
      rssBytes: rssEnd,
      rssMaxBytes: rssValues.length ? Math.max(...rssValues) : rssEnd,
      heapUsedBytes: heapUsed,
      heapTotalBytes: heapTotal,
      residency: heapUsed !== null && rssEnd ? heapUsed / rssEnd : null,
      rssOverHeap: heapUsed && rssEnd !== null ? rssEnd / heapUsed : null,
      // heap_sys is Go's figure (heap reserved from the OS): the seed article's residency is RSS / heap_sys.
      heapSysBytes: after.heap?.runtime === 'go' ? heapTotal : null,
      rssOverHeapSys: after.heap?.runtime === 'go' && heapTotal && rssEnd !== null ? rssEnd / heapTotal : null,
      heapProcesses: after.heap?.processes ?? null,
      rssPerConnectionBytes: rssEnd !== null && established !== null && established > 0 ? rssEnd / established : null,
      pssBytes: after.pssBytes ?? null,
      pssPerConnectionBytes: after.pssBytes != null && established !== null && established > 0 ? after.pssBytes / established : null,
      heapSource: heapUsed === null && opts.heapReason ? `not measurable: ${opts.heapReason}` : after.heap?.source ?? (after.rssBytes === null ? 'not available: no target pid' : 'not available: the target has no metrics endpoint'),
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
    cpu: stageCpu(before, after, m.requests),
    engine: opts.engine,
  };
}

/** CPU of the target's process tree between the window's edges, per request (µs). */
export function stageCpu(before: Pick<Sample, 'cpuSeconds' | 'processes'>, after: Pick<Sample, 'cpuSeconds' | 'processes'>, requests: number): StageCpu {
  const secs = delta(before.cpuSeconds, after.cpuSeconds);
  if (secs === null) return { targetSeconds: null, perRequestUs: null, processes: after.processes, reason: 'not measurable: no target pid to read /proc/<pid>/stat from (external target without --pid)' };
  if (secs < 0) return { targetSeconds: null, perRequestUs: null, processes: after.processes, reason: 'not measurable: the process tree lost CPU time during the window (a process exited)' };
  if (requests === 0) return { targetSeconds: secs, perRequestUs: null, processes: after.processes, reason: 'no requests in the window' };
  return { targetSeconds: secs, perRequestUs: (secs * 1e6) / requests, processes: after.processes, reason: null };
}

/** A stage that was not run (beyond what the target can hold, or interrupted before it began). */
export function skippedStage(spec: StageSpec, status: 'not-reached' | 'interrupted' | 'failed', reason: string): StageResult {
  const empty: LatencySummary = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    index: spec.index, name: spec.name, status, reasons: [reason], connections: spec.connections,
    connectionCounts: { requested: spec.connections, established: 0, failed: 0, reopened: 0, failedByErrno: {}, serverSide: null, active: null },
    offeredRps: typeof spec.rate === 'number' ? spec.rate : 0, achievedRps: 0,
    warmupS: spec.warmupMs / 1000, durationS: 0, startedAt: new Date().toISOString(), requests: 0, errors: {}, errorRate: 0,
    latencyMs: empty, serviceTimeMs: null, hdr: '', serviceHdr: '', hlog: null,
    reuse: { client: null, upstream: null, gateway: null, clientConnectionsOpened: 0, upstreamConnectionsOpened: null, upstreamRequests: null },
    memory: { rssBytes: null, rssMaxBytes: null, heapUsedBytes: null, heapTotalBytes: null, residency: null, rssOverHeap: null, rssPerConnectionBytes: null, heapSource: 'not measured', processes: null },
    generator: { valid: false, reasons: [reason], sendLagP99Ms: null, sendLagMaxMs: null, eventLoopP99Ms: 0, lagBoundMs: null, lagBoundRule: 'not measured: the stage did not run', cpu: 0, workers: 0 },
    kernel: { listenOverflows: null, listenDrops: null, retransSegs: null, timeWait: null },
    timeline: [], cpu: { targetSeconds: null, perRequestUs: null, processes: null, reason: 'not measured: the stage did not run' }, engine: 'gw-bench',
  };
}
