import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMedianRatio, median, pairedLogRatio, quantile } from '../../harness/gate/stats.js';
import { deriveSeed, mulberry32 } from '../../core/prng.js';

test('median of odd, even and unsorted lists', () => {
  const cases: [number[], number][] = [[[3], 3], [[1, 3], 2], [[5, 1, 3], 3], [[4, 1, 3, 2], 2.5], [[-1, -3, 10], -1]];
  for (const [xs, want] of cases) assert.equal(median(xs), want, `median(${xs})`);
  assert.throws(() => median([]), RangeError);
});

test('quantile interpolates between order statistics (type 7)', () => {
  const xs = [10, 20, 30, 40, 50];
  const cases: [number, number][] = [[0, 10], [0.25, 20], [0.5, 30], [0.9, 46], [1, 50]];
  for (const [q, want] of cases) assert.ok(Math.abs(quantile(xs, q) - want) < 1e-12, `q=${q}: ${quantile(xs, q)} != ${want}`);
});

test('paired log-ratio is positive exactly when the candidate is worse, for both directions', () => {
  const cases: { base: number; cand: number; better: 'lower' | 'higher'; want: number }[] = [
    { base: 10, cand: 12, better: 'lower', want: Math.log(1.2) },     // latency up 20%: worse
    { base: 10, cand: 8, better: 'lower', want: Math.log(0.8) },      // latency down: better
    { base: 1000, cand: 800, better: 'higher', want: Math.log(1.25) }, // throughput down: worse
    { base: 1000, cand: 1250, better: 'higher', want: Math.log(0.8) }, // throughput up: better
    { base: 5, cand: 5, better: 'lower', want: 0 },
  ];
  for (const c of cases) {
    const got = pairedLogRatio(c.base, c.cand, c.better)!;
    assert.ok(Math.abs(got - c.want) < 1e-12, `${JSON.stringify(c)} -> ${got}`);
  }
  for (const [b, c] of [[0, 1], [1, 0], [-1, 1], [null, 1], [1, Number.NaN]] as const) assert.equal(pairedLogRatio(b, c, 'lower'), null);
});

test('mulberry32 is the reference sequence and deriveSeed separates labels', () => {
  const g = mulberry32(1);
  assert.deepEqual([g(), g(), g()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  assert.notEqual(deriveSeed(42, 'a'), deriveSeed(42, 'b'));
  assert.notEqual(deriveSeed(42, 'a'), deriveSeed(43, 'a'));
  assert.equal(deriveSeed(42, 'a'), deriveSeed(42, 'a'));
});

test('bootstrap interval with a fixed seed is deterministic (pinned values)', () => {
  const cases = [
    { r: [0.02, -0.01, 0.05, 0.03, 0.0, 0.04, -0.02, 0.01], seed: 42, ratio: Math.exp(0.015), lower: Math.exp(-0.005), upper: Math.exp(0.035) },
    { r: [0.1, 0.12, 0.09, 0.11, 0.13, 0.1, 0.08, 0.12], seed: 7, ratio: Math.exp(0.105), lower: 1.0996588551261028, upper: 1.1274968515793757 },
  ];
  for (const c of cases) {
    const iv = bootstrapMedianRatio(c.r, { resamples: 10_000, confidence: 0.95, seed: c.seed });
    assert.ok(Math.abs(iv.ratio - c.ratio) < 1e-12, `ratio ${iv.ratio}`);
    assert.ok(Math.abs(iv.lower - c.lower) < 1e-12, `lower ${iv.lower}`);
    assert.ok(Math.abs(iv.upper - c.upper) < 1e-12, `upper ${iv.upper}`);
    assert.equal(iv.n, 8);
    const again = bootstrapMedianRatio(c.r, { resamples: 10_000, confidence: 0.95, seed: c.seed });
    assert.deepEqual(again, iv);
  }
});

test('bootstrap bounds bracket the median and narrow as the data agree', () => {
  const noisy = bootstrapMedianRatio([0.3, -0.2, 0.25, -0.15, 0.1, 0.0, -0.3, 0.2], { resamples: 5000, confidence: 0.95, seed: 1 });
  const tight = bootstrapMedianRatio([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], { resamples: 5000, confidence: 0.95, seed: 1 });
  assert.ok(noisy.lower <= noisy.ratio && noisy.ratio <= noisy.upper);
  assert.ok(noisy.lower < 1 && noisy.upper > 1, 'a noisy zero-centred sample straddles 1');
  assert.ok(Math.abs(tight.lower - Math.exp(0.1)) < 1e-12 && Math.abs(tight.upper - Math.exp(0.1)) < 1e-12, 'identical pairs give a zero-width interval');
});
