import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { freePort, runConformance, settingsEnv, CONTRACT_DEFAULTS, startImpl, type ConformanceReport } from '../../harness/conformance/index.js';
import { upstreamEnv } from '../../upstream/contract-env.js';
import { validateConfig } from '../../upstream/config.js';
import { startUpstreams } from '../../upstream/set.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY = 'node bin/gw-bench.js gateway';

function failures(rep: ConformanceReport): string {
  return rep.checks.filter((c) => !c.ok).map((c) => `FAIL ${c.name}: ${c.reason}`).join('\n');
}

// No skip when a build file is missing: a missing gateway command is a failure of this suite.
describe('the reference gateway conforms (started through --impl-command)', () => {
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

  it('--upstream-admin mode: neutralises configured latency/errors for the checks, then restores them', async () => {
    const set = await startUpstreams(validateConfig({
      admin: { port: 0 },
      services: {
        'user-status': { latency: { model: 'lognormal', p50: 2, p99: 20 } },
        barrage: { errorRate: 0.5 },
        user: { errorRate: 0.5, errorStatus: 503 },
        interact: { instances: 2 },
      },
    }));
    const port = await freePort();
    const services = Object.fromEntries(Object.entries(set.services).map(([k, v]) => [k, v.urls]));
    const impl = await startImpl(GATEWAY, {
      host: '127.0.0.1', port, cwd: ROOT,
      env: { GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: String(port), ...upstreamEnv(services), ...settingsEnv(CONTRACT_DEFAULTS) },
    });
    try {
      const rep = await runConformance({ url: impl.url, upstreamAdmin: set.adminUrl, only: ['healthz', 'auth-valid', 'feed', 'user-proxy', 'interact-split', 'auth-expired'] });
      assert.equal(rep.mode, 'external-upstreams');
      assert.equal(failures(rep), '');
      assert.equal(rep.passed, 6);
      const faults = set.stats().services;
      assert.equal(faults.user!.faults.errorRate, 0.5);
      assert.equal(faults.user!.faults.errorStatus, 503);
      assert.equal(faults['user-status']!.faults.latency, 'lognormal p50=2ms p99=20ms');
    } finally {
      await impl.stop();
      await set.close();
    }
  });
});
