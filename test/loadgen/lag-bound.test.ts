import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newHistogram, recordUs, type Histogram } from '../../core/hdr.js';
import { mulberry32 } from '../../core/prng.js';
import { EXCEEDANCE, LAG_BOUND_SHARE, lagBound, stallBoundMs, withBound } from '../../loadgen/lag-bound.js';
import { LONG_GAP_MS } from '../../loadgen/stall-recorder.js';

const hist = (valuesMs: number[]): Histogram => {
  const h = newHistogram();
  for (const v of valuesMs) recordUs(h, v * 1000);
  return h;
};
const near = (got: number | null, want: number, tol = 0.02): void => {
  assert.ok(got !== null && Math.abs(got - want) <= tol * Math.max(1, want), `got ${got}, want ${want}`);
};

test('stallBoundMs: smallest b whose excess stall time fits the budget', () => {
  // S(b) = sum max(0, g - b): on [10, 20] it is 20 - b, so a budget of 5 needs b = 15
  assert.equal(stallBoundMs([20, 10, 3], 5), 15);
  // S(10) = 10 <= 12, so below 10: S(b) = 30 - 2b = 12 at b = 9
  assert.equal(stallBoundMs([3, 20, 10], 12), 9);
  // a budget larger than every excess: nothing past the long-gap threshold counts
  assert.equal(stallBoundMs([20, 10, 3], 100), LONG_GAP_MS);
  assert.equal(stallBoundMs([], 0), LONG_GAP_MS);
  // zero budget: the longest gap
  assert.equal(stallBoundMs([20, 10, 3], 0), 20);
});

test('lagBound: one long stall in a 15 s window is within the 0.1% the bound leaves out', () => {
  const sendLag = hist(Array.from({ length: 7500 }, () => 1));
  const b = lagBound({ sendLag, longGapsMs: [17, 3], eventLoopMaxMs: 17, windowMs: 15_000, measuredP99Ms: 20, floorMs: 10 });
  // best split: send lag 1 ms for 0.01%, stall budget 0.09% x 15 s = 13.5 ms -> b = 17 - 13.5
  near(b.boundMs, 1 + 3.5);
  near(b.strictMs, 1 + 17);
  assert.equal(b.ok, true);
  assert.match(b.rule, /^99\.9% of requests: send lag over 1 ms for 0\.01% of requests \+ stamped over 3\.5 ms late for 0\.09%/);
  assert.match(b.rule, /every quantile incl\. max <= true \+ 18 ms/);
});

test('lagBound: stalls covering more than 0.1% of the window count in full', () => {
  const sendLag = hist(Array.from({ length: 1000 }, () => 0.5));
  // ten 40 ms stalls in 10 s: even the whole 10 ms budget leaves each stall 39 ms over b
  const b = lagBound({ sendLag, longGapsMs: Array(10).fill(40), eventLoopMaxMs: 40, windowMs: 10_000, measuredP99Ms: 50, floorMs: 10 });
  assert.ok(b.boundMs! > 38 && b.boundMs! <= 40.5, `bound ${b.boundMs}`);
  assert.equal(b.ok, false);
});

test('lagBound: a send lag tail over 0.1% of requests is in the bound', () => {
  const values = [...Array.from({ length: 9970 }, () => 1), ...Array.from({ length: 30 }, () => 30)];
  const b = lagBound({ sendLag: hist(values), longGapsMs: [], eventLoopMaxMs: 2.1, windowMs: 10_000, measuredP99Ms: 5, floorMs: 10 });
  near(b.boundMs, 30 + 2.1);
  assert.equal(b.ok, false);
});

test('lagBound: allowed = max(floor, 5% of p99); the bound is judged against it', () => {
  const sendLag = hist(Array.from({ length: 100 }, () => 8));
  const at = lagBound({ sendLag, longGapsMs: [], eventLoopMaxMs: 2, windowMs: 1000, measuredP99Ms: 1, floorMs: 10 });
  near(at.boundMs, 10, 0.002);
  assert.equal(at.allowedMs, 10);
  assert.equal(lagBound({ sendLag: hist([7.9]), longGapsMs: [], eventLoopMaxMs: 2, windowMs: 1000, measuredP99Ms: 1, floorMs: 10 }).ok, true);
  assert.equal(lagBound({ sendLag: hist([8.1]), longGapsMs: [], eventLoopMaxMs: 2, windowMs: 1000, measuredP99Ms: 1, floorMs: 10 }).ok, false);
  const big = lagBound({ sendLag: hist([15]), longGapsMs: [], eventLoopMaxMs: 2, windowMs: 1000, measuredP99Ms: 384, floorMs: 10 });
  assert.equal(big.allowedMs, LAG_BOUND_SHARE * 384);
  assert.equal(big.ok, true);
  assert.equal(lagBound({ sendLag: hist([15]), longGapsMs: [], eventLoopMaxMs: 2, windowMs: 1000, measuredP99Ms: 200, floorMs: 10 }).ok, false);
});

test('lagBound: a worker that could not keep its gaps falls back to the longest stall', () => {
  const b = lagBound({ sendLag: hist([1]), longGapsMs: [17], longGapsDropped: 1, eventLoopMaxMs: 17, windowMs: 15_000, measuredP99Ms: 20, floorMs: 10 });
  near(b.boundMs, 18);
});

test('lagBound: an engine without send times has no bound and says why', () => {
  const b = lagBound({ sendLag: null, longGapsMs: null, eventLoopMaxMs: null, windowMs: 1000, measuredP99Ms: 5, floorMs: 10 });
  assert.equal(b.boundMs, null);
  assert.equal(b.strictMs, null);
  assert.match(b.rule, /^not measurable/);
});

test('lagBound: requests that waited for a connection are named in the rule', () => {
  assert.match(lagBound({ sendLag: hist([1]), longGapsMs: [], eventLoopMaxMs: 1, windowMs: 1000, measuredP99Ms: 5, floorMs: 10, queued: 12 }).rule, /12 request\(s\) waited for a free connection/);
});

/**
 * The claim itself, on a simulated generator: true latencies, a heavy send-lag tail, and
 * event-loop stalls that delay every response landing in them until the stall ends. The
 * measured p99 must never exceed the true p99.1 plus the bound computed from what the
 * worker would have recorded (send lags, long gaps), over many seeds.
 */
test('lagBound: measured p99 <= true p99.1 + bound on simulated stalls and send lags', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rnd = mulberry32(seed);
    const windowMs = 10_000;
    const n = 5000 + Math.floor(rnd() * 20_000);
    // stalls: a 2 ms probe, with a stall of 3-60 ms starting with some probability per tick
    const gaps: number[] = [];
    const stalls: Array<[number, number]> = [];
    const stallChance = rnd() * 0.004;
    for (let t = 0; t < windowMs + 500;) {
      let g = 2 + rnd() * 0.2;
      if (rnd() < stallChance) { g += 3 + rnd() * 57; stalls.push([t, t + g]); }
      if (g > LONG_GAP_MS) gaps.push(g);
      t += g;
    }
    const sendLags: number[] = [];
    const trueLat: number[] = [];
    const measured: number[] = [];
    for (let i = 0; i < n; i++) {
      const intended = rnd() * windowMs;
      const t = 1 + -Math.log(1 - rnd()) * 5; // exponential service, mean 5 ms
      const lag = rnd() < 0.002 ? rnd() * 40 : rnd() * 0.5; // a heavy send-lag tail
      const arrival = intended + lag + t;
      const stall = stalls.find(([s, e]) => arrival >= s && arrival < e);
      const stamped = stall ? stall[1] : arrival;
      sendLags.push(lag);
      trueLat.push(t);
      measured.push(stamped - intended);
    }
    const b = lagBound({ sendLag: hist(sendLags), longGapsMs: gaps, eventLoopMaxMs: Math.max(2.2, ...gaps), windowMs, measuredP99Ms: 0, floorMs: 10 });
    const q = (xs: number[], p: number): number => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
    const m99 = q(measured, 99);
    const t991 = q(trueLat, 99 + 100 * EXCEEDANCE);
    assert.ok(m99 <= t991 + b.boundMs! + 0.01, `seed ${seed}: measured p99 ${m99.toFixed(2)} > true p99.1 ${t991.toFixed(2)} + bound ${b.boundMs!.toFixed(2)}`);
    assert.ok(m99 >= q(trueLat, 99) - 1e-9, `seed ${seed}: measured p99 below the true p99`);
    assert.ok(b.boundMs! <= b.strictMs! + 1e-9, 'the 99.9% bound never exceeds the strict one');
  }
});

test('withBound: the figure with what the generator may have added', () => {
  assert.equal(withBound('384ms', 12.4), '384ms (generator adds at most 12 ms to 99.9% of requests)');
  assert.equal(withBound('2.10ms', 1.234), '2.10ms (generator adds at most 1.2 ms to 99.9% of requests)');
  assert.equal(withBound('2.10ms', null), '2.10ms');
});
