import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagBoundCheck, upperRank } from '../../harness/accuracy/lag-bound-check.js';

test('upperRank: 3 binomial standard deviations of the difference of two samples, capped at 100', () => {
  assert.ok(Math.abs(upperRank(99, 2000) - (99 + 300 * Math.sqrt((2 * 0.99 * 0.01) / 2000))) < 1e-9);
  assert.equal(upperRank(99.9, 10), 100);
  assert.ok(upperRank(50, 1e6) - 50 < 0.5);
});

test('a generator slowed on purpose (10 ms spin every 50 ms) never overstates latency by more than its reported bound', { timeout: 90_000 }, async () => {
  // No placement: the test runs wherever npm test runs; the claim holds regardless of noise,
  // because noise on the target hits both generators and noise on the generator is in the bound.
  const r = await lagBoundCheck({ gateway: null, upstreams: null, generator: null, method: 'none' }, [
    { targetMs: 20, spinMs: 10, everyMs: 50, rate: 150, connections: 48, durationMs: 3000 },
  ]);
  const failed = r.rows.filter((x) => !x.pass).map((x) => `${x.case}: expected ${x.expected}, measured ${x.measured}`);
  assert.deepEqual(failed, [], failed.join('\n'));
  assert.equal(r.rows.length, 6, 'stall seen, four percentiles, target floor');
  assert.ok(r.pass);
});
