import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import { DEFAULT_HEALTH_LIMITS } from '../../loadgen/health.js';
import { startFastTarget } from '../../harness/accuracy/arrival-recorder.js';
import { testPlan } from './helpers.js';

/**
 * One worker asked for far more than one process can send must say so: the stage is invalid,
 * with reasons. The target must not be the bottleneck, or the worker keeps its schedule and
 * the overload shows up (rightly) as the target's backlog errors, not as a generator fault:
 * with a node:http target at 22k req/s and 50 connections the worker sent on time (send lag
 * max 5 ms) and the stage was valid in CI. So the target is the canned-200 TCP server of
 * the saturation check (no HTTP parsing, child process), with enough connections that one
 * is free when the pacer wants it.
 */

let gen: LoadGenerator;
let server: Awaited<ReturnType<typeof startFastTarget>>;

before(async () => {
  server = await startFastTarget(null);
  gen = await LoadGenerator.start({ workers: 1 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

  // Which signal trips first depends on how fast the worker is on this machine: a slow one
  // misses its schedule or saturates its CPU; a fast one keeps issuing but sends late.
// 400k req/s: on Node 24 with the host's halt polling on, one worker completed 196k req/s
// (December), so 200k no longer sat safely beyond what one process can do.
test('400k req/s from one worker: stage invalid, reasons name what fell behind', async (t) => {
  const m = await gen.runStage(testPlan(server.port, {
    connections: 256, rate: 400_000, durationMs: 2000, requestTimeoutMs: 1000, maxQueue: 100_000, health: { ...DEFAULT_HEALTH_LIMITS },
  }));
  t.diagnostic(`intended ${m.generator.intended}, sent ${m.generator.sent}, achieved ${Math.round(m.achievedRps)} req/s, cpu ${m.generator.cpu.toFixed(2)}; reasons: ${m.generator.reasons.join(' | ')}`);
  assert.equal(m.generator.valid, false);
  assert.ok(m.generator.reasons.length > 0);
  assert.ok(m.generator.reasons.some((r) => /generator lag bound|send lag p99|schedule lag p99|event-loop delay p99|intended requests were sent|CPU .* exceeds/.test(r)), m.generator.reasons.join(' | '));
  assert.equal(m.generator.intended, 800_000, 'the intended sends are counted whether or not they went out');
  assert.ok(m.achievedRps < 400_000 * 0.97);
});

test('the same worker at a modest rate afterwards is valid again (health is per stage; lenient timing limits on this shared box)', async () => {
  const m = await gen.runStage(testPlan(server.port, { connections: 4, rate: 200, durationMs: 1000 }));
  assert.equal(m.generator.valid, true, m.generator.reasons.join(' | '));
  assert.equal(m.requests, 200);
});
