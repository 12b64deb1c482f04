import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestStarter } from '../../gateway/http/cpu-burn.js';

/** The gate's CPU knob: off = the plain call; on = at least the asked CPU time per request. */

test('debug.cpu 0 runs the request at once; a burn spends at least its CPU time first', () => {
  let ran = 0;
  requestStarter(0)(() => { ran++; });
  assert.equal(ran, 1);
  const start = requestStarter(2); // 2 ms
  const before = process.cpuUsage();
  for (let i = 0; i < 5; i++) start(() => { ran++; });
  const used = process.cpuUsage(before);
  assert.equal(ran, 6);
  assert.ok(used.user + used.system >= 5 * 2000, `${used.user + used.system} us of CPU for 5 x 2 ms`);
});

test('debug.delay: the request runs after the delay, not before; chosen once', async () => {
  let ranAt = 0;
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => requestStarter(0, 30)(() => { ranAt = performance.now(); resolve(); }));
  assert.equal(ranAt, 0, 'not run synchronously');
  await done;
  assert.ok(ranAt - t0 >= 29, `ran after ${ranAt - t0} ms`);
});
