import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Placement } from '../../core/result.js';
import type { LatencyModel } from '../../core/scenario/types.js';
import { LoadGenerator } from '../../loadgen/index.js';
import { DEFAULT_HEALTH_LIMITS } from '../../loadgen/health.js';
import type { StagePlan, StageProgress } from '../../loadgen/types.js';
import { hasTaskset } from '../../core/processes/taskset.js';
import { resolvePlacement } from '../placement.js';
import { startUpstreams, type RunningUpstreams } from '../processes/upstreams.js';

/**
 * What every live check needs: explicit placement (target on the last CPU, generator and
 * this process on the others), a mock upstream "user" service as the HTTP target in its
 * own pinned process, and one load-generator worker pinned to the generator CPU.
 */
export interface Rig {
  placement: Placement;
  target: RunningUpstreams;
  /** host/port of the target instance. */
  host: string;
  port: number;
  gen: LoadGenerator;
  dir: string;
  close(): Promise<void>;
}

/** Placement of the suite: targets on the last CPU, generator on the others (harness/placement.ts "auto"). */
export function accuracyPlacement(): Placement {
  return resolvePlacement({ gateway: 'auto', upstreams: 'auto', generator: 'auto' }, false);
}

/** Pin this process (all threads) to the generator CPUs, so autocannon and the stall timers run there too. */
export function pinSelfToGenerator(p: Placement): void {
  if (!p.generator || !hasTaskset()) return;
  try { execFileSync('taskset', ['-a', '-cp', p.generator, String(process.pid)], { stdio: 'ignore' }); } catch { /* the children are still placed */ }
}

/** Start the mock upstream target (on the target CPU) and a generator with `workers` workers. */
export async function startRig(placement: Placement, opts: { latency?: LatencyModel; workers?: number } = {}): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-accuracy-'));
  const target = await startUpstreams({
    specs: [{ name: 'user', instances: 1, weights: [1], latency: opts.latency ?? { model: 'constant', valueMs: 1 }, bodyBytes: 64, errorRate: 0, errorStatus: 500 }],
    seed: 1, cpus: placement.gateway,
  });
  let gen: LoadGenerator;
  try {
    gen = await LoadGenerator.start({ workers: opts.workers ?? 1, cpuList: placement.generator ?? undefined });
  } catch (e) {
    await target.process.stop();
    throw e;
  }
  const url = new URL(target.ready.services.user!.urls[0]!);
  let closed = false;
  return {
    placement, target, host: url.hostname, port: Number(url.port), gen, dir,
    close: async () => {
      if (closed) return;
      closed = true;
      await gen.close();
      try { process.kill(target.process.pid, 'SIGCONT'); } catch { /* gone */ }
      await target.process.stop(2000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A stage plan against `port` with the suite's defaults (one GET template, default health limits). */
export function accuracyPlan(host: string, port: number, over: Partial<StagePlan>): StagePlan {
  return {
    index: 0, name: 'accuracy', target: { host, port }, connections: 8, rate: 100, arrival: 'constant', seed: 1,
    connectRate: 10_000, warmupMs: 0, durationMs: 3000, requestTimeoutMs: 10_000, maxQueue: 100_000,
    requests: [{ name: 'get', weight: 1, method: 'GET', path: '/accuracy/${seq}', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: { valid: ['x'], expired: ['x'], badSignature: ['x'] }, variables: { uid: [1, 1], room_id: [1, 1] },
    health: { ...DEFAULT_HEALTH_LIMITS }, engine: 'gw-bench', ...over,
  };
}

/**
 * A progress callback that runs `fn` once, `offsetMs` after the measurement window starts.
 * The window start is learned from the first progress report (about 1 s into the stage);
 * the exact time `fn` ran is measured by `fn` itself, so the schedule need not be precise.
 */
export function atWindowOffset(plan: StagePlan, offsetMs: number, fn: () => void): { onProgress: (p: StageProgress) => void; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  return {
    onProgress: (p) => {
      if (scheduled || p.phase === 'connect') return;
      scheduled = true;
      const stageStart = Date.now() - p.elapsedMs;
      timer = setTimeout(fn, Math.max(0, stageStart + plan.warmupMs + offsetMs - Date.now()));
    },
    cancel: () => clearTimeout(timer),
  };
}

/** Epoch ms with sub-ms resolution, on the same clock the workers stamp their windows with. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
