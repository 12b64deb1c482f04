import { LoadGenerator } from '../../loadgen/load-generator.js';
import type { StageMeasurement, StagePlan } from '../../loadgen/types.js';
import type { Rig } from './rig.js';

/**
 * Steady load for fault runs: GET /api/user/${uid} with valid tokens through the real load
 * generator (1 worker), so the figures use the same error kinds and timing as `gw-bench run`.
 */

/** Figures of one fault run, as docs/reliability.md shows them. */
export interface FaultFigures {
  name: string;
  fault: string;
  requests: number;
  errors: Record<string, number>;
  /** From the end of the fault (or its start, for a one-off) to the first error-free second; 1 s resolution. */
  recoveryMs: number | null;
  recoveryNote?: string;
  /** Gateway processes that crashed (a primary exit, or a worker that exited without being killed by us). */
  crashes: number;
  /** The stage finished within its bound (runStage resolved). */
  hung: boolean;
  orphans: number;
  notes: string[];
}

/** Timing checks are not what these runs are about: the shared 2-core machine must not make them invalid. */
const LENIENT = { maxSendLagP99Ms: 5000, maxEventLoopP99Ms: 5000, maxCpu: 100 };

export function faultPlan(rig: Rig, over: Partial<StagePlan> = {}): StagePlan {
  return {
    index: 0, name: 'fault', target: { host: rig.host, port: rig.port }, connections: 16, rate: 200, arrival: 'constant', seed: 1,
    connectRate: 1000, warmupMs: 0, durationMs: 6000, requestTimeoutMs: 2000, maxQueue: 10_000,
    requests: [{ name: 'user', weight: 1, method: 'GET', path: '/api/user/${uid}', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: rig.jwt.tokens, variables: { uid: [1, 1000], room_id: [1, 100] }, health: LENIENT, engine: 'gw-bench',
    ...over,
  };
}

/** Run one stage; `events` fire at their ms offsets from the stage start. Bounded: a stage that does not end in time is a hang. */
export interface StageEvent { atMs: number; run: () => Promise<void> | void; /** Set when it ran: ms since the epoch. */ firedAt?: number }

/** Ms from the measurement start to when `e` fired (for recoveryFrom). */
export function stageTime(m: StageMeasurement, e: StageEvent): number {
  return (e.firedAt ?? m.measureStartEpochMs) - m.measureStartEpochMs;
}

export async function runWithEvents(plan: StagePlan, events: StageEvent[]): Promise<{ m: StageMeasurement | null; hung: boolean; error: string | null }> {
  const lg = await LoadGenerator.start({ workers: 1 });
  const timers: NodeJS.Timeout[] = [];
  try {
    const t0 = Date.now();
    const stage = lg.runStage(plan);
    for (const e of events) timers.push(setTimeout(() => { e.firedAt = Date.now(); void Promise.resolve(e.run()).catch(() => undefined); }, Math.max(0, e.atMs - (Date.now() - t0))));
    const bound = plan.warmupMs + plan.durationMs + plan.requestTimeoutMs + 20_000;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      stage.then((m) => ({ m, hung: false, error: null })).catch((e: Error) => ({ m: null, hung: false, error: e.message })),
      new Promise<{ m: null; hung: true; error: string }>((res) => { timer = setTimeout(() => res({ m: null, hung: true, error: `stage did not finish within ${bound} ms` }), bound); }),
    ]);
    clearTimeout(timer);
    return r;
  } finally {
    for (const t of timers) clearTimeout(t);
    await lg.close();
  }
}

/** First 1-second interval at or after `fromMs` (stage time) with requests and no errors: its start minus `fromMs`. */
export function recoveryFrom(m: StageMeasurement, fromMs: number): number | null {
  for (const i of m.intervals) {
    if (i.phase !== 'measure' || i.endMs <= fromMs) continue;
    if (i.count > 0 && i.errors === 0) return Math.max(0, i.startMs - fromMs);
  }
  return null;
}

/** Error counts without the expected-401 bookkeeping entry. */
export function realErrors(m: StageMeasurement): Record<string, number> {
  return Object.fromEntries(Object.entries(m.errors).filter(([k]) => !k.startsWith('expected_')));
}
