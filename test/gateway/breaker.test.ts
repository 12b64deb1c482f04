import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, sleep, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';

let user: StandIn;
let gw: GatewayHandle;
let failing = true;
const client = testClient();
const auth = { authorization: `Bearer ${hsToken(goodClaims())}` };

before(async () => {
  user = await startStandIn('user', (_q, res) => {
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
    res.end(failing ? '{"boom":true}' : '{"ok":true}');
  });
  gw = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }), breaker: { failures: 3, cooldown: '400ms' } });
});
after(async () => { await gw.close(); await client.agent.close(); await user.close(); });

const breakerGauge = async (): Promise<number> =>
  Number(/gateway_breaker_state\{upstream="user"\} (\d)/.exec((await client.send(`${gw.url}/metrics`)).text)?.[1]);

test('breaker opens after consecutive 5xx, answers 503 without touching the upstream, closes after cool-down', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 500, '5xx passes through');
  assert.equal(user.seen.length, 3);
  assert.equal(await breakerGauge(), 1);
  for (let i = 0; i < 5; i++) {
    const r = await client.send(`${gw.url}/api/user/1`, { headers: auth });
    assert.equal(r.status, 503);
    assert.equal(r.json().error, 'circuit_open');
  }
  assert.equal(user.seen.length, 3, 'open breaker never reaches the upstream');

  // Cool-down passes while the upstream is still failing: the single probe fails and re-opens.
  await sleep(450);
  assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 500);
  assert.equal(user.seen.length, 4);
  assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 503);
  assert.equal(user.seen.length, 4);

  // Upstream recovers; after the next cool-down the probe succeeds and the breaker closes.
  failing = false;
  await sleep(450);
  assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 200);
  assert.equal(await breakerGauge(), 0);
  for (let i = 0; i < 3; i++) assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: auth })).status, 200);
  assert.equal(user.seen.length, 8);
});
