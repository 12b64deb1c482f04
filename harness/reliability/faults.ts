import { faultPlan, realErrors, recoveryFrom, runWithEvents, stageTime, type FaultFigures, type StageEvent } from './load.js';
import { startRig, type Rig, type RigOptions } from './rig.js';

/**
 * Faults injected mid-stage under steady load (200 req/s, 16 connections, 6 s), each on a
 * fresh rig. Every function returns the figures docs/reliability.md shows; the tests in
 * test/faults/ assert on them and scripts/reliability-report.ts writes them.
 */

/** Run `fn` on a fresh rig; the orphan count comes from stopping it. */
async function withRig(opts: RigOptions, fn: (rig: Rig) => Promise<FaultFigures>): Promise<FaultFigures> {
  const rig = await startRig(opts);
  let f: FaultFigures | undefined;
  try { f = await fn(rig); } finally {
    const orphans = await rig.close();
    if (f) f.orphans = orphans;
  }
  return f;
}

/** Crash and orphan counts after a run: the gateway primary must be alive, its worker count as configured. */
async function afterRun(rig: Rig, workers: number): Promise<{ crashes: number; healthy: boolean; pids: number[] }> {
  const pids = await rig.workerPids();
  const healthy = await fetch(`${rig.url}/healthz`, { signal: AbortSignal.timeout(3000) }).then(async (r) => { await r.arrayBuffer(); return r.status === 200; }).catch(() => false);
  const lost = workers > 1 ? Math.max(0, workers - pids.length) : 0;
  return { crashes: (rig.gateway.alive() ? 0 : 1) + lost, healthy, pids };
}

function figures(name: string, fault: string, r: Awaited<ReturnType<typeof runWithEvents>>, recoveryMs: number | null, crashes: number, notes: string[], recoveryNote?: string): FaultFigures {
  return {
    name, fault, requests: r.m?.requests ?? 0, errors: r.m ? realErrors(r.m) : { [r.hung ? 'hang' : 'stage_failed']: 1 },
    recoveryMs, ...(recoveryNote ? { recoveryNote } : {}), crashes, hung: r.hung, orphans: 0, notes: r.error ? [r.error, ...notes] : notes,
  };
}

/** The mock upstream process SIGKILLed at 2 s; it stays down. */
export function upstreamKilled(): Promise<FaultFigures> {
  return withRig({}, async (rig) => {
    const kill: StageEvent = { atMs: 2000, run: () => { process.kill(-rig.upstreams.process.pid, 'SIGKILL'); } };
    const r = await runWithEvents(faultPlan(rig), [kill]);
    const a = await afterRun(rig, 1);
    const slow = r.m ? (r.m.errors.timeout ?? 0) : 0;
    return figures('upstream killed', 'mock upstream process SIGKILLed at 2 s of 6 s, not restarted', r, null, a.crashes, [`gateway healthy after: ${a.healthy}`, `timeouts: ${slow} (errors are fast 5xx, not hangs)`], 'the upstream stays down: 5xx until the end, by design');
  });
}

/** Every upstream stalls for 2 s (the mock's stall control) from 2 s. */
export function upstreamStalled(): Promise<FaultFigures> {
  return withRig({}, async (rig) => {
    const stall: StageEvent = { atMs: 2000, run: () => rig.upstreams.admin.control({ action: 'stall', ms: 2000 }).then(() => undefined) };
    const r = await runWithEvents(faultPlan(rig), [stall]);
    const a = await afterRun(rig, 1);
    const rec = r.m ? recoveryFrom(r.m, stageTime(r.m, stall) + 2000) : null;
    return figures('upstream stalled', 'all upstreams answer nothing for 2 s from 2 s (mock stall)', r, rec, a.crashes, [`gateway healthy after: ${a.healthy}`]);
  });
}

/** The user service's connections reset (RST) and new ones reset for 2 s from 2 s. */
export function upstreamReset(): Promise<FaultFigures> {
  return withRig({ link: true }, async (rig) => {
    const on: StageEvent = { atMs: 2000, run: () => rig.link!.reset(true) };
    const off: StageEvent = { atMs: 4000, run: () => rig.link!.reset(false) };
    const r = await runWithEvents(faultPlan(rig), [on, off]);
    const a = await afterRun(rig, 1);
    const rec = r.m ? recoveryFrom(r.m, stageTime(r.m, off)) : null;
    return figures('upstream RST', 'every upstream connection reset (SO_LINGER 0) for 2 s from 2 s', r, rec, a.crashes, [`connections reset: ${rig.link!.resets}`, `gateway healthy after: ${a.healthy}`]);
  });
}

/** The user service refuses connections for 2 s from 2 s (listener closed, then reopened). */
export function upstreamRefusing(): Promise<FaultFigures> {
  return withRig({ link: true }, async (rig) => {
    const on: StageEvent = { atMs: 2000, run: () => rig.link!.refuse(true) };
    const off: StageEvent = { atMs: 4000, run: () => rig.link!.refuse(false) };
    const r = await runWithEvents(faultPlan(rig), [on, off]);
    const a = await afterRun(rig, 1);
    const rec = r.m ? recoveryFrom(r.m, stageTime(r.m, off)) : null;
    return figures('upstream refusing', 'upstream listener closed for 2 s from 2 s (ECONNREFUSED), then reopened', r, rec, a.crashes, [`gateway healthy after: ${a.healthy}`]);
  });
}

/** One of two gateway workers SIGKILLed at 2 s: the primary forks a replacement. */
export function gatewayWorkerKilled(): Promise<FaultFigures> {
  return withRig({ workers: 2 }, async (rig) => {
    const before = await rig.workerPids();
    const victim = before[0]!;
    const kill: StageEvent = { atMs: 2000, run: () => { process.kill(victim, 'SIGKILL'); } };
    const r = await runWithEvents(faultPlan(rig), [kill]);
    // The replacement may take a moment to fork and listen on a loaded machine.
    let a = await afterRun(rig, 2);
    for (let i = 0; i < 50 && a.pids.length < 2; i++) { await new Promise((res) => setTimeout(res, 100)); a = await afterRun(rig, 2); }
    const replaced = a.pids.length === 2 && !a.pids.includes(victim);
    const rec = r.m ? recoveryFrom(r.m, stageTime(r.m, kill)) : null;
    return figures('gateway worker killed', '1 of 2 gateway workers SIGKILLed at 2 s of 6 s', r, rec, a.crashes, [`replaced by a new worker: ${replaced}`, `gateway healthy after: ${a.healthy}`]);
  });
}
