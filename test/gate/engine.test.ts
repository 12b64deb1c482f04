import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TargetError } from '../../core/errors.js';
import { withFunctionalDefaults } from '../../harness/gate/absolute.js';
import { runRelativeGate, type RunTrial } from '../../harness/gate/engine.js';
import type { PlannedTrial, Variant } from '../../harness/gate/order.js';
import { mulberry32 } from '../../core/prng.js';
import { parseRelativeSettings } from '../../harness/gate/settings.js';
import { composeVerdict } from '../../harness/gate/verdict.js';
import { result, stage } from './fixtures.js';

/**
 * The gate's flow with a fake trial runner: each trial is a fixture result whose p50 is
 * 2 ms x the variant's factor x +-3% seeded noise. No load, exact trial counts.
 */

const settings = (over: Record<string, unknown> = {}) => parseRelativeSettings({ pairs: 8, confirmPairs: 8, seed: 42, resamples: 2000, metrics: { p50: { warn: '5%', fail: '10%' } }, ...over });
const functional = withFunctionalDefaults([], 0.001);

function fake(factor: (v: Variant, t: PlannedTrial) => number, extra: (v: Variant, t: PlannedTrial) => Partial<Parameters<typeof stage>[0]> = () => ({})): { run: RunTrial; calls: PlannedTrial[] } {
  const noise = mulberry32(7);
  const calls: PlannedTrial[] = [];
  return {
    calls,
    run: async (variant, i, t) => {
      assert.equal(i, t.index);
      calls.push(t);
      const p50 = 2 * factor(variant, t) * (0.97 + 0.06 * noise());
      return result([stage({ p50, p99: p50 * 5, ...extra(variant, t) })]);
    },
  };
}

async function gate(f: ReturnType<typeof fake>, s = settings(), onInconclusive: 'warn' | 'fail' = 'warn') {
  const out = await runRelativeGate({ settings: s, runTrial: f.run, functional });
  const verdict = composeVerdict({ stop: out.stop, comparisons: out.comparisons, thresholds: [], onInconclusive });
  return { out, verdict };
}

test('identical variants pass after stage 1 only (16 trials, ABBA order recorded)', async () => {
  const f = fake(() => 1);
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 16);
  assert.deepEqual(out.order, ['BAAB ABBA ABBA ABBA']);
  assert.equal(out.confirmed, false);
  assert.equal(out.comparisons.length, 1);
  assert.ok(['pass', 'warn'].includes(out.comparisons[0]!.verdict));
  assert.equal(verdict.exitCode, 0);
  assert.deepEqual(out.trials.slice(0, 4).map((t) => [t.variant, t.pair, t.position]), [['candidate', 0, 0], ['base', 0, 1], ['base', 1, 0], ['candidate', 1, 1]]);
});

test('a 50% slower candidate is suspect, confirmed with 8 more pairs, and fails (exit 1)', async () => {
  const f = fake((v) => (v === 'candidate' ? 1.5 : 1));
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 32);
  assert.equal(out.confirmed, true);
  assert.equal(out.order.length, 2);
  const c = out.comparisons[0]!;
  assert.equal(c.verdict, 'regression');
  assert.equal(c.n, 16);
  assert.equal(c.pairsWorse, 16);
  assert.ok(c.ratio! > 1.4 && c.ratio! < 1.6);
  assert.deepEqual([verdict.status, verdict.exitCode], ['fail', 1]);
  assert.match(verdict.reasons[0]!, /regression: stage s0 p50/);
});

test('a suspect that does not hold in the confirmation stage is not a failure', async () => {
  const f = fake((v, t) => (v === 'candidate' ? (t.gateStage === 1 ? 1.3 : 0.8) : 1));
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 32, 'exactly one confirmation stage, never more');
  assert.notEqual(out.comparisons[0]!.verdict, 'regression');
  assert.match(out.comparisons[0]!.reason, /suspect in stage 1, not confirmed/);
  assert.notEqual(verdict.exitCode, 1);
});

test('confirmPairs 0: a suspect is final, so it is a regression without more trials', async () => {
  const f = fake((v) => (v === 'candidate' ? 1.5 : 1));
  const { out, verdict } = await gate(f, settings({ confirmPairs: 0 }));
  assert.equal(f.calls.length, 16);
  assert.equal(out.comparisons[0]!.verdict, 'regression');
  assert.equal(verdict.exitCode, 1);
});

test('a faster candidate is an improvement and passes', async () => {
  const f = fake((v) => (v === 'candidate' ? 0.7 : 1));
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 16);
  assert.equal(out.comparisons[0]!.verdict, 'improvement');
  assert.deepEqual([verdict.status, verdict.exitCode], ['pass', 0]);
  assert.ok(verdict.warnings.some((w) => w.startsWith('improvement: stage s0 p50')));
});

test('higher-is-better: lower candidate throughput is the regression', async () => {
  const f = fake(() => 1, (v) => ({ offeredRps: 1000, achievedRps: v === 'candidate' ? 700 : 1000, capacity: { rps: null, sloP99Ms: 1, maxErrorRate: 0, probes: [] } }));
  const { out, verdict } = await gate(f, settings({ metrics: { achieved_rps: { warn: '5%', fail: '10%' } } }));
  const c = out.comparisons[0]!;
  assert.equal(c.metric, 'achieved_rps');
  assert.ok(Math.abs(c.ratio! - 1000 / 700) < 1e-9);
  assert.equal(c.verdict, 'regression');
  assert.equal(verdict.exitCode, 1);
});

test('an invalid trial is re-run in place; its invalid attempt stays in the record, not in the statistics', async () => {
  // Trial 3's first attempt is invalid (generator lag); its re-run is valid.
  let attempts = 0;
  const invalid = (_v: Variant, t: PlannedTrial) => (t.index === 3 && attempts++ === 0 ? { status: 'invalid' as const, reasons: ['send lag p99 10.21ms > 10ms'], p50: 500 } : {});
  const f = fake(() => 1, invalid);
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 17, '16 planned trials + 1 re-run');
  assert.deepEqual(f.calls.map((c) => c.index).slice(2, 6), [2, 3, 3, 4], 're-run right after the invalid attempt');
  assert.deepEqual(f.calls.slice(2, 6).map((c) => (c as { attempt?: number }).attempt), [0, 0, 1, 0], 'the runner is told which attempt it runs (own folder)');
  assert.equal(out.stop, null);
  const rec = out.trials.filter((t) => t.index === 3);
  assert.deepEqual(rec.map((t) => [t.attempt, t.status]), [[0, 'invalid'], [1, 'ok']]);
  assert.match(rec[0]!.notes.join(' '), /re-run 1 of at most 2/);
  assert.equal(out.comparisons[0]!.n, 8, 'the invalid attempt (p50 500 ms) is not a pair');
  assert.deepEqual([verdict.status, verdict.exitCode], ['pass', 0]);
});

test('a trial that stays invalid after its re-runs stops the gate as inconclusive: exit 0 with warn, 3 with fail', async () => {
  const invalid = (_v: Variant, t: PlannedTrial) => (t.index === 3 ? { status: 'invalid' as const, reasons: ['send lag p99 40ms > 10ms'] } : {});
  const f = fake(() => 1, invalid);
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 6, 'trials 0-2, then trial 3 three times (2 re-runs), nothing after');
  assert.equal(out.stop?.kind, 'inconclusive');
  assert.match(out.stop!.reason, /invalid \(generator did not keep up\): send lag p99 40ms.*\(still invalid after 2 re-runs\)/);
  assert.deepEqual([verdict.status, verdict.exitCode], ['inconclusive', 0]);
  assert.ok(verdict.warnings.some((w) => /inconclusive \(not failing/.test(w)));
  const strict = await gate(fake(() => 1, invalid), settings(), 'fail');
  assert.deepEqual([strict.verdict.status, strict.verdict.exitCode], ['inconclusive', 3]);
  const none = fake(() => 1, invalid);
  await gate(none, settings({ rerunInvalid: 0 }));
  assert.equal(none.calls.length, 4, 'rerunInvalid 0: the first invalid trial stops the gate');
});

test('cpu_per_request: a 4x CPU candidate fails on CPU even when latency does not move', async () => {
  const s = settings({ metrics: { p50: { warn: '5%', fail: '10%' }, cpu_per_request: {} } });
  const f = fake(() => 1, (v) => ({ cpu: { targetSeconds: 1, perRequestUs: v === 'candidate' ? 400 : 100, processes: 2, reason: null } }));
  const { out, verdict } = await gate(f, s);
  const cpu = out.comparisons.find((c) => c.metric === 'cpu_per_request')!;
  assert.equal(cpu.verdict, 'regression');
  assert.equal(cpu.unit, 'us');
  assert.notEqual(out.comparisons.find((c) => c.metric === 'p50')!.verdict, 'regression');
  assert.deepEqual([verdict.status, verdict.exitCode], ['fail', 1]);
});

test('a metric without data: unavailable with the result\'s reason in the default set, inconclusive when the scenario names it', async () => {
  const noCpu = (): Partial<Parameters<typeof stage>[0]> => ({ cpu: { targetSeconds: null, perRequestUs: null, processes: null, reason: 'no target pid to read /proc from' } });
  const dflt = await gate(fake(() => 1, noCpu), parseRelativeSettings({ pairs: 8, confirmPairs: 0, resamples: 2000 }));
  const c = dflt.out.comparisons.find((x) => x.metric === 'cpu_per_request')!;
  assert.equal(c.verdict, 'unavailable');
  assert.match(c.reason, /no target pid/);
  assert.notEqual(dflt.verdict.status, 'inconclusive');
  const named = await gate(fake(() => 1, noCpu), settings({ metrics: { cpu_per_request: {} } }));
  assert.equal(named.out.comparisons[0]!.verdict, 'inconclusive');
  assert.match(named.out.comparisons[0]!.reason, /is gated \(gate.relative.metrics\) but was not measured/);
  assert.equal(named.verdict.status, 'inconclusive');
});

test('a wide interval with no clear direction is inconclusive, not pass', async () => {
  const swing = mulberry32(3);
  const f = fake((v) => (v === 'candidate' ? Math.exp((swing() - 0.5) * 1.2) : 1));
  const { out, verdict } = await gate(f, settings({ confirmPairs: 0 }));
  const c = out.comparisons[0]!;
  assert.ok(c.upper! / c.lower! > 1.2, `interval ${c.lower}..${c.upper}`);
  assert.equal(c.verdict, 'inconclusive');
  assert.equal(verdict.status, 'inconclusive');
});

test('functional failures stop at once without statistics (exit 4)', async () => {
  const f = fake(() => 1, (v) => (v === 'candidate' ? { errors: { http_5xx: 3 }, errorRate: 0.0075 } : {}));
  const { out, verdict } = await gate(f);
  assert.equal(f.calls.length, 1, 'the first trial is the candidate and it already broke');
  assert.equal(out.comparisons.length, 0);
  assert.deepEqual([verdict.status, verdict.exitCode], ['target-failure', 4]);
  assert.match(verdict.reasons[0]!, /candidate: http_5xx == 0 \(default\): stage s0: http_5xx = 3/);

  const crash: RunTrial = async () => { throw new TargetError('GW_ERR_TARGET_CRASHED', 'gateway exited with code 1'); };
  const c = await runRelativeGate({ settings: settings(), runTrial: crash, functional });
  assert.equal(c.stop?.kind, 'target-failure');
  assert.equal(c.trials[0]!.status, 'error');
  assert.equal(composeVerdict({ stop: c.stop, comparisons: [], thresholds: [], onInconclusive: 'warn' }).exitCode, 4);
});

test('a base that cannot carry the offered rate makes the gate inconclusive', async () => {
  const f = fake(() => 1, (v) => (v === 'base' ? { offeredRps: 1000, achievedRps: 900 } : { offeredRps: 1000, achievedRps: 1000 }));
  const { out } = await gate(f);
  assert.equal(out.stop?.kind, 'inconclusive');
  assert.match(out.stop!.reason, /base: stage s0 achieved 90\.0% of the offered rate/);
});

test('confirmation only confirms stage-1 suspects: a metric crossing only with the extra pairs warns', async () => {
  const noise = mulberry32(7);
  const s = settings({ metrics: { p50: { warn: '5%', fail: '10%' }, p99: { warn: '5%', fail: '15%' } } });
  const run: RunTrial = async (v, _i, t) => result([stage({
    p50: 2 * (v === 'candidate' ? 1.5 : 1) * (0.97 + 0.06 * noise()),
    p99: 10 * (v === 'candidate' && t.gateStage === 2 ? 3 : 1) * (0.97 + 0.06 * noise()),
  })]);
  const out = await runRelativeGate({ settings: s, runTrial: run, functional });
  const by = Object.fromEntries(out.comparisons.map((c) => [c.metric, c]));
  assert.equal(out.trials.length, 32);
  assert.equal(by['p50']!.verdict, 'regression');
  assert.equal(by['p99']!.verdict, 'warn');
  assert.match(by['p99']!.reason, /only after the confirmation pairs \(not suspect in stage 1\)/);
});

test('a tail percentile is compared only with 50 requests beyond it in every trial', async () => {
  // 3x worse p99 in 600-request trials: its 6 slowest requests decide it, so it is not gated
  // (by default: unavailable with the reason; listed in the scenario: inconclusive)
  const trials = (count: number): RunTrial => {
    const noise = mulberry32(7);
    return async (v) => {
      const p50 = 2 * (0.97 + 0.06 * noise());
      const p99 = 10 * (v === 'candidate' ? 3 : 1) * (0.97 + 0.06 * noise());
      return result([stage({ latencyMs: { p50, p90: p50 * 1.5, p99, p999: p99 * 1.2, max: p99 * 2, mean: p50, count } })]);
    };
  };
  const byDefault = parseRelativeSettings({ pairs: 8, confirmPairs: 0, seed: 42, resamples: 2000 });
  const out = await runRelativeGate({ settings: byDefault, runTrial: trials(600), functional });
  const p99 = out.comparisons.find((c) => c.metric === 'p99')!;
  assert.equal(p99.verdict, 'unavailable');
  assert.match(p99.reason, /^p99: a trial holds 600 requests, so its p99 rests on its 6 slowest; comparing it needs 5000 per trial \(50 beyond it\)/);
  assert.equal(out.comparisons.find((c) => c.metric === 'p50')!.verdict, 'pass', 'the other metrics still decide');
  const listed = await runRelativeGate({ settings: settings({ confirmPairs: 0, metrics: { p99: { fail: '15%' } } }), runTrial: trials(600), functional });
  assert.equal(listed.comparisons.find((c) => c.metric === 'p99')!.verdict, 'inconclusive');
  // the same trials with 5000 requests each: compared, and the 3x regression is caught
  const enough = await runRelativeGate({ settings: byDefault, runTrial: trials(5000), functional });
  assert.equal(enough.comparisons.find((c) => c.metric === 'p99')!.verdict, 'regression');
});
