import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, recordUs } from '../../core/hdr.js';
import { healthReasons, DEFAULT_HEALTH_LIMITS } from '../../loadgen/health.js';
import { mergeIntervals, mergeStage } from '../../loadgen/merge.js';
import { lagBound } from '../../loadgen/lag-bound.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import { mulberry32 } from '../../core/prng.js';
import { testPlan, workerResult } from './helpers.js';

const PCTS = [0, 10, 50, 75, 90, 99, 99.9, 99.99, 100];

test('merge: percentiles of histograms merged across 2 workers equal those of one histogram of all samples', () => {
  const rng = mulberry32(3);
  const all = newHistogram();
  const w0 = newHistogram();
  const w1 = newHistogram();
  for (let i = 0; i < 50_000; i++) {
    // worker 0 sees fast responses, worker 1 a slow tail: averaging their p99s would be wrong
    const v0 = 200 + rng() * 800;
    const v1 = rng() < 0.05 ? 50_000 + rng() * 450_000 : 300 + rng() * 2000;
    recordUs(w0, v0); recordUs(all, v0);
    recordUs(w1, v1); recordUs(all, v1);
  }
  const merged = mergeEncoded([encodeHistogram(w0), encodeHistogram(w1)]);
  assert.equal(merged.totalCount, 100_000);
  for (const p of PCTS) assert.equal(merged.getValueAtPercentile(p), all.getValueAtPercentile(p), `p${p}`);
  const averagedP99 = (w0.getValueAtPercentile(99) + w1.getValueAtPercentile(99)) / 2;
  assert.notEqual(merged.getValueAtPercentile(99), averagedP99);
});

test('encode/decode round trip keeps every count', () => {
  const h = newHistogram();
  for (const v of [0, 1, 999, 1000, 123456, 5_000_000]) recordUs(h, v);
  const back = decodeHistogram(encodeHistogram(h));
  assert.equal(back.totalCount, 6);
  for (const p of PCTS) assert.equal(back.getValueAtPercentile(p), h.getValueAtPercentile(p), `p${p}`);
  assert.equal(decodeHistogram('').totalCount, 0);
});

test('mergeStage: sums counters, adds histograms, keeps intervals aligned', () => {
  const plan = testPlan(1, { connections: 4, durationMs: 2000, rate: 100 });
  const m = mergeStage(plan, [workerResult(0), workerResult(1)], 2);
  assert.deepEqual(m.connectionCounts, { requested: 4, established: 4, failed: 0, reopened: 2, failedByErrno: {}, active: 4, selection: 'round-robin' });
  assert.deepEqual(m.errors, { timeout: 2, expected_401: 6 });
  assert.equal(m.requests, 200);
  assert.equal(m.achievedRps, 99);
  assert.equal(m.offeredRps, 100);
  assert.equal(m.connectionsOpenedInWindow, 2);
  assert.equal(m.measureStartEpochMs, 1000);
  assert.equal(decodeHistogram(m.latencyHdr).totalCount, 2);
  assert.deepEqual(m.intervals.map((i) => [i.startMs, i.endMs, i.phase, i.count, i.errors]), [[-1000, 0, 'warmup', 2, 0], [0, 1000, 'measure', 2, 2]]);
  assert.equal(m.generator.valid, true);
  assert.equal(m.generator.sendLagMaxMs, 2);
});

test('mergeStage: one saturated worker makes the stage invalid, with the reason', () => {
  const plan = testPlan(1, { health: { ...DEFAULT_HEALTH_LIMITS } });
  const m = mergeStage(plan, [workerResult(0), workerResult(1, { cpu: 0.99, intended: 1000, issued: 500 })], 2);
  assert.equal(m.generator.valid, false);
  assert.deepEqual(m.generator.reasons, [
    'worker 1: CPU 0.99 of a core exceeds the limit of 0.95 (generator saturated)',
    'only 600 of 1100 intended requests were sent (54.55% < 97%): the generator could not offer the planned rate',
  ]);
  assert.equal(m.generator.cpu, 0.99);
});

test('DEFAULT_HEALTH_LIMITS: the scenario defaults, so a rig judges its generator as a run does', () => {
  assert.deepEqual({ ...DEFAULT_HEALTH_LIMITS }, { maxSendLagP99Ms: 10, maxEventLoopP99Ms: 25, maxCpu: 0.95 });
});

test('healthReasons: each limit on its own', () => {
  const ok = { lag: lagBound({ sendLag: null, longGapsMs: null, eventLoopMaxMs: null, windowMs: 1000, measuredP99Ms: 20, floorMs: 5 }), eventLoopP99Ms: [1], cpu: [0.5], intended: 100, issued: 100, aborted: false };
  assert.deepEqual(healthReasons(DEFAULT_HEALTH_LIMITS, ok), []);
  const late = { ...ok.lag, boundMs: 7, ok: false };
  assert.match(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, lag: late })[0]!, /^generator lag bound 7 ms exceeds the allowed 5 ms/);
  assert.deepEqual(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, lag: null }), [], 'an engine without send times is judged by the other checks');
  assert.match(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, eventLoopP99Ms: [1, 26] })[0]!, /^worker 1: event-loop delay p99 26 ms exceeds the limit of 25 ms/);
  assert.deepEqual(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, issued: 97 }), [], '97% sent is enough');
  assert.equal(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, issued: 96 }).length, 1);
  assert.deepEqual(healthReasons(DEFAULT_HEALTH_LIMITS, { ...ok, aborted: true }), ['stage was aborted before its end']);
});

test('mergeIntervals: missing intervals in one worker do not shift the others', () => {
  const a = workerResult(0);
  const b = workerResult(1, { intervals: [a.intervals[1]!] });
  const iv = mergeIntervals([a, b]);
  assert.deepEqual(iv.map((i) => [i.startMs, i.count]), [[-1000, 1], [0, 2]]);
});

test('generator memory: workers\' RSS summed, the part above their idle base per held connection; null when a worker did not report', async () => {
  const { generatorMemory } = await import('../../loadgen/merge.js');
  const a = workerResult(0, { rssBytes: 60e6, baseRssBytes: 50e6 });
  const b = workerResult(1, { rssBytes: 70e6, baseRssBytes: 50e6 });
  assert.deepEqual(generatorMemory([a, b], 10_000), { rssBytes: 130e6, rssPerConnectionBytes: 3000 });
  assert.deepEqual(generatorMemory([a, b], 0), { rssBytes: 130e6, rssPerConnectionBytes: null });
  assert.deepEqual(generatorMemory([a, workerResult(1)], 10), { rssBytes: null, rssPerConnectionBytes: null });
});
