import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import { countingServer, testPlan } from './helpers.js';

// A distributed agent starts each stage at a scheduled time (startAtEpochMs): the warm-up
// begins exactly then when the ramp is done in time, and as soon as possible (visibly later)
// when it is not. The raw worker results are handed out before they are merged.

test('runStage startAtEpochMs: warm-up starts at the scheduled time; a past time starts at once and shows it', { timeout: 60_000 }, async () => {
  const server = await countingServer();
  const lg = await LoadGenerator.start({ workers: 1 });
  try {
    const plan = testPlan(server.port, { connections: 2, rate: 50, warmupMs: 200, durationMs: 500 });
    const at = Date.now() + 1500;
    let raw: WorkerResult[] = [];
    const m = await lg.runStage(plan, { startAtEpochMs: at, onWorkerResults: (r) => { raw = r; } });
    assert.ok(Math.abs(m.measureStartEpochMs - plan.warmupMs - at) < 1, `warm-up began ${m.measureStartEpochMs - plan.warmupMs - at} ms from the schedule`);
    assert.equal(raw.length, 1, 'the one worker\'s raw result');
    assert.equal(raw[0]!.issued, m.requests);

    const past = Date.now() - 5000;
    const late = await lg.runStage(plan, { startAtEpochMs: past });
    assert.ok(late.measureStartEpochMs - plan.warmupMs - past > 4000, 'a start time already gone is not honoured silently: the real start is later');
  } finally {
    await lg.close();
    await server.close();
  }
});
