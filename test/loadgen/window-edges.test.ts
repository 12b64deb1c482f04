import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowEdges } from '../../loadgen/load-generator.js';

test('windowEdges calls start at the window start and end after its duration, on the epoch clock', async () => {
  const now = () => performance.timeOrigin + performance.now();
  const start = now() + 60;
  const seen: Array<[string, number]> = [];
  await new Promise<void>((resolve) => {
    windowEdges(start, 80, (edge) => { seen.push([edge, now()]); if (edge === 'end') resolve(); });
  });
  assert.deepEqual(seen.map(([e]) => e), ['start', 'end']);
  // Both timers are armed in one turn against the same (cached) loop clock, so their
  // distance is the duration to the millisecond; how late either fires depends on the load.
  // The loop clock can also be stale when they are armed, so neither is asserted not early.
  assert.ok(seen[1]![1] - seen[0]![1] >= 80 - 2, `end ${seen[1]![1] - seen[0]![1]} ms after start`);
  assert.ok(seen[0]![1] >= start - 20, `start fired ${start - seen[0]![1]} ms before the window`);
});

test('windowEdges: timers can be cancelled (a stage that fails before its window)', async () => {
  let calls = 0;
  const timers = windowEdges(performance.timeOrigin + performance.now() + 20, 20, () => { calls++; });
  timers.forEach(clearTimeout);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(calls, 0);
});
