import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, sleep, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';

let user: StandIn;
let interact: StandIn;
let shadow: StandIn;
let shadowMode: 'ok' | 'stall' | 'fail' = 'ok';
const stalled: (() => void)[] = [];
const client = testClient();
const auth = { authorization: `Bearer ${hsToken(goodClaims())}` };

before(async () => {
  user = await startStandIn('user');
  interact = await startStandIn('interact');
  shadow = await startStandIn('shadow', (_q, res) => {
    if (shadowMode === 'stall') { stalled.push(() => { res.writeHead(200); res.end(); }); return; }
    res.writeHead(shadowMode === 'fail' ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{"shadow":true}');
  });
});
after(async () => {
  for (const s of stalled) s();
  await client.agent.close();
  await Promise.all([user.close(), interact.close(), shadow.close()]);
});

function config(share: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    upstreams: { ...upstreamsFor({ user: user.origin, interact: interact.origin }), 'user-v2': { instances: shadow.origin } },
    routes: [
      { method: 'GET', path: '/healthz', type: 'health' },
      { method: 'GET', path: '/metrics', type: 'metrics' },
      { method: 'GET', path: '/api/user/:uid', type: 'proxy', upstream: 'user', shadow: { upstream: 'user-v2', share } },
      { method: 'POST', path: '/api/interact', type: 'proxy', upstream: 'interact', shadow: { upstream: 'user-v2', share } },
    ],
    ...extra,
  };
}

const counter = async (gw: GatewayHandle, result: string): Promise<number> =>
  Number(new RegExp(`gateway_shadow_requests_total\\{upstream="user-v2",result="${result}"\\} (\\d+)`).exec((await client.send(`${gw.url}/metrics`)).text)?.[1] ?? 0);

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
}

test('10% share mirrors exactly every 10th request, with the same path, request id, user id and a shadow marker', async () => {
  const gw = await startTestGateway(config('10%'));
  try {
    shadow.seen.length = 0;
    for (let i = 0; i < 50; i++) assert.equal((await client.send(`${gw.url}/api/user/${i}`, { headers: { ...auth, 'x-request-id': `rid-${i}` } })).status, 200);
    await until(() => shadow.seen.length >= 5);
    assert.equal(shadow.seen.length, 5);
    const m = shadow.seen[0]!;
    assert.match(m.url, /^\/api\/user\/\d+$/);
    assert.equal(m.headers['x-request-id'], `rid-${m.url.split('/').pop()}`);
    assert.equal(m.headers['x-user-id'], 'user-42');
    assert.equal(m.headers['x-gwb-shadow'], '1');
    assert.equal(m.headers.authorization, undefined);
    assert.equal(await counter(gw, 'mirrored'), 5);
  } finally { await gw.close(); }
});

test('a request body is mirrored byte for byte (chunked and with content-length) while the real upstream gets it too', async () => {
  const gw = await startTestGateway(config('100%'));
  try {
    shadow.seen.length = 0;
    interact.seen.length = 0;
    const body = JSON.stringify({ like: true, pad: 'x'.repeat(5000) });
    assert.equal((await client.send(`${gw.url}/api/interact`, { method: 'POST', body, headers: { ...auth, 'content-type': 'application/json' } })).status, 200);
    assert.equal((await client.send(`${gw.url}/api/interact`, { method: 'POST', body: Readable.from([body.slice(0, 100), body.slice(100)]), headers: auth })).status, 200);
    await until(() => shadow.seen.length >= 2);
    assert.equal(interact.seen.length, 2);
    for (const s of [...shadow.seen, ...interact.seen]) assert.equal(s.body.toString(), body);
  } finally { await gw.close(); }
});

test('shadow errors and stalls never reach the client; the in-flight bound drops instead of queueing', async () => {
  const gw = await startTestGateway(config('100%', { shadow: { maxInFlight: 3, timeout: '5s' } }));
  try {
    shadowMode = 'fail';
    for (let i = 0; i < 3; i++) assert.equal((await client.send(`${gw.url}/api/user/${i}`, { headers: auth })).status, 200);
    await until(() => false, 200);
    assert.equal(await counter(gw, 'failed'), 3);

    shadowMode = 'stall';
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const r = await client.send(`${gw.url}/api/user/${i}`, { headers: auth });
      assert.equal(r.status, 200);
      assert.equal(r.json().service, 'user');
    }
    assert.ok(performance.now() - t0 < 2000, 'the client never waits for a stalled shadow');
    assert.equal(stalled.length, 3, 'only maxInFlight mirrors reach a stalled shadow');
    assert.equal(await counter(gw, 'dropped'), 7);
  } finally {
    shadowMode = 'ok';
    for (const s of stalled.splice(0)) s();
    await gw.close();
  }
});

test('shadow timeout frees the slot and counts a failure', async () => {
  const gw = await startTestGateway(config('100%', { shadow: { maxInFlight: 1, timeout: '100ms' } }));
  try {
    shadowMode = 'stall';
    assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 200);
    await sleep(300);
    assert.equal(await counter(gw, 'failed'), 1);
    assert.equal((await client.send(`${gw.url}/api/user/2`, { headers: auth })).status, 200);
    assert.equal(await counter(gw, 'mirrored'), 2, 'the slot was released by the timeout');
  } finally {
    shadowMode = 'ok';
    for (const s of stalled.splice(0)) s();
    await gw.close();
  }
});

test('no shadow configured: no mirror object and no counters', async () => {
  const gw = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }) });
  try {
    shadow.seen.length = 0;
    assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 200);
    assert.equal(shadow.seen.length, 0);
    assert.doesNotMatch((await client.send(`${gw.url}/metrics`)).text, /gateway_shadow_requests_total\{/);
  } finally { await gw.close(); }
});

test('a mirrored body request whose client goes away mid-body releases its in-flight slot (dropped, not leaked)', async () => {
  const gw = await startTestGateway(config('100%', { shadow: { maxInFlight: 1, timeout: '5s' } }));
  try {
    const { connect } = await import('node:net');
    const sock = connect(gw.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`POST /api/interact HTTP/1.1\r\nhost: x\r\nauthorization: ${auth.authorization}\r\ncontent-length: 1000\r\n\r\n${'a'.repeat(100)}`);
    await sleep(100);
    sock.destroy();
    await until(() => false, 300);
    assert.equal(await counter(gw, 'dropped'), 1);
    shadow.seen.length = 0;
    assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 200);
    await until(() => shadow.seen.length >= 1);
    assert.equal(shadow.seen.length, 1, 'the slot is free again');
  } finally { await gw.close(); }
});
