import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FineTimer } from '../../loadgen/fine-timer.js';
import { GapSampler, MAX_GAPS_PER_WORKER, checkArrivals } from '../../loadgen/arrivals.js';
import { mulberry32 } from '../../core/prng.js';

/** Pacing logic: ordering and budget properties only; how late a send is stays in benchmarks. */

const fireAt = (t: FineTimer | null, dueIn: number, opts?: ConstructorParameters<typeof FineTimer>[1]) =>
  new Promise<{ due: number; at: number; timer: FineTimer }>((resolve) => {
    const due = performance.now() + dueIn;
    const timer: FineTimer = t ?? new FineTimer(() => resolve({ due, at: performance.now(), timer }), opts);
    timer.at(due);
  });

test('fires once, never before its due time, for due times below and above the lead', async () => {
  for (const d of [0, 0.3, 0.9, 1.5, 4, 12]) {
    const { due, at } = await fireAt(null, d);
    assert.ok(at >= due, `due in ${d} ms: fired ${(due - at).toFixed(3)} ms early`);
  }
});

test('a due time in the past fires on a later turn, not inside at()', async () => {
  let fired = false;
  const t = new FineTimer(() => { fired = true; });
  t.at(performance.now() - 5);
  assert.equal(fired, false);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(fired, true);
});

test('cancel and re-arm: only the last arrangement fires', async () => {
  let n = 0;
  const t = new FineTimer(() => { n++; });
  t.at(performance.now() + 2);
  t.cancel();
  t.at(performance.now() + 3);
  t.at(performance.now() + 1);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(n, 1);
});

test('budget 0 never polls the clock; a budget bounds the polling per second', async () => {
  const none = await fireAt(null, 0.8, { leadMs: 1, budget: 0 });
  assert.equal(none.timer.polledMs, 0);
  let count = 0;
  const start = performance.now();
  const t = new FineTimer(() => { if (++count < 400) t.at(performance.now() + 0.9); }, { leadMs: 1, budget: 0.05 });
  t.at(performance.now() + 0.9);
  await new Promise((r) => { const iv = setInterval(() => { if (count >= 400) { clearInterval(iv); r(undefined); } }, 20); });
  const elapsed = performance.now() - start;
  // Every due time is within the lead, so without a budget the timer would poll nearly all
  // the time; with 5% it stops once 50 ms of the current second are used (the last poll
  // may overrun by one event-loop turn, which a busy machine can stretch: hence the margin).
  assert.ok(t.polledMs < elapsed * 0.5, `polled ${t.polledMs.toFixed(1)} ms over ${elapsed.toFixed(0)} ms`);
  assert.ok(t.polledMs > 0, 'it did poll while the budget lasted');
});

test('gap sampler: gaps in units of the planned mean, a stride beyond its cap', () => {
  const s = new GapSampler(10, 2);
  [10, 12, 13, 17].forEach((t) => s.record(t));
  assert.deepEqual(s.gaps, [1, 0.5, 2]);
  const big = new GapSampler(3 * MAX_GAPS_PER_WORKER, 1);
  for (let i = 0; i <= 3 * MAX_GAPS_PER_WORKER; i++) big.record(i);
  assert.equal(big.gaps.length, MAX_GAPS_PER_WORKER);
});

test('arrivals check: exact exponential gaps pass, millisecond-quantised ones fail, too few are not judged', () => {
  const rng = mulberry32(11);
  const meanMs = 2; // 500 req/s
  const exact: number[] = [];
  const quantised: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const g = -Math.log(1 - rng()) * meanMs;
    exact.push(g / meanMs);
    quantised.push(Math.max(1, Math.round(g)) / meanMs); // what whole-millisecond timers do to the gaps
  }
  const a = checkArrivals(exact)!;
  assert.ok(a.ok, `exact: D ${a.ks} > ${a.critical}`);
  const b = checkArrivals(quantised)!;
  assert.equal(b.ok, false, `quantised: D ${b.ks} <= ${b.critical}`);
  assert.equal(checkArrivals(exact.slice(0, 10)), null);
});
