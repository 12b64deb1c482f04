import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { FINE_TIMER_DEFAULTS } from '../../loadgen/fine-timer.js';
import { LoadGenerator } from '../../loadgen/load-generator.js';
import { countingServer, testPlan } from './helpers.js';
import { spinBudget } from '../../loadgen/spin-budget.js';
import { splitStage } from '../../loadgen/plan/workers.js';
import { cpuListMembers } from '../../core/processes/taskset.js';

test('cpuListMembers reads taskset lists', () => {
  assert.deepEqual(cpuListMembers('0'), [0]);
  assert.deepEqual(cpuListMembers('0-3'), [0, 1, 2, 3]);
  assert.deepEqual(cpuListMembers('0,2-3'), [0, 2, 3]);
  assert.deepEqual(cpuListMembers(' 1 , 4 - 5 '), [1, 4, 5]);
  assert.deepEqual(cpuListMembers('x,3-1'), []);
});

test('spinBudget: spin only when every worker can have a CPU of its own', () => {
  assert.equal(spinBudget(1, '0'), FINE_TIMER_DEFAULTS.budget);
  assert.equal(spinBudget(2, '0-1'), FINE_TIMER_DEFAULTS.budget);
  assert.equal(spinBudget(2, '0'), 0);
  assert.equal(spinBudget(7, '0'), 0);
  assert.equal(spinBudget(availableParallelism(), null), FINE_TIMER_DEFAULTS.budget);
  assert.equal(spinBudget(availableParallelism() + 1, undefined), 0);
});

test('workers that share a CPU pace with millisecond timers (no spin); a worker alone on a CPU spins', async (t) => {
  const server = await countingServer((_req, res) => { res.writeHead(200, { 'content-length': '0' }); res.end(); });
  const shared = await LoadGenerator.start({ workers: 2, cpuList: '0' });
  const alone = await LoadGenerator.start({ workers: 1, cpuList: '0' });
  try {
    if (shared.cpuList !== '0') { t.skip('taskset is not available: nothing is pinned'); return; }
    assert.equal(shared.spinBudget(), 0);
    assert.equal(shared.spinBudget(1), FINE_TIMER_DEFAULTS.budget, 'a stage carried by one of the two workers may spin');
    assert.equal(alone.spinBudget(), FINE_TIMER_DEFAULTS.budget);
    const plan = testPlan(server.port, { connections: 4, rate: 400, durationMs: 1000 });
    const a = await shared.runStage(plan);
    const b = await alone.runStage(plan);
    assert.ok(a.requests > 0 && b.requests > 0);
    assert.equal(a.generator.pacerPolledMs, 0, 'two workers on one CPU never spin');
    assert.ok((b.generator.pacerPolledMs ?? 0) > 0, `one worker on its own CPU spins before sends (polled ${b.generator.pacerPolledMs} ms)`);
    // The same two workers, but a stage only the first carries (as workers: auto plans small steps): it spins.
    const one = { ...plan, index: 1, workers: splitStage(plan.connections, plan.rate, plan.connectRate, plan.seed, 2, 1).workers };
    const c = await shared.runStage(one);
    assert.equal(c.generator.activeWorkers, 1);
    assert.ok((c.generator.pacerPolledMs ?? 0) > 0, `a stage carried by one of two workers on one CPU spins (polled ${c.generator.pacerPolledMs} ms)`);
  } finally {
    await shared.close();
    await alone.close();
    await server.close();
  }
});
