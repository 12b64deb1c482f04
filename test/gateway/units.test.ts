import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRoutes } from '../../gateway/routes/router.js';
import { SmoothWeightedBalancer } from '../../gateway/pools/balancer.js';
import { CircuitBreaker } from '../../gateway/pools/breaker.js';
import type { RouteConfig } from '../../gateway/config/types.js';

const r = (method: string | null, path: string): RouteConfig => ({ method, path, type: 'proxy', upstream: 'u', auth: true });

test('router: exact, :param and prefix routes, method aware', () => {
  const table = compileRoutes([
    r('GET', '/healthz'), r('GET', '/api/user/:uid'), r('POST', '/api/interact'),
    r(null, '/api/rooms/:room/users/:uid'), r(null, '/static/*'), r('GET', '/static/special/*'),
  ]);
  const cases: [string, string, string | null, Record<string, string>?][] = [
    ['GET', '/healthz', '/healthz'],
    ['HEAD', '/healthz', '/healthz'],
    ['POST', '/healthz', null],
    ['GET', '/api/user/42', '/api/user/:uid', { uid: '42' }],
    ['GET', '/api/user/a%20b', '/api/user/:uid', { uid: 'a b' }],
    ['GET', '/api/user/', null],
    ['GET', '/api/user/42/x', null],
    ['GET', '/api/interact', null],
    ['POST', '/api/interact', '/api/interact'],
    ['DELETE', '/api/rooms/7/users/9', '/api/rooms/:room/users/:uid', { room: '7', uid: '9' }],
    ['GET', '/static/a/b.css', '/static/*'],
    ['GET', '/static/special/x', '/static/special/*'],
    ['POST', '/static/special/x', '/static/*'],
    ['GET', '/nothing', null],
  ];
  for (const [method, path, want, params] of cases) {
    const m = table.match(method, path);
    assert.equal(m?.route.path ?? null, want, `${method} ${path}`);
    if (params) assert.deepEqual({ ...m!.params }, params, `${method} ${path} params`);
  }
});

test('smooth weighted round-robin: exact split and interleaving', () => {
  for (const [weights, n] of [[[80, 20], 1000], [[1, 1, 1], 999], [[5, 1, 1], 700], [[3], 10]] as const) {
    const b = new SmoothWeightedBalancer(weights.map((w, i) => ({ item: i, weight: w })));
    const counts = weights.map(() => 0);
    for (let i = 0; i < n; i++) counts[b.pick()]!++;
    const total = weights.reduce((a, c) => a + c, 0);
    assert.deepEqual(counts, weights.map((w) => (n * w) / total), `weights ${weights.join('/')}`);
  }
  const b = new SmoothWeightedBalancer([{ item: 'a', weight: 5 }, { item: 'b', weight: 1 }, { item: 'c', weight: 1 }]);
  assert.equal(Array.from({ length: 7 }, () => b.pick()).join(''), 'aabacaa'); // nginx's documented sequence
});

test('breaker: opens after N consecutive failures, one half-open probe, closes or re-opens', () => {
  let now = 1000;
  const changes: string[] = [];
  const br = new CircuitBreaker({ failures: 3, cooldownMs: 500, errorRate: null }, (s) => changes.push(s), () => now);
  br.onFailure(); br.onFailure(); br.onSuccess(); // success resets the streak
  br.onFailure(); br.onFailure();
  assert.equal(br.state, 'closed');
  br.onFailure();
  assert.equal(br.state, 'open');
  assert.equal(br.tryAcquire(), false);
  now += 499;
  assert.equal(br.tryAcquire(), false);
  now += 1;
  assert.equal(br.tryAcquire(), true, 'probe allowed after cool-down');
  assert.equal(br.state, 'half-open');
  assert.equal(br.tryAcquire(), false, 'only one probe at a time');
  br.onFailure();
  assert.equal(br.state, 'open', 'failed probe re-opens');
  assert.equal(br.tryAcquire(), false);
  now += 500;
  assert.equal(br.tryAcquire(), true);
  br.release(); // client left: probe slot freed, still half-open
  assert.equal(br.tryAcquire(), true);
  br.onSuccess();
  assert.equal(br.state, 'closed');
  assert.equal(br.tryAcquire(), true);
  assert.deepEqual(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
});

test('breaker: optional error-rate trigger over a window (never via the streak)', () => {
  let now = 10_000;
  const br = new CircuitBreaker({ failures: 1000, cooldownMs: 100, errorRate: { threshold: 0.5, windowMs: 1000, minRequests: 10 } }, () => {}, () => now);
  for (let i = 0; i < 10; i++) br.onSuccess();
  for (let i = 0; i < 4; i++) { br.onFailure(); br.onSuccess(); }
  assert.equal(br.state, 'closed', '4 failures in 18 requests is below 50%');
  now += 2500; // both buckets age out
  for (let i = 0; i < 4; i++) { br.onFailure(); br.onSuccess(); }
  br.onFailure();
  assert.equal(br.state, 'closed', '5 of 9: ratio high but below minRequests');
  br.onSuccess();
  br.onFailure();
  assert.equal(br.state, 'open', '6 failures of 11 requests is above 50%');
});
