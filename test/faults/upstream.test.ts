import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamKilled, upstreamRefusing, upstreamReset, upstreamStalled } from '../../harness/reliability/faults.js';
import type { FaultFigures } from '../../harness/reliability/load.js';

/**
 * Upstream faults mid-stage under load (200 req/s for 6 s, fault at 2 s): the gateway keeps
 * running, the stage finishes, errors are counted by kind, and a transient fault heals.
 */

const show = (f: FaultFigures): string => JSON.stringify(f);
const total = (f: FaultFigures): number => Object.values(f.errors).reduce((a, b) => a + b, 0);

function common(f: FaultFigures): void {
  console.log(`# ${show(f)}`);
  assert.equal(f.orphans, 0, 'no rig process left');
  assert.equal(f.hung, false, show(f));
  assert.equal(f.crashes, 0, show(f));
  assert.ok(f.requests > 500, `requests ${f.requests}`);
  assert.ok(f.notes.some((n) => n === 'gateway healthy after: true'), show(f));
}

test('upstream killed: fast 5xx from then on, no crash, no hang', { timeout: 90_000 }, async () => {
  const f = await upstreamKilled();
  common(f);
  assert.ok((f.errors.http_5xx ?? 0) > 0, show(f));
  assert.ok((f.errors.http_5xx ?? 0) > (f.errors.timeout ?? 0), `errors are answers, not timeouts: ${show(f)}`);
});

for (const [name, run] of [['stalled', upstreamStalled], ['RST', upstreamReset], ['refusing', upstreamRefusing]] as const) {
  test(`upstream ${name} for 2 s: errors counted, recovers after the fault, no crash, no hang`, { timeout: 90_000 }, async () => {
    const f = await run();
    common(f);
    assert.ok(total(f) > 0, `the fault was seen: ${show(f)}`);
    assert.ok(f.recoveryMs !== null, `recovered before the stage ended: ${show(f)}`);
  });
}
