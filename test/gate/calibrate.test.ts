import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate, gateNoiseP95 } from '../../harness/gate/calibrate.js';
import type { Comparison } from '../../harness/gate/report-model.js';

const cmp = (logRatios: number[], fail = 0.1, verdict: Comparison['verdict'] = 'pass'): Comparison => ({
  stage: 0, stageName: 's0', metric: 'p50', better: 'lower', unit: 'ms', logRatios, n: logRatios.length, ratio: 1, lower: 1, upper: 1,
  pairsWorse: 0, baseMedian: 1, candidateMedian: 1, warn: 0.05, fail, gateStage: 1, verdict, reason: '',
});

test('gate-level noise: zero for identical pairs, deterministic for a seed, smaller than single-pair noise', () => {
  assert.equal(gateNoiseP95([0, 0, 0, 0], 8, 2000, 1), 0);
  const r = [0.05, -0.04, 0.02, -0.01, 0.08, -0.06, 0.03, 0.0, -0.02, 0.01, 0.04, -0.03, 0.06, -0.05, 0.02, -0.01];
  const a = gateNoiseP95(r, 8, 5000, 9);
  assert.equal(a, gateNoiseP95(r, 8, 5000, 9));
  assert.ok(a > 0 && a < 0.06, String(a));
});

test('suggestions follow fail >= 2 x p95 |ln R| (rounded up to whole percent), warn >= p95', () => {
  const r = [0.05, -0.04, 0.02, -0.01, 0.08, -0.06, 0.03, 0.0, -0.02, 0.01, 0.04, -0.03, 0.06, -0.05, 0.02, -0.01];
  const cal = calibrate([cmp(r, 0.10)], { gatePairs: 8, resamples: 5000, seed: 3 });
  const m = cal.metrics[0]!;
  assert.equal(m.pairs, 16);
  assert.equal(m.suggestedFail, Math.max(0.02, Math.ceil((Math.exp(2 * m.p95AbsLogGate!) - 1) * 100 - 1e-9) / 100));
  assert.ok(m.suggestedWarn! <= m.suggestedFail!);
  assert.ok(Math.abs(m.p95AbsLogPair! - 0.065) < 1e-12, String(m.p95AbsLogPair));
  assert.match(cal.suggestions[0]!, /current fail 10% is above the noise/);
});

test('noise beyond 100% says the metric cannot be gated; too few pairs give no suggestion', () => {
  const wild = calibrate([cmp([1.5, -1.2, 1.1, -1.4, 0.9, -1.0, 1.3, -1.1], 0.3, 'inconclusive')], { gatePairs: 8, resamples: 2000, seed: 1 });
  assert.match(wild.suggestions[0]!, /cannot be gated on this machine/);
  assert.match(wild.suggestions[0]!, /the A\/A run itself came out inconclusive/);
  const few = calibrate([cmp([0.1, null as unknown as number])], { gatePairs: 8, resamples: 2000, seed: 1 });
  assert.equal(few.metrics[0]!.suggestedFail, null);
  assert.equal(few.suggestions.length, 0);
});
