import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBES, slowloris, type ProbeTarget } from '../../harness/reliability/probes.js';
import { startRig, type Rig } from '../../harness/reliability/rig.js';

/**
 * Smuggling, header and token probes against the reference gateway over raw sockets: each
 * gets a safe answer, no probe reaches an upstream (the mock upstreams' own counters), and
 * the gateway keeps serving.
 */

let rig: Rig;
let target: ProbeTarget;
const file = join(process.env.TMPDIR ?? '/tmp', `gwb-probes-${process.pid}.yaml`);
before(async () => {
  // A short headers timeout so the slowloris probe ends in seconds (the default is 121 s).
  writeFileSync(file, 'server: { headersTimeout: 2s }\n');
  rig = await startRig({ args: ['--config', file] });
  target = { host: rig.host, port: rig.port, validToken: rig.jwt.tokens.valid[0]!, secret: rig.jwt.secret! };
});
after(async () => { await rig?.close(); rmSync(file, { force: true }); });

test('a valid request reaches the upstream (the counter below can move)', async () => {
  const before = await rig.upstreamRequests();
  const r = await fetch(`${rig.url}/api/user/1`, { headers: { authorization: `Bearer ${target.validToken}` } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  assert.equal(await rig.upstreamRequests(), before + 1);
});

for (const probe of [...PROBES, slowloris(50, 10_000)]) {
  test(`probe: ${probe.name} -> ${probe.expect.join(' or ')}, no upstream call`, { timeout: 30_000 }, async () => {
    const before = await rig.upstreamRequests();
    const r = await probe.run(target);
    assert.ok(probe.expect.includes(r.status as number | 'closed'), `got ${r.status} after ${r.ms.toFixed(0)} ms`);
    if (probe.name.startsWith('100 MB')) assert.ok(r.sentBytes < 100 * 1024 * 1024, `upload stopped early (${r.sentBytes} bytes sent)`);
    if (probe.name.startsWith('slowloris')) assert.ok(r.ms < 8000, `cut after ${r.ms.toFixed(0)} ms (headers timeout 2 s)`);
    if (probe.mayStartUpstream) assert.ok(await rig.upstreamRequests() <= before + 1, probe.mayStartUpstream);
    else assert.equal(await rig.upstreamRequests(), before, 'no upstream request');
    const h = await fetch(`${rig.url}/healthz`);
    assert.equal(h.status, 200, 'still serving');
    await h.arrayBuffer();
    assert.ok(rig.gateway.alive());
  });
}
