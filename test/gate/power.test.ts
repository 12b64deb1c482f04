import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialCdf, clopperPearson, trialsToBound } from '../../harness/gate/power/binomial.js';
import { renderPowerDoc, type PowerRunInfo } from '../../harness/gate/power/render.js';
import { summarize, type GateOutcome } from '../../harness/gate/power/summary.js';

/** The statistics and the report of `npm run verify:gate` (no load). */

const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Clopper-Pearson matches the closed forms at 0 and n, and the tables in between', () => {
  const none = clopperPearson(0, 20);
  assert.equal(none.lower, 0);
  close(none.upper, 1 - 0.025 ** (1 / 20)); // 0.1684
  const all = clopperPearson(20, 20);
  close(all.lower, 0.025 ** (1 / 20));
  assert.equal(all.upper, 1);
  const half = clopperPearson(5, 10); // tabulated: 0.1871 - 0.8129
  close(half.lower, 0.1871);
  close(half.upper, 0.8129);
  close(binomialCdf(2, 4, 0.5), 11 / 16, 1e-12);
  assert.throws(() => clopperPearson(3, 2), /need 0 <= k <= n/);
});

test('trialsToBound: gates without a false fail needed to bound the rate below 1%', () => {
  assert.equal(trialsToBound(0.01), 368);
  assert.ok(clopperPearson(0, 368).upper <= 0.01);
  assert.ok(clopperPearson(0, 367).upper > 0.01);
});

const gate = (over: Partial<GateOutcome>): GateOutcome => ({ group: 'aa', effect: 0, injected: 0, status: 'pass', exitCode: 0, wallS: 100, trials: 16, reruns: 0, caughtBy: [], why: '', ...over });

test('summarize: one row per group and effect, A/A first; exit 1 counted, inconclusive and errors apart', () => {
  const rows = summarize([
    gate({ group: 'cpu', effect: 0.2, injected: 30, status: 'fail', exitCode: 1, caughtBy: ['cpu_per_request'] }),
    gate({}), gate({ status: 'inconclusive', exitCode: 3 }), gate({ status: 'fail', exitCode: 1, caughtBy: ['p99'] }),
    gate({ group: 'cpu', effect: 0.2, injected: 30, status: 'inconclusive', exitCode: 3 }),
    gate({ group: 'delay', effect: 0.1, injected: 2, status: 'target-failure', exitCode: 4 }),
  ]);
  assert.deepEqual(rows.map((r) => [r.group, r.effect, r.n, r.failed, r.inconclusive, r.other]), [['aa', 0, 3, 1, 1, 0], ['delay', 0.1, 1, 0, 0, 1], ['cpu', 0.2, 2, 1, 1, 0]]);
  close(rows[0]!.rate, 1 / 3);
  assert.deepEqual(rows[2]!.caughtBy, { cpu_per_request: 1 });
});

test('the report flags a short run and says what the A/A count can and cannot show', () => {
  const info: PowerRunInfo = {
    command: 'npm run verify:gate -- --aa 2', startedAt: 't0', finishedAt: 't1', finished: true, machine: 'm', loadAvg: { start: [1, 2, 3], end: [1, 2, 3] },
    scenario: 'scenarios/smoke.yaml --quick', design: 'd', base: { p99Ms: 10, cpuUs: 150, runs: 1 }, planned: { aa: 2, perEffect: 1, effects: [0.2], kinds: ['cpu'] },
  };
  const outcomes = [gate({}), gate({}), gate({ group: 'cpu', effect: 0.2, injected: 30, status: 'fail', exitCode: 1, caughtBy: ['cpu_per_request'] })];
  const md = renderPowerDoc(info, summarize(outcomes), outcomes);
  assert.match(md, /\*\*Short run \(2 A\/A gates, 1 per effect size\)/);
  assert.match(md, /False fails: 0 of 2 .*cannot show a rate below 1%: that takes 368 A\/A gates/);
  assert.match(md, /CPU \+20%: detected in 1 of 1 \(100%/);
  assert.match(md, /\| \+20% of base CPU\/request \(debug CPU burn 30 us\) \| 1 \| 1 \(100%\)/);
});
