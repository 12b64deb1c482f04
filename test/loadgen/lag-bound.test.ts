import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAG_BOUND_SHARE, lagBound, withBound } from '../../loadgen/lag-bound.js';

test('lagBound: bound = send lag max + event-loop delay max, allowed = max(floor, 5% of p99)', () => {
  const b = lagBound({ sendLagMaxMs: 3, eventLoopMaxMs: 4, measuredP99Ms: 100, floorMs: 10 });
  assert.equal(b.boundMs, 7);
  assert.equal(b.allowedMs, 10);
  assert.equal(b.ok, true);
  assert.match(b.rule, /^send lag max 3 ms \+ event-loop delay max 4 ms; measured pX <= true pX \+ bound; allowed max\(10 ms, 5% of p99 100 ms\) = 10 ms$/);
});

test('lagBound: a large p99 allows a proportionally larger bound (5%)', () => {
  assert.equal(LAG_BOUND_SHARE, 0.05);
  const b = lagBound({ sendLagMaxMs: 10, eventLoopMaxMs: 8, measuredP99Ms: 384, floorMs: 10 });
  assert.ok(Math.abs(b.allowedMs - 19.2) < 1e-9);
  assert.equal(b.ok, true, '18 ms on a 384 ms p99 is within 5%');
  const c = lagBound({ sendLagMaxMs: 10, eventLoopMaxMs: 8, measuredP99Ms: 200, floorMs: 10 });
  assert.equal(c.ok, false, '18 ms on a 200 ms p99 is more than 5% (10 ms)');
});

test('lagBound: the bound is exactly at the allowance is still valid; just over is not', () => {
  assert.equal(lagBound({ sendLagMaxMs: 6, eventLoopMaxMs: 4, measuredP99Ms: 1, floorMs: 10 }).ok, true);
  assert.equal(lagBound({ sendLagMaxMs: 6, eventLoopMaxMs: 4.01, measuredP99Ms: 1, floorMs: 10 }).ok, false);
});

test('lagBound: an engine without send times has no bound and says why', () => {
  const b = lagBound({ sendLagMaxMs: null, eventLoopMaxMs: null, measuredP99Ms: 5, floorMs: 10 });
  assert.equal(b.boundMs, null);
  assert.match(b.rule, /^not measurable/);
});

test('lagBound: requests that waited for a connection are named in the rule', () => {
  assert.match(lagBound({ sendLagMaxMs: 1, eventLoopMaxMs: 1, measuredP99Ms: 5, floorMs: 10, queued: 12 }).rule, /12 request\(s\) waited for a free connection/);
});

test('withBound: the figure with what the generator may have added', () => {
  assert.equal(withBound('384ms', 12.4), '384ms (generator adds at most 12 ms)');
  assert.equal(withBound('2.10ms', 1.234), '2.10ms (generator adds at most 1.2 ms)');
  assert.equal(withBound('2.10ms', null), '2.10ms');
});
