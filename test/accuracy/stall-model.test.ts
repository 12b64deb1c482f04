import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankPercentile } from '../../harness/accuracy/percentile.js';
import { expectedLatencies, expectedPercentile, mixtureQuantile, stalledCount, type StallScenario } from '../../harness/accuracy/stall-model.js';

// 100 req/s for 1 s: requests intended at 0, 10, ..., 990 ms
const base: StallScenario = { rate: 100, durationMs: 1000, stallStartMs: 500, stallMs: 200, baseMs: 1 };

test('rankPercentile follows HdrHistogram: value at rank ceil(p/100 n), p100 = max', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const table: Array<[number, number]> = [[0, 1], [10, 1], [10.1, 2], [50, 5], [90, 9], [99, 10], [100, 10]];
  for (const [p, v] of table) assert.equal(rankPercentile(xs, p), v, `p${p}`);
  assert.ok(Number.isNaN(rankPercentile([], 50)));
});

test('unlimited connections: requests in the stall wait for its end, the rest see the base latency', () => {
  const lat = expectedLatencies(base);
  assert.equal(lat.length, 100);
  // t = 500..690 are held until 700: 200, 190, ..., 10 ms; the other 80 see 1 ms
  const want = [...new Array<number>(80).fill(1), ...Array.from({ length: 20 }, (_, i) => 10 + 10 * i)];
  assert.deepEqual(lat, want);
  const table: Array<[number, number]> = [[50, 1], [80, 1], [81, 10], [90, 100], [99, 190], [100, 200]];
  for (const [p, v] of table) assert.equal(expectedPercentile(base, p), v, `p${p}`);
  assert.equal(stalledCount(base), 20);
});

test('the stall phase relative to the schedule: an answer not yet sent at the stall start is held', () => {
  // stall 495..695: t=490 was answered at 491; t=500..690 held; the last one waits 5 ms
  const a = expectedLatencies({ ...base, stallStartMs: 495 });
  assert.equal(a[a.length - 1], 195);
  assert.equal(a.filter((x) => x > 1).length, 20);
  assert.equal(Math.min(...a.filter((x) => x > 1)), 5);
  // base 10 ms: t=500 is still being served at 505, so it is held to the end (705): 205 ms
  const b = expectedLatencies({ ...base, baseMs: 10, stallStartMs: 505 });
  assert.equal(b[b.length - 1], 205);
});

test('K connections: requests beyond K queue in the generator and drain K at a time after the stall', () => {
  const lat = expectedLatencies({ ...base, connections: 2 });
  // t=500 and 510 are held on the wire until 700; t=520..690 (18) wait in the FIFO and
  // complete in pairs at 701, 701, 702, 702, ..., 709, 709; t=700 gets a connection at 709
  const byT = new Map<number, number>();
  for (let i = 0; i < 100; i++) {
    const t = i * 10;
    let v = 1;
    if (t === 500 || t === 510) v = 700 - t;
    else if (t >= 520 && t <= 690) v = 701 + Math.floor((t - 520) / 20) - t;
    else if (t === 700) v = 10;
    byT.set(t, v);
  }
  assert.deepEqual(lat, [...byT.values()].sort((x, y) => x - y));
  // more connections than requests in the stall: same as unlimited
  assert.deepEqual(expectedLatencies({ ...base, connections: 1000 }), expectedLatencies(base));
});

test('freeze (SIGSTOP): time frozen does not count towards the base latency', () => {
  const s: StallScenario = { ...base, baseMs: 10, stallStartMs: 505, stallMs: 200, mode: 'freeze' };
  const lat = expectedLatencies(s);
  // t=500: 5 ms of its 10 done before the freeze, 5 after 705 -> 210; t=510: all 10 ms after 705 -> 205
  assert.equal(lat[lat.length - 1], 210);
  assert.ok(lat.includes(205));
  // hold mode answers t=510 at 705 exactly (its 10 ms ended inside the stall): 195
  assert.ok(expectedLatencies({ ...s, mode: 'hold' }).includes(195));
});

test('closed-form mixture quantile agrees with the discrete schedule within one arrival gap', () => {
  const table: Array<{ p: number; want: number }> = [
    { p: 0.5, want: 1 }, { p: 0.8, want: 1 }, { p: 0.9, want: 101 }, { p: 0.99, want: 191 }, { p: 1, want: 201 },
  ];
  for (const { p, want } of table) {
    assert.ok(Math.abs(mixtureQuantile(p, base) - want) < 1e-9, `q(${p}) = ${mixtureQuantile(p, base)}`);
    assert.ok(Math.abs(expectedPercentile(base, p * 100) - want) <= 1000 / base.rate, `p${p * 100}: discrete ${expectedPercentile(base, p * 100)} vs closed form ${want}`);
  }
  // a realistic case: 200 req/s for 8 s, 500 ms stall at 3.75 s, base 1.5 ms
  const big: StallScenario = { rate: 200, durationMs: 8000, stallStartMs: 3750, stallMs: 500, baseMs: 1.5 };
  assert.ok(Math.abs(expectedPercentile(big, 99) - mixtureQuantile(0.99, big)) <= 5);
  assert.ok(Math.abs(mixtureQuantile(0.99, big) - 421.5) < 1e-9);
});

test('finite capacity: below it nothing changes; after the stall the released backlog drains at the capacity', () => {
  // 100 req/s for 1 s, a 200 ms hold at 500 ms, 2 connections: without a capacity limit the
  // 18 queued requests complete in pairs 1 ms apart (see above)
  const s: StallScenario = { ...base, connections: 2 };
  const us = (xs: number[]): number[] => xs.map((x) => Math.round(x * 1000) / 1000);
  assert.deepEqual(us(expectedLatencies({ ...s, capacityRps: 1e9 })), us(expectedLatencies(s)), 'a capacity far above the rate changes nothing');
  assert.deepEqual(expectedLatencies({ ...base, capacityRps: 200 }), expectedLatencies(base), 'unlimited connections, capacity 2x the rate: no request queues outside the stall');
  // capacity 250 req/s (4 ms each): held answers go at 700; then each of t=520..690 starts when
  // the target is free, one every 4 ms from 700, and is answered 1 ms later
  const lat = expectedLatencies({ ...s, capacityRps: 250 });
  const worstQueued = Math.max(...lat.filter((x) => x < 180));
  assert.ok(lat.includes(200) && lat.includes(190), 'the two held requests still complete at the stall end');
  assert.equal(lat[lat.length - 1], 200);
  // the last queued request (t=690) starts at 700 + 17*4 = 768: latency 768 + 1 - 690 = 79
  assert.ok(lat.includes(79), `the drain runs at the capacity: ${lat.slice(-25).join(',')}`);
  assert.ok(worstQueued > 0);
});
