import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../gateway/config/load.js';
import { ConfigError } from '../../core/errors.js';

test('defaults are the contract defaults (§1, §2)', () => {
  const c = loadConfig({ env: {} });
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8080, backlog: 65535 });
  assert.equal(c.workers, 1);
  assert.deepEqual(c.upstreams.interact!.instances, [
    { origin: 'http://127.0.0.1:19004', weight: 80 },
    { origin: 'http://127.0.0.1:19005', weight: 20 },
  ]);
  assert.equal(c.upstreams['user-status']!.instances[0]!.origin, 'http://127.0.0.1:19001');
  assert.equal(c.jwt.alg, 'HS256');
  assert.equal(c.jwt.secret, 'gw-bench-dev-secret-change-me-0123456789');
  assert.equal(c.fanoutDeadlineMs, 150);
  assert.equal(c.upstreamTimeoutMs, 1000);
  assert.deepEqual([c.breaker.failures, c.breaker.cooldownMs], [5, 2000]);
  assert.deepEqual(c.limits, { maxBodyBytes: 1048576, maxHeaderBytes: 16384 });
  assert.equal(c.server.keepAliveTimeoutMs, 120_000);
  assert.ok(c.server.headersTimeoutMs > c.server.keepAliveTimeoutMs);
  assert.equal(c.server.requestTimeoutMs, 0);
  assert.deepEqual(c.routes.map((r) => `${r.method} ${r.path} ${r.type} ${r.auth}`), [
    'GET /healthz health false', 'GET /metrics metrics false', 'GET /api/feed feed true',
    'GET /api/user/:uid proxy true', 'POST /api/interact proxy true',
  ]);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.upstreams) && Object.isFrozen(c.routes[0]));
});

test('environment variables set every contract knob', () => {
  const c = loadConfig({ env: {
    GW_LISTEN_HOST: '127.0.0.2', GW_LISTEN_PORT: '9090', GW_WORKERS: '3',
    GW_UPSTREAM_USER: 'http://127.0.0.1:1*2,http://127.0.0.1:2', GW_JWT_ISSUER: 'me',
    GW_FANOUT_DEADLINE_MS: '80', GW_UPSTREAM_TIMEOUT_MS: '250', GW_BREAKER_FAILURES: '2',
    GW_BREAKER_COOLDOWN_MS: '300', GW_MAX_BODY_BYTES: '10', GW_MAX_HEADER_BYTES: '4096',
    GW_IDLE_TIMEOUT_MS: '5000', GW_DEBUG_DELAY_MS: '7', GW_DEBUG_CPU_US: '300',
  } });
  assert.deepEqual(c.listen, { host: '127.0.0.2', port: 9090, backlog: 65535 });
  assert.equal(c.workers, 3);
  assert.deepEqual(c.upstreams.user!.instances, [{ origin: 'http://127.0.0.1:1', weight: 2 }, { origin: 'http://127.0.0.1:2', weight: 1 }]);
  assert.equal(c.jwt.issuer, 'me');
  assert.deepEqual([c.fanoutDeadlineMs, c.upstreamTimeoutMs, c.breaker.failures, c.breaker.cooldownMs], [80, 250, 2, 300]);
  assert.deepEqual(c.limits, { maxBodyBytes: 10, maxHeaderBytes: 4096 });
  assert.equal(c.server.keepAliveTimeoutMs, 5000);
  assert.equal(c.debugDelayMs, 7);
  assert.equal(c.debugCpuMs, 0.3, 'GW_DEBUG_CPU_US: a bare number is microseconds');
  assert.equal(loadConfig({ env: { GW_DEBUG_CPU_US: '2ms' } }).debugCpuMs, 2);
  assert.equal(loadConfig({ env: {} }).debugCpuMs, 0);
});

test('YAML overrides the environment, units accepted, lists replace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-cfg-'));
  const file = join(dir, 'gw.yaml');
  writeFileSync(file, [
    'listen: { port: 7000 }',
    'upstreams:',
    '  user: { instances: ["http://127.0.0.1:3001", { url: "http://127.0.0.1:3002", weight: 3 }], connections: 8, keepAliveTimeout: 2s }',
    'deadlines: { fanout: 90ms }',
    'routes:',
    '  - { method: GET, path: /healthz, type: health }',
    '  - { path: /v2/*, type: proxy, upstream: user }',
  ].join('\n'));
  const c = loadConfig({ env: { GW_LISTEN_PORT: '9000', GW_FANOUT_DEADLINE_MS: '10' }, file });
  assert.equal(c.listen.port, 7000);
  assert.equal(c.fanoutDeadlineMs, 90);
  assert.deepEqual(c.upstreams.user, {
    name: 'user', connections: 8, keepAliveTimeoutMs: 2000, client: 'lean',
    instances: [{ origin: 'http://127.0.0.1:3001', weight: 1 }, { origin: 'http://127.0.0.1:3002', weight: 3 }],
  });
  assert.equal(c.routes.length, 2);
  assert.deepEqual(c.routes[1], { method: null, path: '/v2/*', type: 'proxy', upstream: 'user', auth: true });
});

test('every problem is reported with its path, value and expectation', () => {
  let err: unknown;
  try {
    loadConfig({ env: { GW_LISTEN_PORT: '70000', GW_JWT_ALG: 'none' }, overrides: {
      upstreams: { user: { instances: 'ftp://x*0' } },
      breaker: { failures: 0 },
      routes: [{ path: 'nope', type: 'teleport' }, { path: '/a', type: 'proxy', upstream: 'ghost' }],
      bogus: 1,
    } });
  } catch (e) { err = e; }
  assert.ok(err instanceof ConfigError);
  assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
  const text = err.details.join('\n');
  for (const want of [
    'listen.port: 70000 must be <= 65535',
    'jwt.alg: "none" is not one of "HS256", "RS256"',
    'upstreams.user.instances[0].weight: "0" is not a whole number',
    'upstreams.user.instances[0]: "ftp://x" must be an http:// URL',
    'breaker.failures: 0 is not a non-negative whole count like 500, 1k or 100k (must be >= 1)',
    'routes[0].path: "nope" must start with /',
    'routes[0].type: "teleport" is not one of "proxy", "feed", "health", "metrics"',
    'routes[1].upstream: "ghost" is not a configured upstream',
    'bogus: unknown key; allowed here: listen, workers,',
  ]) assert.ok(text.includes(want), `missing problem: ${want}\n--- got:\n${text}`);
});

test('cluster.balance: 1.2 by default, GW_CLUSTER_BALANCE=off turns it off, a ratio below 1.05 or not a number is refused by name', () => {
  assert.equal(loadConfig({ env: {} }).balance, 1.2);
  assert.equal(loadConfig({ env: { GW_CLUSTER_BALANCE: 'off' } }).balance, null);
  assert.equal(loadConfig({ env: { GW_CLUSTER_BALANCE: '1.5' } }).balance, 1.5);
  assert.equal(loadConfig({ env: {}, overrides: { cluster: { balance: null } } }).balance, null);
  for (const [value, problem] of [['0.9', 'cluster.balance: 0.9 must be >= 1.05'], ['11', 'cluster.balance: 11 must be <= 10'], ['fast', 'cluster.balance: "fast" must be number or null']] as const) {
    assert.throws(() => loadConfig({ env: { GW_CLUSTER_BALANCE: value } }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.exitCode, 2);
      assert.deepEqual(e.details, [problem]);
      return true;
    });
  }
});

test('RS256 needs a readable PEM public key', () => {
  assert.throws(() => loadConfig({ env: { GW_JWT_ALG: 'RS256' } }), (e: ConfigError) => e.details.some((d) => d.startsWith('jwt.publicKeyFile: null is required')));
  assert.throws(() => loadConfig({ env: { GW_JWT_ALG: 'RS256', GW_JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' } }), (e: ConfigError) => e.details.some((d) => d.includes('cannot be read')));
  const dir = mkdtempSync(join(tmpdir(), 'gwb-key-'));
  const ec = join(dir, 'ec.pem');
  writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  assert.throws(() => loadConfig({ env: { GW_JWT_ALG: 'RS256', GW_JWT_PUBLIC_KEY_FILE: ec } }), (e: ConfigError) => e.details.some((d) => d.includes('does not hold an RSA public key in PEM (SPKI) form (found ec)')));
  const rsa = join(dir, 'rsa.pem');
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
  assert.equal(loadConfig({ env: { GW_JWT_ALG: 'RS256', GW_JWT_PUBLIC_KEY_FILE: rsa } }).jwt.alg, 'RS256');
});

test('pool.client: lean by default, undici by GW_UPSTREAM_CLIENT, anything else refused with its path', () => {
  assert.ok(Object.values(loadConfig({ env: {} }).upstreams).every((u) => u.client === 'lean'));
  assert.ok(Object.values(loadConfig({ env: { GW_UPSTREAM_CLIENT: 'undici' } }).upstreams).every((u) => u.client === 'undici'));
  assert.throws(() => loadConfig({ env: { GW_UPSTREAM_CLIENT: 'curl' } }), (e: ConfigError) => e.details.some((d) => d.startsWith('pool.client: "curl"')));
});
