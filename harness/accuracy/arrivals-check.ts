import type { LoadGenerator } from '../../loadgen/index.js';
import { createPacer } from '../../loadgen/pacer.js';
import type { StageMeasurement, StagePlan } from '../../loadgen/types.js';
import type { ArrivalRecorder } from './arrival-recorder.js';
import { exponentialCdf, gaps, ksCritical, ksStatistic } from './ks.js';
import { rankPercentile } from './percentile.js';
import { accuracyPlan } from './rig.js';
import { ARRIVALS_ALPHA } from '../../loadgen/arrivals.js';
import type { CheckResult, CheckRow } from './types.js';

/**
 * Check 2: the arrivals the target sees. The generator paces a stage at the arrival
 * server; the server stamps each arrival, and the stamps are tested against the pacing's
 * distribution: constant (count exact, mean gap, spread of gaps) and Poisson (count equal
 * to the seeded schedule's, KS test of the gaps against the exponential at the planned rate).
 */
export interface ArrivalOptions {
  rate: number; durationMs: number; poissonRate: number; alpha: number; seed: number;
  /** Faster Poisson stages whose gaps on the wire are judged by KS too (fine pacing), e.g. [500, 20000]; [] to skip. */
  fastPoissonRates: number[];
}

/** Requests a (single-worker) schedule intends in [0, durationMs). */
export function scheduledCount(plan: Pick<StagePlan, 'arrival' | 'rate' | 'seed' | 'durationMs'>): number {
  const p = createPacer({ arrival: plan.arrival, totalRate: plan.rate, workers: 1, workerIndex: 0, seed: plan.seed });
  let n = 0;
  while (p.next() < plan.durationMs) n++;
  return n;
}

/** Intended times (ms from the schedule start) of a single-worker schedule in [0, durationMs). */
function scheduledTimes(plan: Pick<StagePlan, 'arrival' | 'rate' | 'seed' | 'durationMs'>): number[] {
  const p = createPacer({ arrival: plan.arrival, totalRate: plan.rate, workers: 1, workerIndex: 0, seed: plan.seed });
  const t: number[] = [];
  for (let x = p.next(); x < plan.durationMs; x = p.next()) t.push(x);
  return t;
}

/**
 * Per-request lateness on the wire: arrival - intended, matched by rank, minus the smallest
 * such difference (the clocks of the server and the schedule differ by an unknown constant;
 * the earliest request is taken as on time). Sorted ascending.
 */
export function wireLateness(arrivals: readonly number[], intended: readonly number[]): number[] {
  const a = [...arrivals].sort((x, y) => x - y);
  const n = Math.min(a.length, intended.length);
  const diff: number[] = [];
  for (let i = 0; i < n; i++) diff.push(a[i]! - intended[i]!);
  const min = Math.min(...diff);
  return diff.map((d) => d - min).sort((x, y) => x - y);
}

/** Run a stage and take its arrivals; again (up to 3 attempts) while the generator reports itself invalid (its own verdict: not a number). */
async function stageWithRetry(gen: LoadGenerator, rec: ArrivalRecorder, plan: StagePlan): Promise<{ m: StageMeasurement; take: Awaited<ReturnType<ArrivalRecorder['take']>>; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const m = await gen.runStage(plan);
    const take = await rec.take();
    if (m.generator.valid || attempts >= 3) return { m, take, attempts };
  }
}

/** Run the constant and the Poisson stage against the recorder and judge them. */
export async function arrivalsCheck(gen: LoadGenerator, rec: ArrivalRecorder, o: ArrivalOptions): Promise<CheckResult> {
  const t0 = Date.now();
  const rows: CheckRow[] = [];
  const extra: string[] = [];
  await rec.take(); // discard anything earlier

  // constant
  const cPlan = accuracyPlan('127.0.0.1', rec.port, { rate: o.rate, durationMs: o.durationMs, connections: 8, arrival: 'constant', seed: o.seed });
  const { m: cm, take: cTake, attempts: cAttempts } = await stageWithRetry(gen, rec, cPlan);
  const c = cTake.times;
  const expectedN = scheduledCount(cPlan);
  rows.push({ case: `constant ${o.rate} req/s for ${o.durationMs / 1000} s: requests at the server`, expected: `${expectedN} (rate x duration)`, measured: String(c.length), tolerance: '±1', pass: Math.abs(c.length - expectedN) <= 1 });
  const g = gaps(c);
  const gap = 1000 / o.rate;
  const meanGap = (c[c.length - 1]! - c[0]!) / Math.max(1, c.length - 1);
  // the two end stamps carry the generator's lateness; spread over n gaps it is tiny
  const meanTol = (2 * Math.max((cm.generator.sendLagP99Ms ?? 0), 5)) / Math.max(1, c.length - 1);
  rows.push({ case: 'constant: mean inter-arrival time', expected: `${gap.toFixed(3)} ms (1/rate)`, measured: `${meanGap.toFixed(4)} ms`, tolerance: `±${meanTol.toFixed(4)} ms (2 x send lag over n-1 gaps)`, pass: Math.abs(meanGap - gap) <= meanTol });
  const dev = g.map((x) => Math.abs(x - gap)).sort((a, b) => a - b);
  // a gap is the difference of two sends' lateness, each within the send-lag p99 most of the time
  const devTol = 2 * (cm.generator.sendLagP99Ms ?? 0) + 1 + cTake.eventLoopP99Ms;
  const p99dev = rankPercentile(dev, 99);
  rows.push({ case: 'constant: p99 of |gap - 1/rate|', expected: '0 ms', measured: `${p99dev.toFixed(3)} ms (p50 ${rankPercentile(dev, 50).toFixed(3)} ms)`, tolerance: `≤ ${devTol.toFixed(2)} ms (2 x send lag p99 ${(cm.generator.sendLagP99Ms ?? 0).toFixed(2)} ms + 1 ms + server loop delay p99 ${cTake.eventLoopP99Ms.toFixed(2)} ms)`, pass: p99dev <= devTol });
  rows.push(latenessRow('constant', c, scheduledTimes(cPlan), (cm.generator.sendLagMaxMs ?? 0), cTake.eventLoopMaxMs));

  // Poisson
  const pPlan = accuracyPlan('127.0.0.1', rec.port, { rate: o.poissonRate, durationMs: o.durationMs, connections: 8, arrival: 'poisson', seed: o.seed });
  const { m: pm, take: pTake, attempts: pAttempts } = await stageWithRetry(gen, rec, pPlan);
  const p = pTake.times;
  const pN = scheduledCount(pPlan);
  rows.push({ case: `Poisson ${o.poissonRate} req/s for ${o.durationMs / 1000} s (seed ${o.seed}): requests at the server`, expected: `${pN} (the seeded schedule's count)`, measured: String(p.length), tolerance: '±1', pass: Math.abs(p.length - pN) <= 1 });
  const cdf = exponentialCdf(o.poissonRate / 1000);
  const pTimes = scheduledTimes(pPlan);
  const sched = gaps(pTimes);
  const dSched = ksStatistic(sched, cdf);
  const critSched = ksCritical(sched.length, o.alpha);
  rows.push({ case: `Poisson: KS D of the schedule's gaps vs Exp(${o.poissonRate}/s), n=${sched.length}`, expected: `< ${critSched.toFixed(4)} (critical, alpha=${o.alpha})`, measured: dSched.toFixed(4), tolerance: '-', pass: dSched < critSched });
  const pg = gaps(p);
  const d = ksStatistic(pg, cdf);
  const crit = ksCritical(pg.length, o.alpha);
  rows.push({ case: `Poisson: KS D of the gaps at the server vs Exp(${o.poissonRate}/s), n=${pg.length}`, expected: `< ${crit.toFixed(4)} (critical, alpha=${o.alpha})`, measured: d.toFixed(4), tolerance: '-', pass: d < crit });
  rows.push(latenessRow('Poisson', p, pTimes, (pm.generator.sendLagMaxMs ?? 0), pTake.eventLoopMaxMs));
  for (const [i, rate] of o.fastPoissonRates.entries()) rows.push(...await fastPoissonRows(gen, rec, rate, o, i + 1));
  extra.push(`Attempts used: constant ${cAttempts}, Poisson ${pAttempts} (a stage is run again, up to 3 attempts, when the generator reports itself invalid). Generator during these stages: constant ${cm.generator.valid ? 'valid' : `INVALID (${cm.generator.reasons.join('; ')})`}, send lag p99 ${(cm.generator.sendLagP99Ms ?? 0).toFixed(2)} ms; Poisson ${pm.generator.valid ? 'valid' : `INVALID (${pm.generator.reasons.join('; ')})`}, send lag p99 ${(pm.generator.sendLagP99Ms ?? 0).toFixed(2)} ms. Mean Poisson gap at the server ${((p[p.length - 1]! - p[0]!) / Math.max(1, p.length - 1)).toFixed(3)} ms (1/rate = ${(1000 / o.poissonRate).toFixed(3)} ms).`);
  return {
    id: 'arrivals', title: '2. Arrivals on the wire (pacing)',
    method: [
      'A separate process on the target CPU (harness/accuracy/arrival-server.ts) answers 200 at once and stamps each request with process.hrtime when its head is parsed. No warm-up, so every request the schedule intends reaches it.',
      `Constant: the count must equal rate x duration (±1), the mean gap 1/rate (within 2 x max(send-lag p99, 5 ms) spread over the n-1 gaps: only the two end stamps carry lateness into it), and the p99 deviation of single gaps from 1/rate stay within 2 x the send-lag p99 the generator reports (a gap is the difference of two sends' lateness) plus 1 ms for stamping. Poisson: the count must equal the seeded schedule's (the same pacer code computes it here), and the one-sample Kolmogorov-Smirnov statistic of the gaps against the exponential with the planned rate (not estimated, so the classical critical value c(alpha)/(sqrt(n)+0.12+0.11/sqrt(n)) applies) must stay below the critical value at alpha = ${o.alpha}; the schedule itself is tested the same way, to separate the pacer's maths from the wire.`,
      'Lateness on the wire: each arrival minus its intended time (matched by rank; the unknown clock offset is removed by taking the earliest request as on time). Its p99 must be explained by what both processes report about themselves: the generator\'s worst send lag plus the arrival server\'s worst event-loop delay (a stamp is late by at most how late the server runs its callbacks) plus 2 ms. Worst cases, not p99s, because one pause of either process delays a run of consecutive requests. This shows the generator\'s own lateness signal is honest. A stage whose generator reports itself invalid is run again (up to 3 attempts).',
    ],
    rows, extra, pass: rows.every((r) => r.pass), seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * Rows for a fast Poisson stage: KS of the gaps at the server against the planned
 * exponential, and the generator's own arrivals flag (generator.arrivals, computed from
 * its send times) agreeing with the wire. Millisecond timers fail the first at a few
 * hundred req/s (gaps in whole milliseconds); the fine pacer is what makes it pass.
 */
async function fastPoissonRows(gen: LoadGenerator, rec: ArrivalRecorder, rate: number, o: ArrivalOptions, seedOffset: number): Promise<CheckRow[]> {
  const plan = accuracyPlan('127.0.0.1', rec.port, { rate, durationMs: o.durationMs, connections: Math.max(8, Math.ceil(rate / 250)), arrival: 'poisson', seed: o.seed + seedOffset });
  const { m, take } = await stageWithRetry(gen, rec, plan);
  const g = gaps(take.times);
  const d = ksStatistic(g, exponentialCdf(rate / 1000));
  const crit = ksCritical(g.length, o.alpha);
  const own = m.generator.arrivals ?? null;
  // the generator's flag is judged at its own significance level: compare like with like
  const ownAlphaOk = d < ksCritical(g.length, ARRIVALS_ALPHA);
  return [
    { case: `Poisson ${rate} req/s: KS D of the gaps at the server vs Exp(${rate}/s), n=${g.length}`, expected: `< ${crit.toFixed(4)} (critical, alpha=${o.alpha})`, measured: `${d.toFixed(4)} (generator send lag p99 ${(m.generator.sendLagP99Ms ?? 0).toFixed(2)} ms)`, tolerance: '-', pass: d < crit },
    { case: `Poisson ${rate} req/s: the generator's own arrivals flag agrees with the wire`, expected: `${ownAlphaOk ? 'ok' : 'flagged'} (the wire at alpha=${ARRIVALS_ALPHA})`, measured: own === null ? 'not checked' : `${own.ok ? 'ok' : 'flagged'} (D ${own.ks} vs ${own.critical})`, tolerance: 'same verdict', pass: own !== null && own.ok === ownAlphaOk },
  ];
}

/**
 * Row: the p99 lateness on the wire must be explained by what the two processes report
 * about themselves: the generator's worst send lag and the server's worst callback delay
 * (one 50 ms pause of either delays ~10 consecutive requests, so worst cases, not p99s,
 * bound a p99 of lateness), plus 2 ms of transport.
 */
function latenessRow(kind: string, arrivals: number[], intended: number[], sendLagMaxMs: number, serverLoopMaxMs: number): CheckRow {
  const late = wireLateness(arrivals, intended);
  const p99 = rankPercentile(late, 99);
  const tol = sendLagMaxMs + serverLoopMaxMs + 2;
  return { case: `${kind}: p99 lateness on the wire (arrival - intended)`, expected: `≤ generator's send lag max ${sendLagMaxMs.toFixed(2)} ms`, measured: `${p99.toFixed(3)} ms (p50 ${rankPercentile(late, 50).toFixed(3)}, max ${late[late.length - 1]!.toFixed(2)} ms)`, tolerance: `+ server loop delay max ${serverLoopMaxMs.toFixed(2)} ms + 2 ms (stamping, transport)`, pass: p99 <= tol };
}
