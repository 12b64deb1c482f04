/**
 * One cell of the side-by-side benchmark: one implementation, one route, one repetition,
 * measured by the harness's own runner (harness/run.ts) as a one-stage `rate: capacity`
 * scenario. So the cell gets what every run gets: mock upstreams and gateway started with
 * explicit placement, a minted JWT, the contract check, the open-model generator judged
 * valid or not, and CPU of the gateway's process tree read from /proc at the window's edges.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CapacityProbe, HalfCapacityProbe, RunResult } from '../../../core/result.js';
import { runScenario } from '../../../harness/run.js';
import { ROUTES, type BenchOptions } from './options.js';

/** Why the capacity bracket ends where it does. */
export type BracketEdge = 'p99' | 'errors' | 'generator' | 'search-limit';

export interface CellRun {
  impl: string;
  route: string;
  run: number;
  /** 'failed': the run did not measure (target would not start, failed the contract check, died). */
  status: 'measured' | 'failed';
  reason: string | null;
  /** Highest probed rate that passed (harness/capacity.ts probeOk); null when even the lowest probe missed it. */
  capacityRps: number | null;
  /**
   * Capacity lies in [low, high): low = capacityRps, high = the lowest failing probe above it
   * (null when none failed: capacity is at least low). `upper`: what failed at `high`;
   * 'generator' means the generator fell behind, so the gateway's limit may be higher still.
   */
  bracket: { low: number | null; high: number | null; upper: BracketEdge };
  /**
   * p99 (from intended send time) of the probe at capacity; null with `p99Reason` when the
   * generator fell behind in that probe (it passed despite the lag: its p99 is only a bound).
   */
  p99AtCapacityMs: number | null;
  p99Reason?: string | null;
  /** CPU (user + system) of the gateway's process tree per request in the probe at capacity. */
  cpuUsPerRequest: number | null;
  cpuReason: string | null;
  probes: CapacityProbe[];
  /** The probe at half the capacity found (latency with 2x headroom: the max-latency goal); null without a capacity. */
  half: HalfCapacityProbe | null;
  /** The run folder (result.json, run.log). */
  dir: string;
}

/** The one-stage scenario a cell runs: a single route, one valid token, one gateway process. */
export function cellScenario(impl: string, route: string, o: BenchOptions): Record<string, unknown> {
  const r = ROUTES[route]!;
  return {
    version: 1,
    name: `bench-gateway-${impl}-${route}`,
    description: `bench:gateway cell: ${impl}, ${r.label}`,
    // One process on the gateway CPU: capacity per core, whatever the implementation's default.
    // Warmed at the lowest probe rate first, alike for every implementation: a cold JVM
    // answered its first 1000/s probe with a p99 of 3.4 s and was never measured further.
    target: { impl, workers: 1, ...(o.targetWarmupMs > 0 ? { warmup: { duration: `${o.targetWarmupMs}ms`, rate: `${o.minRps}/s` } } : {}) },
    // The same valid token on every request, as in a wrk2 run with one Authorization header.
    auth: { alg: 'HS256', tokens: 1 },
    requests: [{
      name: route, weight: 1, method: r.method, path: r.path,
      ...(r.method === 'POST' ? { bodySize: '256B', headers: { 'content-type': 'application/json' } } : {}),
    }],
    load: {
      // Each probe warms up for 1 s before its window (harness/run.ts), and the search starts
      // low and doubles, so the first probes also warm the target (JIT, token cache, pools).
      arrival: 'poisson', seed: 42, connectRate: '2000/s', warmup: '1s',
      stages: [{ name: route, connections: o.connections, rate: 'capacity', warmup: '1s' }],
      capacity: { min: `${o.minRps}/s`, max: `${o.maxRps}/s`, probes: o.probes, probeDuration: `${o.probeDurationMs}ms`, halfProbe: true },
    },
    slo: { p99: `${o.sloP99Ms}ms`, errorRate: `${o.sloErrorRate * 100}%` },
    ...(o.lagFloorMs !== null ? { generator: { maxSendLagP99: `${o.lagFloorMs}ms` } } : {}),
  };
}

/** The bracket around capacity from a cell's probes (see CellRun.bracket). */
export function bracketOf(probes: readonly CapacityProbe[], sloP99Ms: number): CellRun['bracket'] {
  const passed = probes.filter((p) => p.ok).map((p) => p.rate);
  const low = passed.length ? Math.max(...passed) : null;
  const above = probes.filter((p) => !p.ok && (low === null || p.rate > low)).sort((a, b) => a.rate - b.rate)[0];
  if (!above) return { low, high: null, upper: 'search-limit' };
  const upper: BracketEdge = !above.valid ? 'generator' : above.p99Ms > sloP99Ms ? 'p99' : 'errors';
  return { low, high: above.rate, upper };
}

/** What a finished run says about its one capacity stage. */
export function cellFromResult(r: RunResult, base: Pick<CellRun, 'impl' | 'route' | 'run' | 'dir'>, sloP99Ms: number): CellRun {
  const st = r.stages[0];
  if (!st?.capacity || (r.status === 'failed' && st.capacity.probes.length === 0)) {
    return {
      ...base, status: 'failed', reason: st?.reasons[0] ?? r.verdict.reasons[0] ?? `run ${r.status}`, capacityRps: null,
      bracket: { low: null, high: null, upper: 'search-limit' }, p99AtCapacityMs: null, cpuUsPerRequest: null, cpuReason: 'not measured', probes: [], half: null,
    };
  }
  const cap = st.capacity;
  // The stage's figures come from the best passing probe; with none passing they are the first probe's, not capacity's.
  const atCap = cap.rps !== null;
  const lagged = cap.probes.find((p) => p.ok && p.rate === cap.rps)?.okDespiteLag === true;
  return {
    ...base, status: 'measured', reason: st.reasons[0] ?? null, capacityRps: cap.rps,
    bracket: bracketOf(cap.probes, sloP99Ms),
    p99AtCapacityMs: atCap && !lagged ? st.latencyMs.p99 : null,
    p99Reason: !atCap ? 'no probe met the SLO' : lagged ? `the generator fell behind in the probe at capacity: its p99 ${st.latencyMs.p99.toFixed(1)} ms is an upper bound, not the gateway's` : null,
    cpuUsPerRequest: atCap ? st.cpu.perRequestUs : null,
    cpuReason: atCap ? st.cpu.reason : 'no probe met the SLO',
    probes: cap.probes,
    half: cap.half ?? null,
  };
}

/** Run one cell; the run's folder (result.json, run.log) is kept under `dir`. */
export async function runCell(o: BenchOptions, impl: string, route: string, run: number, dir: string, signal?: AbortSignal): Promise<CellRun> {
  const cellDir = join(dir, 'cells', `${impl}-${route}-${run}`);
  const scenarioFile = join(dir, 'cells', `${impl}-${route}.yaml`);
  await writeFile(scenarioFile, `${JSON.stringify(cellScenario(impl, route, o), null, 2)}\n`); // JSON is YAML
  // Baselines are never built here (a JVM build takes minutes): unbuilt ones are skipped before this.
  const { result } = await runScenario({ scenarioFile, out: cellDir, quiet: true, report: false, signal, allowInvalid: true, target: { impl, skipBuild: true } });
  return cellFromResult(result, { impl, route, run, dir: cellDir }, o.sloP99Ms);
}
