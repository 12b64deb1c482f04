import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHistogram, newHistogram, recordUs } from '../../core/hdr.js';
import type { Scenario, StageSpec } from '../../core/scenario/types.js';
import type { StageMeasurement } from '../../loadgen/types.js';
import { capacityStage, nextProbeRate } from '../../harness/capacity.js';
import { Sampler } from '../../harness/sampler.js';

/** A measurement whose every request took `ms` (so p99 = ms), at `rate` req/s for 1 s. */
function measurement(rate: number, ms: number, valid = true): StageMeasurement {
  const h = newHistogram();
  for (let i = 0; i < rate; i++) recordUs(h, ms * 1000);
  const hdr = encodeHistogram(h);
  const now = Date.now();
  return {
    index: 0, connectionCounts: { requested: 10, established: 10, failed: 0, reopened: 0, failedByErrno: {} }, openAtEnd: 10,
    requests: rate, errors: {}, connectionsOpenedInWindow: 0, measureStartEpochMs: now - 1000, measureEndEpochMs: now,
    achievedRps: rate, offeredRps: rate, latencyHdr: hdr, serviceHdr: hdr,
    intervals: [{ startMs: 0, endMs: 1000, phase: 'measure', hdr, count: rate, errors: 0 }],
    generator: { valid, reasons: valid ? [] : ['send lag too high'], sendLagP99Ms: 0, sendLagMaxMs: 0, eventLoopP99Ms: 0, cpu: 0.1, workers: 1 },
  };
}

const scenario = {
  load: { engine: 'gw-bench', capacity: { minRps: 200, maxRps: 20_000, probes: 6, probeDurationMs: 1000 } },
  slo: { p99Ms: 10, errorRate: 0.01 },
  generator: { maxSendLagP99Ms: 5, maxEventLoopP99Ms: 20, maxCpu: 0.95 },
} as unknown as Scenario;
const spec = { index: 3, name: 'cap', connections: 10, rate: 'capacity', warmupMs: 0, durationMs: 1000 } as unknown as StageSpec;

test('capacity search: doubles until the SLO breaks, bisects, reports the best passing probe and writes its interval log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-capacity-'));
  const sampler = new Sampler({ pid: null, metricsUrl: null, upstreamStats: null, heapMetrics: [] });
  const probed: number[] = [];
  const notes: string[] = [];
  try {
    const st = await capacityStage({
      s: scenario, spec, sampler, runStartMs: Date.now() - 5000, dir, note: (l) => notes.push(l),
      runProbe: async (rate) => {
        probed.push(rate);
        const before = await sampler.sampleNow();
        // The target meets the 10 ms SLO up to 900 req/s, misses it above.
        const m = measurement(rate, rate <= 900 ? 4 : 40);
        return { m, before, after: await sampler.sampleNow() };
      },
    });
    assert.deepEqual(probed, [200, 400, 800, 1600, 1200, 1000]);
    assert.equal(st.capacity?.rps, 800);
    assert.deepEqual(st.capacity?.probes.map((p) => p.ok), [true, true, true, false, false, false]);
    assert.equal(st.status, 'ok');
    assert.equal(st.achievedRps, 800, 'the stage reports the best passing probe');
    assert.equal(st.hlog, '03-cap.hlog');
    assert.match(await readFile(join(dir, '03-cap.hlog'), 'utf8'), /cap@800/);
    assert.equal(notes.length, 6);
  } finally {
    await sampler.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('capacity search: a probe whose generator fell behind counts as a failure, and no passing probe says so', () => {
  const bad = { rate: 200, p99Ms: 1, errorRate: 0, achievedRps: 200, valid: false, ok: false };
  assert.equal(nextProbeRate([bad], 200, 20_000), null);
});
