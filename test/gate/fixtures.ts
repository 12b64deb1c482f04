import type { RunResult, StageResult } from '../../core/result.js';

/** Fixture results for gate tests: plausible shapes, only the fields a test changes vary. */

const lat = (p50: number, p99: number) => ({ p50, p90: p50 * 1.5, p99, p999: p99 * 1.2, max: p99 * 2, mean: p50 * 1.1, count: 10_000 });

/** One measured stage; override anything. */
export function stage(over: Partial<StageResult> & { p50?: number; p99?: number } = {}): StageResult {
  const { p50 = 2, p99 = 10, ...rest } = over;
  return {
    index: 0, name: 's0', status: 'ok', reasons: [], connections: 20,
    connectionCounts: { requested: 20, established: 20, failed: 0, reopened: 0, failedByErrno: {} },
    offeredRps: 200, achievedRps: 200, warmupS: 1, durationS: 2, startedAt: '2026-01-01T00:00:00.000Z',
    requests: 400, errors: {}, errorRate: 0, latencyMs: lat(p50, p99), serviceTimeMs: lat(p50 * 0.9, p99 * 0.9),
    hdr: '', serviceHdr: '', hlog: null,
    reuse: { client: 0.95, upstream: 0.99, gateway: null, clientConnectionsOpened: 20, upstreamConnectionsOpened: 4, upstreamRequests: 400 },
    memory: { rssBytes: 80e6, rssMaxBytes: 90e6, heapUsedBytes: 20e6, heapTotalBytes: 30e6, residency: 0.25, rssOverHeap: 4, rssPerConnectionBytes: 4e6, heapSource: 'fixture', processes: 1 },
    generator: { valid: true, reasons: [], sendLagP99Ms: 0.5, sendLagMaxMs: 1, eventLoopP99Ms: 2, lagBoundMs: 3, lagBoundRule: 'fixture', cpu: 0.2, workers: 1 },
    cpu: { targetSeconds: 0.04, perRequestUs: 100, processes: 1, reason: null },
    kernel: { listenOverflows: 0, listenDrops: 0, retransSegs: 0, timeWait: 0 },
    timeline: [], engine: 'gw-bench',
    ...rest,
  };
}

/** A complete result with the given stages. */
export function result(stages: StageResult[], over: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 2, tool: { name: 'gw-bench', version: '0.0.0-test' }, status: 'complete',
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:10.000Z',
    scenario: { name: 'fixture', file: 'fixture.yaml', quick: false, spec: {} },
    target: { impl: 'reference', version: 'test', command: 'fixture', url: 'http://127.0.0.1:1', pid: null, workers: 1, metricsUrl: null },
    env: { cpuModel: 'fixture', cores: 2, memTotalBytes: 1, kernel: 'k', os: 'linux', node: 'v20', hostname: 'h', fdLimit: 20000, placement: { gateway: null, upstreams: null, generator: null, method: 'none' }, gitSha: null, gitDirty: null, date: '2026-01-01', runtimes: {} },
    stages, verdict: { status: 'pass', exitCode: 0, reasons: [] },
    ...over,
  };
}
