import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { goodClaims, hsToken, sleep, startStandIn, testClient, type StandIn } from './helpers.js';
import { killQuietly, spawnGateway, type GatewayProcess } from './process.js';

let user: StandIn | undefined;
let gw: GatewayProcess | undefined;
const client = testClient();

after(async () => {
  killQuietly(gw);
  await client.agent.close();
  await user?.close();
});

test('SIGTERM: stops accepting, lets the in-flight request finish, exits 0', async () => {
  user = await startStandIn('user', (_q, res) => {
    setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"slow":"but complete"}'); }, 1500);
  });
  gw = await spawnGateway({ GW_UPSTREAM_USER: user.origin, GW_UPSTREAM_TIMEOUT_MS: '5000' });
  const inFlight = client.send(`${gw.url}/api/user/1`, { headers: { authorization: `Bearer ${hsToken(goodClaims())}` } });
  await sleep(200);
  gw.child.kill('SIGTERM');
  // New connections are refused while draining (poll: the signal takes a moment to land on a busy box).
  let refused = false;
  for (let i = 0; i < 40 && !refused; i++) {
    try { await client.send(`${gw.url}/healthz`, { reset: true }); await sleep(25); } catch { refused = true; }
  }
  assert.ok(refused, 'new connections are refused while draining');

  const r = await inFlight;
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { slow: 'but complete' });
  assert.equal(r.headers.connection, 'close');
  assert.equal(await gw.exited, 0, gw.stderr);
});
