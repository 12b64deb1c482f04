import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageCpu } from '../../harness/stage-cpu.js';
import type { Sample } from '../../harness/sampler.js';

/** CPU per request from the sampler's /proc readings in the window (pure). */

const sample = (at: number, cpuSeconds: number | null): Sample => ({ at, cpuSeconds, rssBytes: null, processes: 2, heap: null, gateway: null, upstream: null, kernel: { listenOverflows: null, listenDrops: null, retransSegs: null, timeWait: null } } as unknown as Sample);

test('CPU seconds over the readings span / the requests the achieved rate puts in it', () => {
  const c = stageCpu([sample(1000, 5), sample(2000, 5.05), sample(3000, 5.1)], 500, 2);
  assert.ok(Math.abs(c.targetSeconds! - 0.1) < 1e-9);
  assert.ok(Math.abs(c.perRequestUs! - 100) < 1e-6, String(c.perRequestUs)); // 0.1 s / (500/s x 2 s)
  assert.deepEqual([c.processes, c.reason], [2, null]);
});

test('null with a reason, never 0: no pid, too short a span, a shrinking tree', () => {
  assert.match(stageCpu([sample(1000, null), sample(2000, null)], 500, null).reason!, /no target pid/);
  assert.match(stageCpu([sample(1000, 1)], 500, 1).reason!, /fewer than two CPU readings/);
  assert.match(stageCpu([sample(1000, 1), sample(1500, 1.1)], 500, 1).reason!, /span 0\.50 s/);
  const lost = stageCpu([sample(1000, 2), sample(2500, 1)], 500, 1);
  assert.equal(lost.perRequestUs, null);
  assert.match(lost.reason!, /process exited/);
});
