import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantPacer, createPacer, poissonPacer, schedule } from '../../loadgen/pacer.js';
import { splitStage } from '../../loadgen/plan/workers.js';
import { mulberry32 } from '../../core/prng.js';

const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 1e6) / 1e6);

test('constant pacer: table of rates, workers and worker indices', () => {
  const cases: { rate: number; workers: number; index: number; first: number[] }[] = [
    { rate: 100, workers: 1, index: 0, first: [0, 10, 20, 30] },
    { rate: 1000, workers: 1, index: 0, first: [0, 1, 2, 3] },
    { rate: 100, workers: 2, index: 0, first: [0, 20, 40, 60] },
    { rate: 100, workers: 2, index: 1, first: [10, 30, 50, 70] },
    { rate: 300, workers: 3, index: 2, first: [6.666667, 16.666667, 26.666667, 36.666667] },
    { rate: 0.5, workers: 1, index: 0, first: [0, 2000, 4000, 6000] },
  ];
  for (const c of cases) {
    assert.deepEqual(round(schedule(constantPacer(c.rate, c.workers, c.index), 4)), c.first, JSON.stringify(c));
  }
});

test('constant pacer: the merged stream of all workers is evenly spaced at 1/rate', () => {
  for (const workers of [1, 2, 3, 7]) {
    const rate = 1000;
    const merged = Array.from({ length: workers }, (_, w) => schedule(constantPacer(rate, workers, w), 50)).flat().sort((a, b) => a - b);
    merged.forEach((t, i) => assert.ok(Math.abs(t - i) < 1e-9, `workers=${workers} i=${i} t=${t}`));
  }
});

test('constant pacer: 100 req/s over 2 s has exactly 200 intended sends before 2000 ms', () => {
  const p = constantPacer(100, 1, 0);
  let n = 0;
  while (p.next() < 2000) n++;
  assert.equal(n, 200);
});

test('poisson pacer: same seed gives the same schedule, another seed a different one', () => {
  const a = schedule(createPacer({ arrival: 'poisson', totalRate: 500, workers: 2, workerIndex: 1, seed: 42 }), 1000);
  const b = schedule(createPacer({ arrival: 'poisson', totalRate: 500, workers: 2, workerIndex: 1, seed: 42 }), 1000);
  const c = schedule(createPacer({ arrival: 'poisson', totalRate: 500, workers: 2, workerIndex: 1, seed: 43 }), 1000);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (let i = 1; i < a.length; i++) assert.ok(a[i]! > a[i - 1]!, 'arrivals strictly increase');
});

test('each worker draws from the seed its plan share carries (stage seed + worker index)', () => {
  const { workers } = splitStage(10, 500, 100, 42, 2);
  assert.deepEqual(workers.map((w) => w.seed), [42, 43]);
  const [w0, w1] = workers.map((w) => schedule(createPacer({ arrival: 'poisson', totalRate: 500, workers: 2, workerIndex: w.worker, seed: w.seed }), 10));
  assert.notDeepEqual(w0, w1);
  assert.deepEqual(w1, schedule(createPacer({ arrival: 'poisson', totalRate: 500, workers: 2, workerIndex: 0, seed: 43 }), 10), 'the stream depends on the seed alone');
});

test('poisson pacer: gaps are exponential with mean workers/rate (fixed seed, so exact and repeatable)', () => {
  const n = 200_000;
  const rate = 1000;
  const workers = 4;
  const p = poissonPacer(rate, workers, mulberry32(7));
  let prev = 0;
  let sum = 0;
  let sumSq = 0;
  let over3Means = 0;
  const mean = (1000 * workers) / rate; // 4 ms
  for (let i = 0; i < n; i++) {
    const t = p.next();
    const gap = t - prev;
    prev = t;
    sum += gap;
    sumSq += gap * gap;
    if (gap > 3 * mean) over3Means++;
  }
  const m = sum / n;
  const sd = Math.sqrt(sumSq / n - m * m);
  assert.ok(Math.abs(m - mean) / mean < 0.01, `mean gap ${m} vs ${mean}`);
  // exponential: standard deviation equals the mean, P(gap > 3 mean) = e^-3
  assert.ok(Math.abs(sd - mean) / mean < 0.02, `sd ${sd} vs ${mean}`);
  assert.ok(Math.abs(over3Means / n - Math.exp(-3)) < 0.003, `tail ${over3Means / n}`);
});

test('createPacer: a rate of 0 never sends', () => {
  const p = createPacer({ arrival: 'constant', totalRate: 0, workers: 1, workerIndex: 0, seed: 1 });
  assert.equal(p.next(), Number.POSITIVE_INFINITY);
});
