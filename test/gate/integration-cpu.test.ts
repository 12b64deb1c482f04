import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runScenario } from '../../harness/run.js';
import { runGate } from '../../harness/gate/run-gate.js';

/**
 * Issue #13's case, kept small: the candidate burns 300 us of CPU per proxied request
 * (GW_DEBUG_CPU_US; the reference gateway's whole cost is about 80-120 us), at the load of
 * scenarios/smoke.yaml's first stage under --quick (test/gate/fixtures/gate-cpu.yaml), with
 * the gate's DEFAULT metrics and limits. Before, the gate had no CPU data and came out
 * inconclusive (exit 0) or failed on latency by chance. Now cpu_per_request, read from
 * stages[].cpu.perRequestUs, must confirm a regression and the gate must exit 1.
 * 3 + 3 pairs keep the wall time near two minutes; the confirmation stage runs because
 * CPU is suspect after stage 1.
 */

const SCENARIO = resolve('test/gate/fixtures/gate-cpu.yaml');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-gate-it-cpu-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('a candidate burning 300 us of CPU per request fails the gate on cpu_per_request (exit 1)', { timeout: 400_000 }, async () => {
  const run = await runGate({
    scenarioFile: SCENARIO, out: dir, runScenario,
    targets: { base: { impl: 'reference' }, candidate: { impl: 'reference', debugCpuUs: 300 } },
  });
  const v = run.report.verdict;
  assert.equal(run.exitCode, 1, JSON.stringify(v));
  assert.equal(v.status, 'fail');
  const cpu = run.report.comparisons.find((c) => c.metric === 'cpu_per_request')!;
  assert.equal(cpu.verdict, 'regression', cpu.reason);
  assert.equal(cpu.n, 6, 'suspect after stage 1, confirmed over 3 + 3 pairs');
  assert.ok(cpu.ratio! > 1.1 && cpu.lower! > 1, `CPU per request ratio ${cpu.ratio} [${cpu.lower}, ${cpu.upper}]`);
  assert.ok(v.reasons.some((r) => /regression: stage \S+ cpu_per_request/.test(r)), JSON.stringify(v.reasons));
  // Every default metric is one the results carry. Only p99 is not compared: 600-request
  // trials hold 6 requests beyond it, fewer than the 50 the gate needs, and it says so.
  const unavailable = run.report.comparisons.filter((c) => c.verdict === 'unavailable');
  assert.deepEqual(unavailable.map((c) => c.metric), ['p99']);
  assert.match(unavailable[0]!.reason, /^p99: a trial holds \d+ requests, so its p99 rests on its \d+ slowest; comparing it needs 5000 per trial/);
});
