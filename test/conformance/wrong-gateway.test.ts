import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runConformance } from '../../harness/conformance/index.js';
import { freePort } from '../../core/processes/free-port.js';
import { defaultConfig } from '../../upstream/config.js';
import { startUpstreams, type UpstreamSet } from '../../upstream/set.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WRONG = 'node dist/test/conformance/fixtures/wrong-gateway.js';
const ENV = { GWB_WRONG_GATEWAY: '1' };

/** Run the real CLI; resolve with its exit code and output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/gw-bench.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('conformance against a deliberately wrong gateway', () => {
  it('library: names exactly the broken checks, passes the correct ones', async () => {
    const report = await runConformance({
      implCommand: WRONG,
      implCwd: ROOT,
      implEnv: ENV,
      only: ['healthz', 'not-found', 'auth-valid', 'user-proxy', 'no-authorization-upstream', 'auth-expired', 'auth-bad-signature', 'feed', 'feed-part-late'],
    });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    assert.equal(report.mode, 'impl-command');
    assert.deepEqual(report.checks.filter((c) => c.ok).map((c) => c.name), ['healthz', 'not-found', 'auth-valid', 'feed', 'user-proxy']);
    assert.deepEqual(report.checks.filter((c) => !c.ok).map((c) => c.name), ['feed-part-late', 'no-authorization-upstream', 'auth-bad-signature', 'auth-expired']);
    assert.equal(report.ok, false);
    assert.equal(report.failed, 4);
    assert.match(byName['no-authorization-upstream']!.reason!, /^authorization reached the upstream: "Bearer /);
    assert.match(byName['auth-expired']!.reason!, /^exp 60 s ago: GET \/api\/user\/7: expected 401, got 200 /);
    assert.match(byName['auth-bad-signature']!.reason!, /^signed with another key: GET \/api\/user\/7: expected 401, got 200 /);
    assert.match(byName['feed-part-late']!.reason!, /^feed with barrage stalled 3000 ms: degraded is \[\], expected \["barrage"\]/);
  });

  it('header, timeout and breaker checks name each violation', async () => {
    const expected: Record<string, RegExp> = {
      'request-id-generated': /^no x-request-id reached the upstream when the client sent none$/,
      'x-forwarded-for': /^without a client x-forwarded-for the upstream got "", expected "127\.0\.0\.1"$/,
      'x-user-id': /^upstream got x-user-id "forged-admin", expected the token sub "user-sub-314"$/,
      'hop-by-hop-stripped': /^hop-by-hop headers reached the upstream: x-conf-hop, x-conf-hop2, keep-alive, proxy-authorization, te, connection \(keep-alive, x-conf-hop, X-Conf-Hop2\)$/,
      'upstream-timeout': /^GET \/api\/user\/504 with the user service answering after 2500 ms \(timeout 1000 ms\): expected 504, got 200 /,
      breaker: /^call 1 after 5 consecutive failures: expected 503, got 500 \{"error":"injected"/,
    };
    const report = await runConformance({ implCommand: WRONG, implCwd: ROOT, implEnv: ENV, only: [...Object.keys(expected), 'header-limit'] });
    for (const c of report.checks) {
      if (c.name === 'header-limit') { assert.equal(c.ok, true, c.reason); continue; }
      assert.equal(c.ok, false, c.name);
      assert.match(c.reason!, expected[c.name]!, c.name);
    }
    assert.equal(report.checks.length, 7);
  });

  it('feed-concurrent catches a fan-out that fetches its parts one after the other', async () => {
    const report = await runConformance({ implCommand: WRONG, implCwd: ROOT, implEnv: { ...ENV, GWB_WRONG_FEED: 'sequential' }, only: ['feed', 'feed-concurrent'] });
    assert.deepEqual(report.checks.map((c) => [c.name, c.ok]), [['feed', true], ['feed-concurrent', false]]);
    assert.match(report.checks[1]!.reason!, /^feed with both parts taking 75 ms \(deadline 150 ms\): degraded is \["barrage"\], expected \[\] \(are the parts fetched one after the other\?\)$/);
  });

  it('CLI: one PASS/FAIL line per check, a summary, exit 4 with GW_ERR_CONFORMANCE', async () => {
    const r = await cli(['conformance', '--impl-command', WRONG, '--only', 'healthz,no-authorization-upstream,auth-expired'], ENV);
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'PASS healthz');
    assert.match(lines[1]!, /^FAIL no-authorization-upstream: authorization reached the upstream/);
    assert.match(lines[2]!, /^FAIL auth-expired: exp 60 s ago: GET \/api\/user\/7: expected 401, got 200/);
    assert.match(lines[3]!, /^conformance: 1 passed, 2 failed of 3 checks in [\d.]+ s; http:\/\/127\.0\.0\.1:\d+ DOES NOT conform/);
    assert.equal(lines.length, 4);
    assert.match(r.stderr, /failed 2 of 3 conformance checks: no-authorization-upstream, auth-expired \[GW_ERR_CONFORMANCE\]/);
  });

  it('CLI --json: the report object, still exit 4', async () => {
    const r = await cli(['conformance', '--impl-command', WRONG, '--only', 'healthz,auth-expired', '--json'], ENV);
    assert.equal(r.code, 4, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.deepEqual(rep.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]), [['healthz', true], ['auth-expired', false]]);
    assert.equal(rep.settings.jwtSecret, undefined, 'secrets are not printed');
  });

  it('a wrong gateway that never starts listening: exit 4 naming the command and its output', async () => {
    const r = await cli(['conformance', '--impl-command', 'echo booting; exit 3', '--only', 'healthz']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /implementation exited \(code 3\) before answering GET http:\/\/127\.0\.0\.1:\d+\/healthz: echo booting; exit 3 \[GW_ERR_TARGET_CRASHED\]\n {2}booting/);
  });
});

describe('conformance against an address nobody listens on', () => {
  let set: UpstreamSet;
  before(async () => { set = await startUpstreams(defaultConfig({ ephemeral: true })); });
  after(async () => { await set.close(); });

  it('exit 4 GW_ERR_TARGET_UNREACHABLE, using running upstreams via --upstream-admin', async () => {
    const port = await freePort();
    const r = await cli(['conformance', '--url', `http://127.0.0.1:${port}`, '--upstream-admin', set.adminUrl]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, new RegExp(`gateway http://127.0.0.1:${port} does not answer: GET /healthz failed: ECONNREFUSED \\[GW_ERR_TARGET_UNREACHABLE\\]`));
  });

  it('refuses a non-loopback URL before doing anything (exit 2)', async () => {
    const r = await cli(['conformance', '--url', 'http://10.1.2.3:8080', '--upstream-admin', set.adminUrl]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GW_ERR_ADDRESS_NOT_LOOPBACK/);
  });
});
