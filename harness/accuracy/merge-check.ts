import { decodeHistogram } from '../../core/hdr.js';
import type { LoadGenerator } from '../../loadgen/index.js';
import type { UpstreamAdminClient } from '../../upstream/admin-client.js';
import { sumCounter } from '../../upstream/stats.js';
import { compareMerge, syntheticLatenciesUs } from './merge-math.js';
import { accuracyPlan } from './rig.js';
import type { CheckResult, CheckRow } from './types.js';

/** HdrHistogram with 3 significant digits: any recorded value is within 1/2^10 of its bucket's value. */
export const HDR_RELATIVE_PRECISION = 1 / 1024;

/** Check 3: merged histograms equal one histogram of all samples; a real 2-worker run's merged count equals the server's count. */
export async function mergeCheck(gen2: LoadGenerator, target: { host: string; port: number; admin: UpstreamAdminClient }, o: { samples: number; parts: number; rate: number; durationMs: number }): Promise<CheckResult> {
  const t0 = Date.now();
  const rows: CheckRow[] = [];
  const cmp = compareMerge(syntheticLatenciesUs(o.samples, 42), o.parts, 7);
  rows.push({ case: `synthetic: ${o.samples} log-normal samples over ${o.parts} histograms, merged count`, expected: String(o.samples), measured: String(cmp.mergedCount), tolerance: 'exact', pass: cmp.mergedCount === o.samples });
  const extra = ['', '| percentile | merged (µs) | one histogram (µs) | exact sample (µs) | average of per-part percentiles (µs) |', '|---|---|---|---|---|'];
  for (const r of cmp.rows) {
    rows.push({ case: `synthetic: ${r.label} merged vs one histogram`, expected: `${r.single} µs`, measured: `${r.merged} µs`, tolerance: 'exact', pass: r.merged === r.single });
    const tol = Math.max(1, r.exact * HDR_RELATIVE_PRECISION);
    rows.push({ case: `synthetic: ${r.label} merged vs exact sample percentile`, expected: `${r.exact} µs`, measured: `${r.merged} µs`, tolerance: `±${tol.toFixed(1)} µs (HDR 3 digits)`, pass: Math.abs(r.merged - r.exact) <= tol });
    extra.push(`| ${r.label} | ${r.merged} | ${r.single} | ${r.exact} | ${r.averaged.toFixed(0)} |`);
  }
  extra.push('', 'The last column is what averaging percentiles would report (never done in gw-bench).');

  await target.admin.control({ action: 'reset-counters', service: 'user' });
  const m = await gen2.runStage(accuracyPlan(target.host, target.port, { rate: o.rate, durationMs: o.durationMs, connections: 16, warmupMs: 0 }));
  const served = sumCounter(await target.admin.stats(), 'requests', 'user');
  const h = decodeHistogram(m.latencyHdr);
  const intervalSum = m.intervals.filter((i) => i.phase === 'measure').reduce((a, i) => a + decodeHistogram(i.hdr).totalCount, 0);
  rows.push({ case: `real: ${m.generator.workers}-worker run, ${o.rate} req/s for ${o.durationMs / 1000} s: merged histogram count vs requests the server received`, expected: String(served), measured: String(h.totalCount), tolerance: 'exact', pass: h.totalCount === served });
  rows.push({ case: 'real: sum of merged per-second interval histograms vs merged stage histogram', expected: String(h.totalCount), measured: String(intervalSum), tolerance: 'exact', pass: intervalSum === h.totalCount });
  extra.push('', `Real run: ${m.requests} requests issued, errors ${JSON.stringify(m.errors)}, generator ${m.generator.valid ? 'valid' : `INVALID (${m.generator.reasons.join('; ')})`}.`);
  return {
    id: 'merge', title: '3. Histogram merge across workers',
    method: [
      `Synthetic: ${o.samples} seeded log-normal latencies (median 2 ms) are split unevenly over ${o.parts} histograms, each encoded to compressed base64 and merged with \`mergeEncoded\` (what the coordinator does with workers' results). Its percentiles must equal those of one histogram that recorded every sample exactly, and the exact sample percentiles within HdrHistogram's precision (3 significant digits).`,
      'Real: a 2-worker stage against the mock upstream (counters reset first, no warm-up): the merged latency histogram must hold exactly as many values as requests the server counted, and the per-second interval histograms must add up to it.',
    ],
    rows, extra, pass: rows.every((r) => r.pass), seconds: (Date.now() - t0) / 1000,
  };
}
