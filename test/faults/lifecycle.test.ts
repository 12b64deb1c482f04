import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainUnderLoad, reloadsUnderLoad } from '../../harness/reliability/lifecycle.js';

test('100 config reloads under load: every one applied, 0 failed requests, no crash', { timeout: 120_000 }, async () => {
  const f = await reloadsUnderLoad(100);
  console.log(`# ${JSON.stringify(f)}`);
  assert.equal(f.orphans, 0, 'no rig process left');
  assert.equal(f.hung, false);
  assert.equal(f.reloads, 100, JSON.stringify(f));
  assert.equal(f.rejected, 0);
  assert.deepEqual(f.errors, {}, JSON.stringify(f));
  assert.ok(f.requests > 1000);
  assert.equal(f.crashes, 0);
});

for (const workers of [1, 2]) {
  test(`SIGTERM drain under load (${workers} worker(s)): 0 failed in-flight requests, exit 0`, { timeout: 60_000 }, async () => {
    const f = await drainUnderLoad(workers);
    console.log(`# ${JSON.stringify(f)}`);
    assert.equal(f.orphans, 0, 'no rig process left');
    assert.equal(f.hung, false, JSON.stringify(f));
    assert.ok(f.inFlightAtSignal >= 16, `requests were in flight at the signal: ${JSON.stringify(f)}`);
    assert.equal(f.failedInFlight, 0, JSON.stringify(f));
    assert.equal(f.exitCode, 0);
  });
}
