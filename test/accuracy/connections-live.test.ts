import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionViews } from '../../harness/accuracy/connections-check.js';
import { accuracyPlan, startRig, type Rig } from '../../harness/accuracy/rig.js';
import { sumCounter } from '../../upstream/stats.js';
import { LENIENT_HEALTH } from '../loadgen/helpers.js';

/** Open connections counted at three edges (generator, mock upstream, kernel) agree exactly, and so does reuse. */
let rig: Rig;
before(async () => { rig = await startRig({ gateway: null, upstreams: null, generator: null, method: 'none' }, { workers: 2 }); });
after(async () => { await rig?.close(); });

test('24 connections over 2 workers: generator, server and kernel count the same; reuse agrees', async () => {
  const plan = accuracyPlan(rig.host, rig.port, { connections: 24, rate: 100, durationMs: 1000, health: { ...LENIENT_HEALTH } });
  const first = await rig.gen.runStage(plan);
  assert.equal(first.connectionCounts.established, 24);
  const v1 = await connectionViews(first, { ...rig, admin: rig.target.admin });
  assert.deepEqual({ generator: v1.generator, server: v1.server, kernel: v1.kernel }, { generator: 24, server: 24, kernel: 24 });
  const s1 = await rig.target.admin.stats();
  assert.equal(sumCounter(s1, 'connectionsAccepted', 'user'), 24);

  // second stage on the same connections: nothing reopened on either side
  await rig.target.admin.control({ action: 'reset-counters', service: 'user' });
  const second = await rig.gen.runStage({ ...plan, index: 1 });
  const s2 = await rig.target.admin.stats();
  assert.equal(second.connectionsOpenedInWindow, 0);
  assert.equal(sumCounter(s2, 'connectionsAccepted', 'user'), 0);
  assert.equal(sumCounter(s2, 'requests', 'user'), second.requests);
  assert.equal(second.requests, 100);
  const v2 = await connectionViews(second, { ...rig, admin: rig.target.admin });
  assert.deepEqual({ generator: v2.generator, server: v2.server, kernel: v2.kernel }, { generator: 24, server: 24, kernel: 24 });
});
