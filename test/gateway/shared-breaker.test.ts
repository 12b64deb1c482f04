import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BreakerAuthority, BreakerMirrors, type BreakerEventMsg, type BreakerUpdateMsg } from '../../gateway/pools/shared-breaker.js';
import { loadConfig } from '../../gateway/config/load.js';

const config = loadConfig({ env: {}, overrides: { breaker: { failures: 3, cooldown: '1000ms' } } });

test('authority: opens on the Nth consecutive failure from any worker, ignores late outcomes, judges the probe', () => {
  let now = 50_000;
  const sent: BreakerUpdateMsg[] = [];
  const auth = new BreakerAuthority((u) => sent.push(u), () => now);
  auth.configure(config);
  const ev = (failed: boolean): BreakerEventMsg => ({ type: 'gwb:breaker-event', service: 'user', failed, seq: 0 });

  auth.onEvent(ev(true));
  assert.deepEqual(sent.map((u) => [u.state, u.streak]), [['closed', true]], 'streak started: workers must report successes now');
  auth.onEvent(ev(false));
  assert.deepEqual(sent.at(-1), { type: 'gwb:breaker-update', service: 'user', state: 'closed', openForMs: 0, streak: false });
  auth.onEvent(ev(true)); auth.onEvent(ev(true));
  const before = sent.length;
  auth.onEvent(ev(true));
  assert.equal(sent.length, before + 1);
  assert.deepEqual(sent.at(-1), { type: 'gwb:breaker-update', service: 'user', state: 'open', openForMs: 1000, streak: false });

  now += 500;
  auth.onEvent(ev(false)); // a call that started before the breaker opened
  auth.onEvent(ev(true));
  assert.equal(sent.length, before + 1, 'outcomes during the cool-down are ignored');
  assert.deepEqual(auth.snapshot().map((u) => [u.service, u.state, u.openForMs]), [['user', 'open', 500]]);

  now += 500;
  auth.onEvent(ev(true)); // the probe failed
  assert.deepEqual([sent.at(-1)!.state, sent.at(-1)!.openForMs], ['open', 1000], 're-opened for a full cool-down');
  now += 1000;
  auth.onEvent(ev(false)); // the next probe succeeded
  assert.deepEqual([sent.at(-1)!.state, sent.at(-1)!.streak], ['closed', false]);
  assert.deepEqual(auth.snapshot(), []);
});

test('mirror: answers locally, reports only while a streak runs, one probe per worker after the cool-down', async () => {
  const events: BreakerEventMsg[] = [];
  const states: string[] = [];
  const mirrors = new BreakerMirrors((e) => events.push(e));
  const b = mirrors.factory('user', config.breaker, (s) => states.push(s));
  b.onSuccess();
  assert.equal(events.length, 0, 'healthy and no streak: no message');
  assert.equal(b.synced!(), null, 'nothing pending: no wait');
  b.onFailure();
  assert.deepEqual(events.map((e) => [e.failed, e.seq]), [[true, 1]]);
  let acked = false;
  const wait = b.synced!();
  assert.ok(wait, 'a failure waits for the primary');
  void wait.then(() => { acked = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(acked, false);
  mirrors.onAck(1);
  await wait;
  assert.equal(acked, true);
  assert.equal(b.synced!(), null);
  mirrors.onUpdate({ type: 'gwb:breaker-update', service: 'user', state: 'closed', openForMs: 0, streak: true });
  b.onSuccess();
  assert.deepEqual(events.map((e) => e.failed), [true, false], 'success reported while a streak runs');

  mirrors.onUpdate({ type: 'gwb:breaker-update', service: 'user', state: 'open', openForMs: 60, streak: false });
  assert.equal(b.state, 'open');
  assert.equal(b.tryAcquire(), false);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(b.tryAcquire(), true, 'probe after the cool-down');
  assert.equal(b.tryAcquire(), false, 'one probe at a time');
  b.release();
  assert.equal(b.tryAcquire(), true, 'released probe slot can be reused');
  mirrors.onUpdate({ type: 'gwb:breaker-update', service: 'user', state: 'closed', openForMs: 0, streak: false });
  assert.equal(b.tryAcquire(), true);
  assert.deepEqual(states, ['open', 'half-open', 'closed']);
});
