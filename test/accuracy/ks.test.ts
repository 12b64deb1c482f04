import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialCdf, gaps, ksCritical, ksStatistic } from '../../harness/accuracy/ks.js';
import { mulberry32 } from '../../core/prng.js';

const uniform = (x: number): number => Math.min(1, Math.max(0, x));

test('KS statistic: hand-computed cases against U(0,1)', () => {
  const cases: Array<{ samples: number[]; d: number }> = [
    { samples: [0.5], d: 0.5 },
    // steps 1/3, 2/3, 1 at 0.1, 0.2, 0.9: largest gap is 2/3 - 0.2 just at 0.2
    { samples: [0.1, 0.2, 0.9], d: 2 / 3 - 0.2 },
    // order does not matter
    { samples: [0.9, 0.1, 0.2], d: 2 / 3 - 0.2 },
    // perfectly spread samples at (i - 0.5)/n: D = 1/(2n)
    { samples: [0.125, 0.375, 0.625, 0.875], d: 0.125 },
    // all mass at one end: the gap below the first sample counts (F(x) - (i-1)/n)
    { samples: [0.95, 0.96, 0.97, 0.98], d: 0.95 },
  ];
  for (const c of cases) assert.ok(Math.abs(ksStatistic(c.samples, uniform) - c.d) < 1e-12, `${JSON.stringify(c.samples)}: ${ksStatistic(c.samples, uniform)} != ${c.d}`);
  assert.ok(Number.isNaN(ksStatistic([], uniform)));
});

test('KS critical values match the published tables (alpha 0.05 and 0.01)', () => {
  // Massey (1951) / Miller (1956) exact values, to 3 decimals
  const table: Array<[number, number, number]> = [
    [10, 0.05, 0.409], [10, 0.01, 0.490], [20, 0.05, 0.294], [20, 0.01, 0.352], [35, 0.05, 0.224], [35, 0.01, 0.269],
  ];
  for (const [n, a, want] of table) assert.ok(Math.abs(ksCritical(n, a) - want) <= 0.004, `n=${n} alpha=${a}: ${ksCritical(n, a).toFixed(4)} vs ${want}`);
  // asymptotic 1.628/sqrt(n) at alpha 0.01
  assert.ok(Math.abs(ksCritical(10_000, 0.01) * 100 - 1.6276) < 0.003);
});

test('exponential samples pass the KS test; the wrong rate and evenly spaced gaps fail it', () => {
  const rng = mulberry32(12345);
  const rate = 0.2; // per ms (200/s)
  const exp = Array.from({ length: 2000 }, () => -Math.log(1 - rng()) / rate);
  const crit = ksCritical(exp.length, 0.01);
  assert.ok(ksStatistic(exp, exponentialCdf(rate)) < crit);
  assert.ok(ksStatistic(exp, exponentialCdf(rate * 1.3)) > crit, 'a 30% wrong rate must be rejected at n=2000');
  const even = Array.from({ length: 2000 }, () => 1 / rate);
  // constant gaps at the mean: every sample sits at F = 1 - 1/e, so D = max(1 - 1/e, 1/e) = 1 - 1/e
  assert.ok(Math.abs(ksStatistic(even, exponentialCdf(rate)) - (1 - Math.exp(-1))) < 1e-12);
});

test('exponentialCdf and gaps', () => {
  const f = exponentialCdf(2);
  assert.equal(f(-1), 0);
  assert.equal(f(0), 0);
  assert.ok(Math.abs(f(0.5) - (1 - Math.exp(-1))) < 1e-15);
  assert.deepEqual(gaps([1, 4, 4, 10]), [3, 0, 6]);
  assert.deepEqual(gaps([7]), []);
});
