import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runScenario } from '../../harness/run.js';
import { runGate } from '../../harness/gate/run-gate.js';

/**
 * Real load, real gateways: the relative gate passes the reference gateway against
 * itself. 3 ABBA pairs of a 3.5 s stage (test/gate/fixtures/gate-tiny.yaml). Asserts the
 * verdict and the bookkeeping, never a latency figure.
 */

const SCENARIO = resolve('test/gate/fixtures/gate-tiny.yaml');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-gate-it-pass-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('A/A: reference vs reference passes (exit 0)', { timeout: 150_000 }, async () => {
  const run = await runGate({
    scenarioFile: SCENARIO, out: dir, runScenario, onInconclusive: 'fail',
    targets: { base: { impl: 'reference' }, candidate: { impl: 'reference' } },
  });
  const v = run.report.verdict;
  assert.equal(run.report.trials.length, 6, JSON.stringify(v));
  assert.ok(run.report.trials.every((t) => t.status === 'ok'), JSON.stringify(run.report.trials.map((t) => t.notes)));
  // The fixture has no warn band (warn = fail = 2x on p50): an A/A gate passes.
  assert.equal(v.status, 'pass', JSON.stringify(v));
  assert.equal(run.exitCode, 0, JSON.stringify(v));
  const p50 = run.report.comparisons.find((c) => c.metric === 'p50')!;
  assert.equal(p50.n, 3);
  assert.equal(p50.verdict, 'pass', p50.reason);
  assert.ok(run.report.thresholds.every((t) => t.outcome === 'pass'), JSON.stringify(run.report.thresholds.map((t) => t.message)));
  const g = JSON.parse(await readFile(join(dir, 'gate.json'), 'utf8'));
  assert.equal(g.design.order[0].replace(/ /g, '').length, 6);
  assert.ok(g.trials.every((t: { dir: string }) => t.dir.startsWith(join(dir, 'trials'))));
});
