import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHistogram, newHistogram, recordUs } from '../../core/hdr.js';
import type { Scenario, StageSpec } from '../../core/scenario/types.js';
import type { StageMeasurement } from '../../loadgen/types.js';
import { capacityStage, nextProbeRate, probeOk } from '../../harness/capacity.js';
import { Sampler } from '../../harness/sampler.js';

/** A measurement whose every request took `ms` (so p99 = ms), at `rate` req/s for 1 s. */
function measurement(rate: number, ms: number, valid = true, sentFraction = 1): StageMeasurement {
  const h = newHistogram();
  for (let i = 0; i < rate; i++) recordUs(h, ms * 1000);
  const hdr = encodeHistogram(h);
  const now = Date.now();
  return {
    index: 0, connectionCounts: { requested: 10, established: 10, failed: 0, reopened: 0, failedByErrno: {}, active: 10, selection: 'round-robin' }, openAtEnd: 10,
    requests: rate, errors: {}, connectionsOpenedInWindow: 0, measureStartEpochMs: now - 1000, measureEndEpochMs: now,
    achievedRps: rate, offeredRps: rate, latencyHdr: hdr, serviceHdr: hdr,
    intervals: [{ startMs: 0, endMs: 1000, phase: 'measure', hdr, count: rate, errors: 0 }],
    generator: { valid, reasons: valid ? [] : ['send lag too high'], sendLagP99Ms: 0, sendLagMaxMs: 0, eventLoopP99Ms: 0, lagBoundMs: 0, lagBoundRule: 'test', cpu: 0.1, workers: 1, intended: rate, sent: Math.round(rate * sentFraction) },
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

test('capacity probe verdict: a lagging generator cannot turn a pass into a fail, so a pass within the SLO stands; outside it the probe is undecided', () => {
  const slo = { p99Ms: 100, errorRate: 0.005 };
  const lagging = { valid: false, intended: 5000, sent: 5000 };
  assert.deepEqual(probeOk({ p99Ms: 20, errorRate: 0 }, { valid: true }, slo), { ok: true, despiteLag: false });
  assert.deepEqual(probeOk({ p99Ms: 20, errorRate: 0 }, lagging, slo), { ok: true, despiteLag: true });
  assert.deepEqual(probeOk({ p99Ms: 140, errorRate: 0 }, lagging, slo), { ok: false, despiteLag: false });
  assert.deepEqual(probeOk({ p99Ms: 20, errorRate: 0.01 }, lagging, slo), { ok: false, despiteLag: false });
  // A generator that did not send the planned requests did not offer the rate: no pass.
  assert.deepEqual(probeOk({ p99Ms: 20, errorRate: 0 }, { valid: false, intended: 5000, sent: 4000 }, slo), { ok: false, despiteLag: false });
  assert.deepEqual(probeOk({ p99Ms: 20, errorRate: 0 }, { valid: false }, slo), { ok: false, despiteLag: false });
});

test('capacity search: probes with a lagging generator pass within the SLO, the stage stays invalid, and a lagging miss ends the search as undecided', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-capacity-lag-'));
  const sampler = new Sampler({ pid: null, metricsUrl: null, upstreamStats: null, heapMetrics: [] });
  try {
    const st = await capacityStage({
      s: scenario, spec, sampler, runStartMs: Date.now() - 5000, dir, note: () => undefined,
      runProbe: async (rate) => {
        const before = await sampler.sampleNow();
        // The generator falls behind at every rate; the target meets the SLO up to 900 req/s;
        // at 1000 req/s and up the generator also fails to send the plan.
        const m = measurement(rate, rate <= 900 ? 4 : 40, false, rate >= 1000 ? 0.5 : 1);
        return { m, before, after: await sampler.sampleNow() };
      },
    });
    assert.equal(st.capacity?.rps, 800);
    assert.deepEqual(st.capacity?.probes.map((p) => [p.rate, p.ok, p.okDespiteLag === true]), [
      [200, true, true], [400, true, true], [800, true, true], [1600, false, false], [1200, false, false], [1000, false, false],
    ]);
    assert.equal(st.status, 'invalid', 'the stage\'s latency figures come from a probe whose generator fell behind: not a result');
  } finally {
    await sampler.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('capacity search with halfProbe: one more probe at half the capacity found, outside the search and the stage figures', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-capacity-half-'));
  const sampler = new Sampler({ pid: null, metricsUrl: null, upstreamStats: null, heapMetrics: [] });
  const withHalf = { ...scenario, load: { ...scenario.load, capacity: { ...scenario.load.capacity, halfProbe: true } } } as Scenario;
  const probed: number[] = [];
  try {
    const st = await capacityStage({
      s: withHalf, spec, sampler, runStartMs: Date.now() - 5000, dir, note: () => undefined,
      runProbe: async (rate) => {
        probed.push(rate);
        const before = await sampler.sampleNow();
        // 2 ms at half capacity and below, 4 ms up to capacity, 40 ms above: the half probe is told apart by its latency.
        const m = measurement(rate, rate <= 400 ? 2 : rate <= 900 ? 4 : 40, rate !== 400 || probed.length < 7);
        return { m, before, after: await sampler.sampleNow() };
      },
    });
    assert.deepEqual(probed, [200, 400, 800, 1600, 1200, 1000, 400], 'the search, then half of 800');
    assert.equal(st.capacity?.probes.length, 6, 'the half probe is not a search probe');
    assert.equal(st.capacity?.rps, 800);
    assert.equal(st.achievedRps, 800, 'the stage still reports the best passing probe');
    const half = st.capacity?.half;
    assert.equal(half?.rate, 400);
    assert.ok(Math.abs(half!.maxMs - 2) < 0.01 && Math.abs(half!.p999Ms - 2) < 0.01 && Math.abs(half!.p99Ms - 2) < 0.01, JSON.stringify(half));
    assert.equal(half?.valid, false, 'the generator fell behind in the half probe: said, so its figures read as bounds');
  } finally {
    await sampler.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('load.capacity.halfProbe: a boolean; anything else is refused by its path', async () => {
  const { parseScenario } = await import('../../core/scenario/load.js');
  const base = readFileSync(join(process.cwd(), 'scenarios', 'smoke.yaml'), 'utf8');
  const withHalf = (v: string): string => base.replace(/^load:\n/m, `load:\n  capacity: { halfProbe: ${v} }\n`);
  assert.equal(parseScenario(withHalf('true'), 'x.yaml').scenario?.load.capacity.halfProbe, true);
  assert.equal(parseScenario(base, 'x.yaml').scenario?.load.capacity.halfProbe, false);
  const bad = parseScenario(withHalf('"yes"'), 'x.yaml');
  assert.equal(bad.scenario, undefined);
  assert.ok(bad.problems.some((p) => p.path === 'load.capacity.halfProbe' && /must be boolean/.test(p.message)), JSON.stringify(bad.problems));
});
