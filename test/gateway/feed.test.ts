import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayHandle } from '../../gateway/server.js';
import type { StandInHandler } from './helpers.js';
import { goodClaims, hsToken, refusedOrigin, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';

let status: StandIn;
let barrage: StandIn;
let gw: GatewayHandle;
const client = testClient();
const auth = { authorization: `Bearer ${hsToken(goodClaims('viewer'))}` };

const ok = (body: unknown): StandInHandler => (_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
const fail = (code: number): StandInHandler => (_q, res) => { res.writeHead(code); res.end('nope'); };
const late = (ms: number): StandInHandler => (_q, res) => { setTimeout(() => { if (!res.destroyed) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); } }, ms).unref(); };

before(async () => {
  status = await startStandIn('user-status');
  barrage = await startStandIn('barrage');
  // Breaker effectively off here: these cases are about the fan-out rules alone.
  gw = await startTestGateway({ upstreams: upstreamsFor({ userStatus: status.origin, barrage: barrage.origin }), breaker: { failures: 1000 } });
});
after(async () => { await gw.close(); await client.agent.close(); await status.close(); await barrage.close(); });

const feed = (url = gw.url, q = 'uid=U1&room_id=R%209'): ReturnType<typeof client.send> => client.send(`${url}/api/feed?${q}`, { headers: auth });

test('both parts answer: 200 with both bodies, nothing degraded, both calls made with the ids', async () => {
  status.handler = ok({ online: true });
  barrage.handler = ok({ comments: ['hi'] });
  const r = await feed();
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { uid: 'U1', room_id: 'R 9', user_status: { online: true }, barrage: { comments: ['hi'] }, degraded: [] });
  assert.equal(status.seen.at(-1)!.url, '/status/U1');
  assert.equal(barrage.seen.at(-1)!.url, '/barrage/R%209');
  assert.equal(status.seen.at(-1)!.headers['x-user-id'], 'viewer');
  assert.equal(barrage.seen.at(-1)!.headers.authorization, undefined);
});

test('a late part is abandoned at the deadline and named in degraded', async () => {
  status.handler = ok({ online: true });
  barrage.handler = late(3000);
  const t0 = Date.now();
  const r = await feed();
  const took = Date.now() - t0;
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { uid: 'U1', room_id: 'R 9', user_status: { online: true }, barrage: null, degraded: ['barrage'] });
  assert.ok(took >= 140 && took < 1500, `answered after ${took} ms (deadline 150 ms, upstream 3 s)`);
});

test('a failing part (5xx, 4xx) is degraded; order of degraded is user_status then barrage', async () => {
  status.handler = fail(500);
  barrage.handler = ok({ comments: [] });
  assert.deepEqual((await feed()).json().degraded, ['user_status']);
  status.handler = fail(404);
  assert.deepEqual((await feed()).json(), { uid: 'U1', room_id: 'R 9', user_status: null, barrage: { comments: [] }, degraded: ['user_status'] });
});

test('both parts late → 504 upstream_timeout; both failed otherwise → 502 bad_gateway', async () => {
  status.handler = late(3000);
  barrage.handler = late(3000);
  const t = await feed();
  assert.equal(t.status, 504);
  assert.equal(t.json().error, 'upstream_timeout');

  status.handler = fail(500);
  barrage.handler = fail(503);
  const f = await feed();
  assert.equal(f.status, 502);
  assert.equal(f.json().error, 'bad_gateway');

  status.handler = fail(500);
  barrage.handler = late(3000);
  assert.equal((await feed()).status, 502, 'one failed, one late: not both timeouts');
});

test('refused upstreams count as failed parts', async () => {
  const dead = await refusedOrigin();
  barrage.handler = ok({ comments: [] });
  const g = await startTestGateway({ upstreams: upstreamsFor({ userStatus: dead, barrage: barrage.origin }) });
  const g2 = await startTestGateway({ upstreams: upstreamsFor({ userStatus: dead, barrage: dead }) });
  try {
    const r = await feed(g.url);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json().degraded, ['user_status']);
    assert.equal((await feed(g2.url)).status, 502);
    const m1 = (await client.send(`${g.url}/metrics`)).text;
    assert.match(m1, /^gateway_upstream_errors_total\{upstream="user-status",reason="refused"\} 1$/m, 'the failed part is counted by reason');
    assert.doesNotMatch(m1, /^gateway_upstream_errors_total\{upstream="barrage"/m, 'the part that answered is not');
    const m2 = (await client.send(`${g2.url}/metrics`)).text;
    for (const up of ['user-status', 'barrage']) assert.match(m2, new RegExp(`^gateway_upstream_errors_total\\{upstream="${up}",reason="refused"\\} 1$`, 'm'));
  } finally { await g.close(); await g2.close(); }
});

test('missing or empty uid / room_id → 400 bad_request without upstream calls', async () => {
  const before = status.seen.length + barrage.seen.length;
  for (const q of ['uid=1', 'room_id=2', 'uid=&room_id=2', 'uid=1&room_id=', '']) {
    const r = await feed(gw.url, q);
    assert.equal(r.status, 400, q);
    assert.equal(r.json().error, 'bad_request');
  }
  assert.equal(status.seen.length + barrage.seen.length, before);
});

test('an open breaker degrades its part at once', async () => {
  status.handler = fail(500);
  barrage.handler = ok({ comments: [] });
  const g = await startTestGateway({ upstreams: upstreamsFor({ userStatus: status.origin, barrage: barrage.origin }), breaker: { failures: 2, cooldown: '60s' } });
  try {
    await feed(g.url); await feed(g.url);
    const before = status.seen.length;
    const r = await feed(g.url);
    assert.deepEqual(r.json().degraded, ['user_status']);
    assert.equal(status.seen.length, before, 'breaker open: user-status not called');
  } finally { await g.close(); }
});

test('a late part is left out of the response but not cancelled: its connection is reused and its success keeps the breaker closed', async () => {
  status.handler = ok({ online: true });
  barrage.handler = late(400);
  const g = await startTestGateway({ upstreams: upstreamsFor({ userStatus: status.origin, barrage: barrage.origin }), breaker: { failures: 2, cooldown: '60s' } });
  const cx = async (): Promise<number> => Number(/^gateway_upstream_cx_total\{upstream="barrage"\} (\d+)$/m.exec((await client.send(`${g.url}/metrics`)).text)?.[1] ?? 0);
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual((await feed(g.url)).json().degraded, ['barrage']);
    await new Promise((r) => setTimeout(r, 700)); // the late answers arrive, 400 ms after each call
    const afterLate = await cx();
    barrage.handler = ok({ comments: ['back'] });
    for (let i = 0; i < 3; i++) {
      const r = await feed(g.url);
      assert.deepEqual(r.json().degraded, [], 'breaker still closed: late-but-successful calls are not failures');
      assert.deepEqual(r.json().barrage, { comments: ['back'] });
    }
    assert.equal(await cx(), afterLate, 'no new upstream connection: the late calls left theirs in the pool');
  } finally { await g.close(); }
});
