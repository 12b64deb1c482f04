import type { Placement } from '../../core/result.js';
import { decodeHistogram } from '../../core/hdr.js';
import { LoadGenerator } from '../../loadgen/index.js';
import type { StageMeasurement } from '../../loadgen/types.js';
import { EXCEEDANCE } from '../../loadgen/lag-bound.js';
import { accuracyPlan, startRig } from './rig.js';
import type { CheckResult, CheckRow } from './types.js';

/**
 * Check 7: the generator lag bound holds. A generator slowed on purpose (every worker's
 * event loop blocked for spinMs every everyMs: StartOptions.debugBusyLoop) and an unslowed
 * reference generator load the same mock target of known constant latency at the same
 * time, at the same rate. The reference's latencies are never below the truth (latency is
 * measured from the intended send time, so any lag only adds), so the target's true pX is
 * at most the reference's pX. Both are finite samples of the same target distribution, so
 * the reference is read at a distribution-free upper rank (3 binomial standard deviations of
 * the difference of two samples); what is checked is then
 *
 *   slowed pX    <= reference p(X + 0.1 + 3σ) + slowed lag bound (99.9%),   X in 50, 90, 99
 *   slowed p99.9 <= reference p(99.9 + 3σ) + slowed strict bound
 *
 * (the 99.9% bound leaves out 0.1% of requests, so it bounds pX against the true
 * p(X + 0.1); the strict bound, send lag max + longest stall, covers every quantile), plus:
 * the slowed figures never fall below the target's known latency, and the strict bound saw
 * the stall that was injected (>= spinMs).
 */

export interface LagBoundCase {
  targetMs: number;
  spinMs: number;
  everyMs: number;
  rate: number;
  connections: number;
  durationMs: number;
}

const PERCENTILES = [50, 90, 99, 99.9];
/** The 99.9% bound leaves out 0.1% of requests: it bounds pX against the true p(X + 0.1). */
const SHIFT = 100 * EXCEEDANCE;
/** HdrHistogram records with 3 significant digits: a value read back is within 0.1% of what was recorded. */
const HDR_PRECISION = 0.001;
const TIMER_GRANULARITY_MS = 1;

/** The percentile rank to read the reference at: X plus 3 standard deviations of the rank difference of two samples of n. */
export function upperRank(x: number, n: number): number {
  const q = x / 100;
  return Math.min(100, x + 100 * 3 * Math.sqrt((2 * q * (1 - q)) / Math.max(1, n)));
}

const pct = (hdr: string, p: number): number => decodeHistogram(hdr).getValueAtPercentile(p) / 1000;
const f = (v: number): string => `${v.toFixed(2)} ms`;

/** The rows of one case from the two measurements (pure: unit-tested apart from the live run). */
export function lagBoundRows(c: LagBoundCase, slowed: StageMeasurement, reference: StageMeasurement): CheckRow[] {
  const bound = slowed.generator.lagBoundMs;
  const strict = slowed.generator.lagBoundStrictMs ?? null;
  const label = `${c.targetMs} ms target, spin ${c.spinMs} ms every ${c.everyMs} ms`;
  if (bound === null || strict === null) return [{ case: label, expected: 'a lag bound', measured: 'none', tolerance: '-', pass: false }];
  const n = Math.min(decodeHistogram(slowed.latencyHdr).totalCount, decodeHistogram(reference.latencyHdr).totalCount);
  const rows: CheckRow[] = [{
    case: `${label}: the strict bound saw the injected stall`, expected: `>= ${f(c.spinMs)}`, measured: `${f(strict)} (99.9% bound ${f(bound)})`, tolerance: 'none', pass: strict >= c.spinMs,
  }];
  for (const x of PERCENTILES) {
    const shifted = x < 99.9;
    const up = upperRank(shifted ? x + SHIFT : x, n);
    const ref = pct(reference.latencyHdr, up);
    const got = pct(slowed.latencyHdr, x);
    const b = shifted ? bound : strict;
    const limit = ref + b;
    rows.push({
      case: shifted ? `${label}: p${x} <= true p${+(x + SHIFT).toFixed(1)} + 99.9% bound` : `${label}: p${x} <= true p${x} + strict bound`,
      expected: `<= ${f(limit)} (reference p${+up.toFixed(2)} ${f(ref)} + ${shifted ? '99.9%' : 'strict'} bound ${f(b)})`,
      measured: f(got),
      tolerance: `HdrHistogram precision 0.1%`,
      pass: got <= limit * (1 + HDR_PRECISION),
    });
  }
  // The mock's delay is a libuv timer armed against the loop's cached millisecond clock, so
  // it can fire up to 1 ms before the nominal delay measured on a high-resolution clock.
  const floor = pct(slowed.latencyHdr, 0);
  rows.push({ case: `${label}: never below the target's known latency`, expected: `>= ${f(c.targetMs)}`, measured: `min ${f(floor)}`, tolerance: '1 ms (timer granularity of the mock)', pass: floor >= c.targetMs - TIMER_GRANULARITY_MS });
  return rows;
}

/** Run each case: reference and slowed generator at once against one mock target. */
export async function lagBoundCheck(placement: Placement, cases: readonly LagBoundCase[], log: (s: string) => void = () => undefined): Promise<CheckResult> {
  const t0 = Date.now();
  const rows: CheckRow[] = [];
  const extra: string[] = [];
  for (const c of cases) {
    const rig = await startRig(placement, { latency: { model: 'constant', valueMs: c.targetMs }, workers: 1 });
    let slow: LoadGenerator | null = null;
    try {
      slow = await LoadGenerator.start({ workers: 1, cpuList: placement.generator ?? undefined, debugBusyLoop: { spinMs: c.spinMs, everyMs: c.everyMs } });
      const plan = accuracyPlan(rig.host, rig.port, { connections: c.connections, rate: c.rate, warmupMs: 1000, durationMs: c.durationMs, arrival: 'poisson' });
      const [reference, slowed] = await Promise.all([rig.gen.runStage({ ...plan, seed: 11 }), slow.runStage({ ...plan, seed: 12 })]);
      rows.push(...lagBoundRows(c, slowed, reference));
      extra.push(`- ${c.targetMs} ms target, spin ${c.spinMs}/${c.everyMs} ms: slowed stage ${slowed.generator.valid ? 'valid' : `invalid (${slowed.generator.reasons.join('; ')})`}; reference lag bound ${f(reference.generator.lagBoundMs ?? Number.NaN)}; ${decodeHistogram(slowed.latencyHdr).totalCount} and ${decodeHistogram(reference.latencyHdr).totalCount} requests.`);
      log(`[accuracy] lag bound ${c.targetMs}/${c.spinMs}/${c.everyMs}: bound ${f(slowed.generator.lagBoundMs ?? Number.NaN)}`);
    } finally {
      await slow?.close();
      await rig.close();
    }
  }
  return {
    id: 'lagbound',
    title: 'Generator lag bound: a slowed generator never overstates latency by more than its reported bound',
    method: [
      'A generator slowed on purpose (each worker blocks its event loop for spinMs every everyMs, a debug knob read once at worker start) and an unslowed reference generator load the same mock upstream of known constant latency at the same time and rate.',
      'Latency is measured from the intended send time, so lag only ever adds: the reference\'s pX is an upper estimate of the target\'s true pX. Both are finite samples of one distribution, so the reference is read at pX + 3 binomial standard deviations of the difference of two samples of that size (distribution-free).',
      'The claims checked: slowed pX <= true p(X+0.1) + the slowed stage\'s 99.9% lag bound for p50, p90 and p99, and slowed p99.9 <= true p99.9 + its strict bound (send lag max + longest stall); also the strict bound saw the injected stall, and no latency is below the target\'s own.',
    ],
    rows,
    extra,
    pass: rows.length > 0 && rows.every((r) => r.pass),
    seconds: (Date.now() - t0) / 1000,
  };
}
