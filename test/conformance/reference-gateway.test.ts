import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runConformance, type ConformanceReport } from '../../harness/conformance/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY = 'node bin/gw-bench.js gateway';
const landed = existsSync(new URL('../../cli/commands/gateway.js', import.meta.url));

function failures(rep: ConformanceReport): string {
  return rep.checks.filter((c) => !c.ok).map((c) => `FAIL ${c.name}: ${c.reason}`).join('\n');
}

describe('the reference gateway conforms (started through --impl-command)', { skip: landed ? false : 'gateway command not built yet' }, () => {
  it('passes every check with HS256 and the contract defaults', async () => {
    const rep = await runConformance({ implCommand: GATEWAY, implCwd: ROOT });
    assert.equal(failures(rep), '');
    assert.equal(rep.failed, 0);
    assert.ok(rep.checks.length >= 40, `${rep.checks.length} checks ran`);
    assert.ok(rep.checks.some((c) => c.name === 'sigterm-exit' && c.ok));
  });

  it('passes auth, breaker and limit checks with RS256 and non-default knobs (the env vars are really read)', async () => {
    const rep = await runConformance({
      implCommand: GATEWAY,
      implCwd: ROOT,
      settings: { jwtAlg: 'RS256', breakerFailures: 3, breakerCooldownMs: 1000, maxBodyBytes: 65_536, maxHeaderBytes: 8192, fanoutDeadlineMs: 100, upstreamTimeoutMs: 600 },
      only: ['auth-valid', 'auth-alg-none', 'auth-wrong-alg', 'auth-bad-signature', 'auth-expired', 'auth-wrong-issuer', 'feed-part-late', 'body-limit', 'body-at-limit', 'header-limit', 'upstream-timeout', 'breaker'],
    });
    assert.equal(failures(rep), '');
    assert.equal(rep.passed, 12);
    assert.equal(rep.settings.jwtAlg, 'RS256');
  });

  it('quick subset: only the pre-measurement checks', async () => {
    const rep = await runConformance({ implCommand: GATEWAY, implCwd: ROOT, quick: true });
    assert.deepEqual(rep.checks.map((c) => c.name), ['healthz', 'auth-valid', 'feed', 'user-proxy', 'interact-body']);
    assert.equal(failures(rep), '');
  });
});
