import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runScenario } from '../../harness/run.js';
import { runGate } from '../../harness/gate/run-gate.js';

/**
 * Real load, real gateways: a candidate whose every request is delayed 50 ms by the
 * reference gateway's debug delay fails the relative gate (exit 1) on p50. The delay is
 * about ten times the base's p50 on this scenario: with only 3 pairs the bootstrap lower
 * bound is the worst pair, so one base trial stalled by a busy machine must still not
 * reach the candidate's latency. confirmPairs is 0 in the fixture: a suspect is final.
 */

const SCENARIO = resolve('test/gate/fixtures/gate-tiny.yaml');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-gate-it-fail-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('a candidate with +50 ms per request fails the gate (exit 1, p50 regression)', { timeout: 150_000 }, async () => {
  const run = await runGate({
    scenarioFile: SCENARIO, out: dir, runScenario,
    targets: { base: { impl: 'reference' }, candidate: { impl: 'reference', debugDelayMs: 50 } },
  });
  const v = run.report.verdict;
  assert.equal(run.report.trials.length, 6, JSON.stringify(v));
  assert.equal(run.exitCode, 1, JSON.stringify(v));
  assert.equal(v.status, 'fail');
  const p50 = run.report.comparisons.find((c) => c.metric === 'p50')!;
  assert.equal(p50.verdict, 'regression');
  assert.equal(p50.pairsWorse, 3);
  assert.ok(v.reasons.some((r) => /regression: stage c10 p50/.test(r)), JSON.stringify(v.reasons));
});
