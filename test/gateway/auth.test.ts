import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, rsToken, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

let user: StandIn;
let hs: GatewayHandle;
let rs: GatewayHandle;
const client = testClient();

before(async () => {
  user = await startStandIn('user');
  hs = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }) });
  const dir = mkdtempSync(join(tmpdir(), 'gwb-jwt-'));
  writeFileSync(join(dir, 'pub.pem'), publicPem);
  rs = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }), jwt: { alg: 'RS256', publicKeyFile: join(dir, 'pub.pem') } });
});
after(async () => {
  await Promise.all([hs.close(), rs.close(), client.agent.close()]);
  await user.close();
});

const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Every way a token can be wrong (contract §3), HS256 gateway. */
const BAD: [string, string | undefined][] = [
  ['no authorization header', undefined],
  ['not a bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
  ['empty bearer', 'Bearer '],
  ['two parts', `Bearer ${b64({ alg: 'HS256' })}.${b64(goodClaims())}`],
  ['four parts', `Bearer ${hsToken(goodClaims())}.x`],
  ['non-base64url payload', `Bearer ${b64({ alg: 'HS256' })}.%%%.abc`],
  ['header not JSON', `Bearer ${Buffer.from('nope').toString('base64url')}.${b64(goodClaims())}.abc`],
  ['alg none, no signature', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(goodClaims())}.`],
  ['alg none with a valid-looking HS256 signature', `Bearer ${hsToken(goodClaims(), { alg: 'none' })}`],
  ['alg case game hs256', `Bearer ${hsToken(goodClaims(), { alg: 'hs256' })}`],
  ['RS256 token on an HS256 gateway', `Bearer ${rsToken(goodClaims(), privatePem)}`],
  ['signed with another secret', `Bearer ${hsToken(goodClaims(), undefined, 'another-secret')}`],
  ['signature tampered', `Bearer ${hsToken(goodClaims()).slice(0, -2)}AA`],
  ['payload swapped after signing', `Bearer ${(() => { const [h, , s] = hsToken(goodClaims('alice')).split('.'); return `${h}.${b64(goodClaims('mallory'))}.${s}`; })()}`],
  ['expired', `Bearer ${hsToken({ ...goodClaims(), exp: now() - 5 })}`],
  ['no exp', `Bearer ${hsToken({ sub: 'u', iss: 'gw-bench' })}`],
  ['nbf in the future', `Bearer ${hsToken({ ...goodClaims(), nbf: now() + 60 })}`],
  ['wrong issuer', `Bearer ${hsToken({ ...goodClaims(), iss: 'someone-else' })}`],
  ['no issuer', `Bearer ${hsToken({ sub: 'u', exp: now() + 60 })}`],
  ['empty sub', `Bearer ${hsToken({ ...goodClaims(), sub: '' })}`],
  ['numeric sub', `Bearer ${hsToken({ ...goodClaims(), sub: 42 })}`],
];

test('every bad token kind gets 401 + www-authenticate and never reaches the upstream', async () => {
  const before = user.seen.length;
  for (const [name, auth] of BAD) {
    for (const path of ['/api/user/1', '/api/feed?uid=1&room_id=2']) {
      const r = await client.send(`${hs.url}${path}`, { headers: auth === undefined ? {} : { authorization: auth } });
      assert.equal(r.status, 401, `${name} on ${path}: ${r.text}`);
      assert.equal(r.headers['www-authenticate'], 'Bearer error="invalid_token"', name);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.json().error, 'unauthorized');
    }
  }
  assert.equal(user.seen.length, before, 'no upstream request for any bad token');
});

test('a valid HS256 token passes and its sub becomes x-user-id; the token itself is not forwarded', async () => {
  const r = await client.send(`${hs.url}/api/user/7`, { headers: { authorization: `Bearer ${hsToken(goodClaims('alice'))}` } });
  assert.equal(r.status, 200);
  const seen = user.seen.at(-1)!;
  assert.equal(seen.url, '/api/user/7');
  assert.equal(seen.headers['x-user-id'], 'alice');
  assert.equal(seen.headers.authorization, undefined);
});

test('clock leeway is at most one second', async () => {
  const justExpired = hsToken({ ...goodClaims(), exp: now() - 3 });
  const nbfSoon = hsToken({ ...goodClaims(), nbf: now() });
  assert.equal((await client.send(`${hs.url}/api/user/1`, { headers: { authorization: `Bearer ${justExpired}` } })).status, 401);
  assert.equal((await client.send(`${hs.url}/api/user/1`, { headers: { authorization: `Bearer ${nbfSoon}` } })).status, 200);
});

test('RS256 gateway: RS256 token passes, HS256 and tampered tokens are refused', async () => {
  const before = user.seen.length;
  const good = rsToken(goodClaims('bob'), privatePem);
  const ok = await client.send(`${rs.url}/api/user/9`, { headers: { authorization: `Bearer ${good}` } });
  assert.equal(ok.status, 200);
  assert.equal(user.seen.at(-1)!.headers['x-user-id'], 'bob');
  for (const bad of [hsToken(goodClaims()), `${good.slice(0, -4)}AAAA`, rsToken({ ...goodClaims(), exp: now() - 10 }, privatePem)]) {
    const r = await client.send(`${rs.url}/api/user/9`, { headers: { authorization: `Bearer ${bad}` } });
    assert.equal(r.status, 401);
  }
  assert.equal(user.seen.length, before + 1);
});

test('verified and rejected tokens are cached (metrics count the hits)', async () => {
  const gw = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }) });
  try {
    const good = `Bearer ${hsToken(goodClaims('carol'))}`;
    const bad = `Bearer ${hsToken(goodClaims(), undefined, 'wrong')}`;
    for (let i = 0; i < 3; i++) assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: { authorization: good } })).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await client.send(`${gw.url}/api/user/1`, { headers: { authorization: bad } })).status, 401);
    const text = (await client.send(`${gw.url}/metrics`)).text;
    const val = (cache: string, result: string): number => Number(new RegExp(`gateway_jwt_cache_total\\{cache="${cache}",result="${result}"\\} (\\d+)`).exec(text)?.[1]);
    assert.equal(val('positive', 'hit'), 2, 'good token verified once, then 2 cache hits');
    assert.equal(val('positive', 'miss'), 5, '1 good + 4 bad lookups missed the positive cache');
    assert.equal(val('negative', 'miss'), 2, 'first good and first bad verified');
    assert.equal(val('negative', 'hit'), 3, 'bad token answered from the negative cache 3 times');
  } finally {
    await gw.close();
  }
});
