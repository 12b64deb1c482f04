import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayWorkerKilled } from '../../harness/reliability/faults.js';

test('one of two gateway workers SIGKILLed mid-stage: replaced, errors counted, stage finishes, no crash', { timeout: 90_000 }, async () => {
  const f = await gatewayWorkerKilled();
  console.log(`# ${JSON.stringify(f)}`);
  assert.equal(f.orphans, 0, 'no rig process left');
  assert.equal(f.hung, false);
  assert.equal(f.crashes, 0, JSON.stringify(f));
  assert.ok(f.notes.includes('replaced by a new worker: true'), JSON.stringify(f));
  assert.ok(f.notes.includes('gateway healthy after: true'), JSON.stringify(f));
  assert.ok(f.requests > 500);
  assert.ok(f.recoveryMs !== null, JSON.stringify(f));
});
