import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runGate } from '../../harness/gate/run-gate.js';
import type { RunScenario, RunScenarioOptions } from '../../harness/gate/trial-runner.js';
import { deriveSeed, mulberry32 } from '../../core/prng.js';
import { bootstrapMedianRatio } from '../../harness/gate/stats.js';
import { result, stage } from './fixtures.js';

/**
 * runGate's relative and calibration modes with a fake runScenario (fixture results, no
 * load): what reaches runScenario (targets, seeds, output folders) and what is written.
 */

const SCENARIO = resolve('scenarios/smoke.yaml');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-run-gate-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

function fakeRunner(slowdown: number): { run: RunScenario; calls: RunScenarioOptions[] } {
  const noise = mulberry32(11);
  const calls: RunScenarioOptions[] = [];
  return {
    calls,
    run: async (o) => {
      calls.push(o);
      const f = (o.target?.debugDelayMs ? slowdown : 1) * (0.98 + 0.04 * noise());
      return { result: result([stage({ index: 0, name: 'c20', p50: 2 * f, p99: 9 * f }), stage({ index: 1, name: 'c100', p50: 3 * f, p99: 12 * f })]), dir: o.out!, exitCode: 0 };
    },
  };
}

const targets = { base: { impl: 'reference' }, candidate: { impl: 'reference', debugDelayMs: 5 } };

test('relative mode: equal variants pass; trials carry pair seeds, targets and their own folders', async () => {
  const f = fakeRunner(1);
  const out = join(dir, 'equal');
  const run = await runGate({ scenarioFile: SCENARIO, baseRef: 'unused-with-injected-targets', targets, runScenario: f.run, out, pairs: 4, seed: 5 });
  assert.equal(run.exitCode, 0, JSON.stringify(run.report.verdict));
  assert.equal(f.calls.length, 8);
  const byPair = new Map<number, RunScenarioOptions[]>();
  run.report.trials.forEach((t, i) => byPair.set(t.pair, [...(byPair.get(t.pair) ?? []), f.calls[i]!]));
  for (const [, two] of byPair) {
    assert.equal(two[0]!.seed, two[1]!.seed);
    assert.deepEqual(two.map((c) => c.target?.debugDelayMs ?? 0).sort(), [0, 5]);
  }
  assert.equal(new Set(f.calls.map((c) => c.out)).size, 8);
  assert.ok(f.calls.every((c) => c.out!.startsWith(join(out, 'trials'))));
  const g = JSON.parse(await readFile(join(out, 'gate.json'), 'utf8'));
  assert.equal(g.mode, 'relative');
  assert.equal(g.trials.length, 8);
  assert.equal(g.design.pairs, 4);
  assert.equal(g.design.order.length, 1);
  // p50, p99, achieved_rps, cpu_per_request on both stages; the fixtures carry stages[].cpu, so CPU per request is compared too.
  assert.equal(g.comparisons.length, 8);
  assert.ok(g.comparisons.some((c: { metric: string; ratio: number | null }) => c.metric === 'cpu_per_request' && c.ratio !== null), JSON.stringify(g.comparisons.map((c: { metric: string }) => c.metric)));
  assert.deepEqual(g.thresholds.map((t: { expr: string }) => t.expr).slice(0, 3), ['p99 < 500ms', 'p99 < 500ms', 'errors < 1%']);
  const bmf = JSON.parse(await readFile(join(out, 'bmf.json'), 'utf8'));
  assert.deepEqual(Object.keys(bmf).sort(), ['smoke/c100', 'smoke/c20']);
  assert.ok(bmf['smoke/c20'].p50_ratio.lower_value <= bmf['smoke/c20'].p50_ratio.value);
});

test('relative mode: a 40% slower candidate is confirmed and fails with exit 1', async () => {
  const f = fakeRunner(1.4);
  const out = join(dir, 'slow');
  const run = await runGate({ scenarioFile: SCENARIO, baseRef: 'x', targets, runScenario: f.run, out, pairs: 4, confirmPairs: 4 });
  assert.equal(run.exitCode, 1);
  assert.equal(f.calls.length, 16, '4 pairs, then 4 confirmation pairs');
  assert.equal(run.report.verdict.status, 'fail');
  const regressed = run.report.comparisons.filter((c) => c.verdict === 'regression').map((c) => `${c.stageName}/${c.metric}`).sort();
  assert.deepEqual(regressed, ['c100/p50', 'c100/p99', 'c20/p50', 'c20/p99']);
  const md = await readFile(join(out, 'summary.md'), 'utf8');
  assert.match(md, /gw-bench gate: \*\*fail\*\* \(exit 1\)/);
  assert.match(md, /\| c20 \| p50 \| .* \| regression \|/);
  const junit = await readFile(join(out, 'junit.xml'), 'utf8');
  assert.match(junit, /<testsuite name="relative" tests="8" failures="4"/);

  // gate.json is enough to re-derive every interval: same pairs, same derived seed.
  const g = JSON.parse(await readFile(join(out, 'gate.json'), 'utf8'));
  const derived = g.comparisons.filter((c: { ratio: number | null }) => c.ratio !== null);
  assert.equal(derived.length, 8, 'p50, p99, achieved_rps and cpu_per_request on two stages');
  for (const c of derived) {
    const iv = bootstrapMedianRatio(c.logRatios.filter((x: number | null) => x !== null), {
      resamples: g.design.resamples, confidence: g.design.confidence, seed: deriveSeed(g.design.seed, `bootstrap/${c.stage}/${c.metric}/${c.gateStage}`),
    });
    assert.deepEqual([iv.ratio, iv.lower, iv.upper], [c.ratio, c.lower, c.upper], `${c.stageName}/${c.metric}`);
  }
});

test('calibrate: A/A over 16 pairs by default, both variants on the base target, suggestions written', async () => {
  const f = fakeRunner(3);
  const out = join(dir, 'cal');
  const run = await runGate({ scenarioFile: SCENARIO, calibrate: true, targets, runScenario: f.run, out });
  assert.equal(run.exitCode, 0);
  assert.equal(f.calls.length, 32);
  assert.ok(f.calls.every((c) => !c.target?.debugDelayMs), 'A/A: the base target on both sides');
  const cal = run.report.calibration!;
  assert.equal(cal.pairs, 16);
  const p50 = cal.metrics.find((m) => m.stageName === 'c20' && m.metric === 'p50')!;
  assert.equal(p50.gatePairs, 8);
  // +-2% noise: gate-level noise is a few percent at most, so the suggestions stay small.
  assert.ok(p50.p95AbsLogGate! > 0 && p50.p95AbsLogGate! < 0.03, String(p50.p95AbsLogGate));
  assert.ok(p50.suggestedFail! >= 2 * (Math.exp(p50.p95AbsLogGate!) - 1) - 0.01 && p50.suggestedFail! <= 0.06);
  const g = JSON.parse(await readFile(join(out, 'gate.json'), 'utf8'));
  assert.equal(g.calibration.metrics.length, cal.metrics.length);
  assert.match(await readFile(join(out, 'summary.md'), 'utf8'), /### Calibration \(A\/A\)/);
});

test('--stage selects stages by name or index and passes the filter to every run', async () => {
  const f = fakeRunner(1);
  await runGate({ scenarioFile: SCENARIO, targets, runScenario: f.run, out: join(dir, 'stage'), pairs: 2, confirmPairs: 0, stages: ['100'] });
  assert.equal(f.calls.length, 4);
  for (const c of f.calls) assert.deepEqual([c.stageFilter!(0), c.stageFilter!(1)], [false, true]);
  await assert.rejects(runGate({ scenarioFile: SCENARIO, targets, runScenario: f.run, out: join(dir, 'stage-bad'), stages: ['1k'] }), /--stage: no stage "1k" in smoke; stages are 0="20", 1="100"/);
});
