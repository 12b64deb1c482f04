import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import type { StageProgress } from '../../loadgen/types.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/** onProgress: about once a second, with the fields the harness shows live. */

let gen: LoadGenerator;
let server: CountingServer;
before(async () => {
  server = await countingServer();
  gen = await LoadGenerator.start({ workers: 2 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

test('progress reports phases, open connections, rates, p99 so far and errors while a stage runs', async () => {
  const seen: StageProgress[] = [];
  const t0 = Date.now();
  const m = await gen.runStage(testPlan(server.port, { index: 3, connections: 6, rate: 200, warmupMs: 1000, durationMs: 3000 }), { onProgress: (p) => seen.push(p) });
  const took = Date.now() - t0;
  assert.equal(m.requests, 600);
  // one call per second of the stage, give or take the ramp and the drain
  assert.ok(seen.length >= 3 && seen.length <= Math.ceil(took / 1000) + 1, `${seen.length} calls in ${took} ms`);
  for (const p of seen) {
    assert.equal(p.index, 3);
    assert.equal(p.totalMs, 4000);
    assert.ok(p.elapsedMs >= 0 && p.elapsedMs <= 4000);
    assert.ok(['connect', 'warmup', 'measure'].includes(p.phase));
    assert.equal(p.errors, 0);
  }
  const measuring = seen.filter((p) => p.phase === 'measure');
  assert.ok(measuring.length >= 1, JSON.stringify(seen.map((p) => p.phase)));
  const last = measuring[measuring.length - 1]!;
  assert.equal(last.connectionsOpen, 6);
  assert.ok(last.offeredRps > 0 && last.achievedRps > 0);
  assert.ok(last.p99SoFarMs !== null && last.p99SoFarMs > 0);
  // elapsed time only moves forward
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.elapsedMs >= seen[i - 1]!.elapsedMs);
});
