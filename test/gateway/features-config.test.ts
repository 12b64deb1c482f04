import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../gateway/config/load.js';
import { ConfigError } from '../../core/errors.js';

function problems(overrides: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  try { loadConfig({ env, overrides }); } catch (err) { if (err instanceof ConfigError) return [...err.details]; throw err; }
  return [];
}

test('features are off by default: no shadow on any route, no regions, no etcd, no Bloom filter', () => {
  const c = loadConfig({ env: {} });
  assert.ok(c.routes.every((r) => !r.shadow));
  assert.equal(c.regions, null);
  assert.equal(c.etcd, null);
  assert.equal(c.jwt.negativeBloom, null);
  assert.deepEqual(c.shadow, { maxInFlight: 64, timeoutMs: 1000, maxBodyBytes: 65536 });
});

test('env: GW_SHADOW_UPSTREAM mirrors every proxy and feed route to an upstream named shadow; share 0% turns it off', () => {
  const c = loadConfig({ env: { GW_SHADOW_UPSTREAM: 'http://127.0.0.1:19999', GW_SHADOW_SHARE: '25%', GW_BREAKER_REGION_HEADER: 'X-Region', GW_ETCD_ENDPOINTS: 'http://127.0.0.1:2379', GW_JWT_NEGATIVE_BLOOM: '5000' } });
  assert.equal(c.upstreams.shadow!.instances[0]!.origin, 'http://127.0.0.1:19999');
  assert.deepEqual(c.routes.filter((r) => r.shadow).map((r) => [r.path, r.shadow!.share]), [['/api/feed', 0.25], ['/api/user/:uid', 0.25], ['/api/interact', 0.25]]);
  assert.equal(c.regions!.header, 'x-region');
  assert.deepEqual(c.etcd, { endpoints: ['http://127.0.0.1:2379'], prefix: '/gw-bench/gateway/', maxBackoffMs: 2000 });
  assert.deepEqual(c.jwt.negativeBloom, { capacity: 5000, falsePositiveRate: 0.01 });
  const off = loadConfig({ env: { GW_SHADOW_UPSTREAM: 'http://127.0.0.1:19999', GW_SHADOW_SHARE: '0%' } });
  assert.ok(off.routes.every((r) => !r.shadow));
});

test('route-level shadow overrides the default; shadow: null on a route opts it out', () => {
  const c = loadConfig({ env: { GW_SHADOW_UPSTREAM: 'http://127.0.0.1:19999' }, overrides: { routes: [
    { method: 'GET', path: '/api/user/:uid', type: 'proxy', upstream: 'user', shadow: { upstream: 'interact', share: '10%' } },
    { method: 'POST', path: '/api/interact', type: 'proxy', upstream: 'interact', shadow: null },
  ] } });
  assert.deepEqual(c.routes.map((r) => r.shadow ?? null), [{ upstream: 'interact', share: 0.1 }, null]);
});

test('bad feature values: every problem named with its path and value, core problems in the same error', () => {
  assert.deepEqual(problems({
    listen: { port: 70000 },
    shadow: { maxInFlight: 0, timeout: 'soon' },
    routes: [
      { method: 'GET', path: '/healthz', type: 'health', shadow: { upstream: 'user' } },
      { method: 'GET', path: '/api/user/:uid', type: 'proxy', upstream: 'user', shadow: { upstream: 'nope', share: '150%', extra: 1 } },
    ],
    jwt: { negativeBloom: { capacity: 3, falsePositiveRate: '60%' } },
    etcd: { endpoints: 'ftp://x', prefix: '/no-slash' },
  }), [
    'listen.port: 70000 must be <= 65535',
    'shadow.maxInFlight: 0 is out of range 1..100000',
    'shadow.timeout: "soon" is not a duration like 500ms, 20s or 2m',
    'routes[0].shadow: {"upstream":"user"} is only allowed on proxy and feed routes',
    'routes[1].shadow.extra: 1 is not a known key (known: upstream, share)',
    'routes[1].shadow.upstream: "nope" is not a configured upstream (have: user-status, barrage, user, interact)',
    'routes[1].shadow.share: "150%" is not a percentage like 0.1% (or a fraction 0..1)',
    'jwt.negativeBloom.falsePositiveRate: "60%" must be above 0% and below 50%',
    'jwt.negativeBloom.capacity: 3 is out of range 16..100000000',
    'etcd.endpoints[0]: "ftp://x" is not an http:// URL',
    'etcd.prefix: "/no-slash" is not a key prefix ending in /',
  ]);
});
