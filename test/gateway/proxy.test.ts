import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, rawExchange, refusedOrigin, sleep, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';

let user: StandIn;
let i0: StandIn;
let i1: StandIn;
let gw: GatewayHandle;
const client = testClient(32);
const auth = { authorization: `Bearer ${hsToken(goodClaims('u-1'))}` };

before(async () => {
  user = await startStandIn('user');
  i0 = await startStandIn('i0', (_q, res, body) => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ i: 0, sha: createHash('sha256').update(body).digest('hex') })); });
  i1 = await startStandIn('i1', (_q, res, body) => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ i: 1, sha: createHash('sha256').update(body).digest('hex') })); });
  gw = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin, interact: [`${i0.origin}*80`, `${i1.origin}*20`] }) });
});
after(async () => {
  await gw.close();
  await client.agent.close();
  await Promise.all([user.close(), i0.close(), i1.close()]);
});

test('request headers: hop-by-hop stripped (incl. Connection-named), xff appended, request id kept, identity from the token', async () => {
  user.handler = (_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); };
  // Raw bytes: HTTP clients such as undici refuse to send a custom Connection header.
  const raw = await rawExchange(gw.port, [
    'GET /api/user/42?x=1&y=%20 HTTP/1.1', 'Host: x', `Authorization: ${auth.authorization}`,
    'X-Request-Id: rid-123', 'X-Forwarded-For: 10.0.0.1', 'X-User-Id: spoofed',
    'Connection: close, X-Secret-Hop', 'X-Secret-Hop: drop me', 'Keep-Alive: timeout=5',
    'Proxy-Authorization: Basic abc', 'TE: trailers', 'X-Keep: yes', '', '',
  ].join('\r\n'));
  const r = { status: Number(raw.slice(9, 12)), headers: { 'x-request-id': /x-request-id: (.*)\r\n/i.exec(raw)?.[1] } };
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-request-id'], 'rid-123');
  const h = user.seen.at(-1)!;
  assert.equal(h.url, '/api/user/42?x=1&y=%20', 'path and query unchanged');
  assert.equal(h.headers['x-request-id'], 'rid-123');
  assert.equal(h.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
  assert.equal(h.headers['x-user-id'], 'u-1');
  assert.equal(h.headers['x-keep'], 'yes');
  for (const gone of ['authorization', 'x-secret-hop', 'keep-alive', 'proxy-authorization', 'te']) assert.equal(h.headers[gone], undefined, gone);
});

test('a request id is generated when the client sends none, and is the same upstream and downstream', async () => {
  const r = await client.send(`${gw.url}/api/user/1`, { headers: auth });
  const id = r.headers['x-request-id'];
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.equal(user.seen.at(-1)!.headers['x-request-id'], id);
  assert.equal(user.seen.at(-1)!.headers['x-forwarded-for'], '127.0.0.1');
});

test('response: upstream status, headers and body pass through; hop-by-hop response headers are dropped', async () => {
  user.handler = (_q, res) => {
    res.setHeader('x-hop', 'should not pass');
    res.setHeader('connection', 'keep-alive, x-hop');
    res.setHeader('x-upstream', 'kept');
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such user');
  };
  const r = await client.send(`${gw.url}/api/user/404`, { headers: auth });
  assert.equal(r.status, 404);
  assert.equal(r.text, 'no such user');
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.headers['x-upstream'], 'kept');
  assert.equal(r.headers['x-hop'], undefined);
});

test('POST bodies stream both ways intact', async () => {
  const body = randomBytes(300_000);
  const r = await client.send(`${gw.url}/api/interact?k=v`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body });
  assert.equal(r.status, 201);
  assert.equal(r.json().sha, createHash('sha256').update(body).digest('hex'));
  const seen = [...i0.seen, ...i1.seen].at(-1)!;
  assert.equal(seen.url, '/api/interact?k=v');
  assert.equal(seen.headers['content-length'], '300000');
});

test('weighted split 80/20 over 1000 requests (contract: within ±5 points)', async () => {
  const before = [i0.seen.length, i1.seen.length];
  const jobs: Promise<unknown>[] = [];
  for (let w = 0; w < 10; w++) {
    jobs.push((async () => {
      for (let i = 0; i < 100; i++) {
        const r = await client.send(`${gw.url}/api/interact`, { method: 'POST', headers: auth, body: 'x' });
        assert.equal(r.status, 201);
      }
    })());
  }
  await Promise.all(jobs);
  const a = i0.seen.length - before[0]!;
  const b = i1.seen.length - before[1]!;
  assert.equal(a + b, 1000);
  // Smooth weighted round-robin is exact over any multiple of the weight total.
  assert.deepEqual([a, b], [800, 200]);
});

test('upstream refusing connections → 502 bad_gateway', async () => {
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: await refusedOrigin() }) });
  try {
    const r = await client.send(`${g.url}/api/user/1`, { headers: auth });
    assert.equal(r.status, 502);
    assert.equal(r.json().error, 'bad_gateway');
    assert.equal(r.headers['content-type'], 'application/json');
  } finally { await g.close(); }
});

test('upstream resetting the connection before answering → 502', async () => {
  const rude = await startStandIn('rude', (req) => { req.socket.destroy(); });
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: rude.origin }) });
  try {
    const r = await client.send(`${g.url}/api/user/1`, { headers: auth });
    assert.equal(r.status, 502);
    assert.equal(rude.seen.length, 1);
  } finally { await g.close(); await rude.close(); }
});

test('no upstream headers within the upstream timeout → 504 upstream_timeout, sent at the deadline', async () => {
  const slow = await startStandIn('slow', (_q, res) => { setTimeout(() => { res.writeHead(200); res.end('late'); }, 3000).unref(); });
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: slow.origin }), deadlines: { upstream: '200ms' } });
  try {
    const t0 = Date.now();
    const r = await client.send(`${g.url}/api/user/1`, { headers: auth });
    const took = Date.now() - t0;
    assert.equal(r.status, 504);
    assert.equal(r.json().error, 'upstream_timeout');
    assert.ok(took >= 190 && took < 2500, `answered after ${took} ms, not waiting for the 3 s upstream`);
    assert.equal(slow.seen.length, 1);
  } finally { await g.close(); await slow.close(); }
});

test('failed upstream calls are counted by reason (gateway_upstream_errors_total): refused, reset, timeout, status_5xx, breaker_open', async () => {
  const rude = await startStandIn('rude-count', (req) => { req.socket.destroy(); });
  const slow = await startStandIn('slow-count', (_q, res) => { setTimeout(() => { res.writeHead(200); res.end('late'); }, 3000).unref(); });
  const failing = await startStandIn('failing-count', (_q, res) => { res.writeHead(503); res.end('no'); });
  const refused = await refusedOrigin();
  const metricsOf = async (g: { url: string }): Promise<string> => (await client.send(`${g.url}/metrics`)).text;
  const cases = [
    { origin: refused, status: 502, reason: 'refused', n: 2 },
    { origin: rude.origin, status: 502, reason: 'reset', n: 2 },
    { origin: slow.origin, status: 504, reason: 'timeout', n: 1 },
    { origin: failing.origin, status: 503, reason: 'status_5xx', n: 2 },
  ];
  try {
    for (const c of cases) {
      const g = await startTestGateway({ upstreams: upstreamsFor({ user: c.origin }), deadlines: { upstream: '200ms' }, breaker: { failures: 100 } });
      try {
        for (let i = 0; i < c.n; i++) assert.equal((await client.send(`${g.url}/api/user/${i}`, { headers: auth })).status, c.status, c.reason);
        const text = await metricsOf(g);
        assert.match(text, new RegExp(`^gateway_upstream_errors_total\\{upstream="user",reason="${c.reason}"\\} ${c.n}$`, 'm'), `${c.reason}:\n${text.split('\n').filter((l) => l.startsWith('gateway_upstream_errors')).join('\n')}`);
        assert.equal(text.split('\n').filter((l) => l.startsWith('gateway_upstream_errors_total{')).length, 1, `only ${c.reason} is counted`);
      } finally { await g.close(); }
    }
    // Two failures trip a 2-failure breaker; the next call is not sent and counts as breaker_open.
    const g = await startTestGateway({ upstreams: upstreamsFor({ user: refused }), breaker: { failures: 2 } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await client.send(`${g.url}/api/user/${i}`, { headers: auth })).status, 502);
      assert.equal((await client.send(`${g.url}/api/user/3`, { headers: auth })).status, 503);
      const text = await metricsOf(g);
      assert.match(text, /^gateway_upstream_errors_total\{upstream="user",reason="breaker_open"\} 1$/m);
      assert.match(text, /^gateway_upstream_errors_total\{upstream="user",reason="refused"\} 2$/m);
    } finally { await g.close(); }
  } finally { await rude.close(); await slow.close(); await failing.close(); }
});

test('unknown routes and wrong methods → 404 not_found JSON', async () => {
  for (const [method, path] of [['GET', '/nope'], ['GET', '/api/interact'], ['DELETE', '/api/user/1']] as const) {
    const r = await client.send(`${gw.url}${path}`, { method, headers: auth });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.deepEqual(r.json().error, 'not_found');
  }
  const h = await client.send(`${gw.url}/healthz`);
  assert.equal(h.status, 200);
  assert.deepEqual({ status: h.json().status, impl: h.json().impl }, { status: 'ok', impl: 'reference' });
  await sleep(0);
});

test('debug delay slows proxied routes only (the regression-gate knob)', async () => {
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }), debug: { delay: '600ms' } });
  try {
    user.handler = (_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); };
    let t0 = Date.now();
    assert.equal((await client.send(`${g.url}/api/user/1`, { headers: auth })).status, 200);
    const proxied = Date.now() - t0;
    t0 = Date.now();
    assert.equal((await client.send(`${g.url}/healthz`)).status, 200);
    const health = Date.now() - t0;
    assert.ok(proxied >= 595, `proxied request took ${proxied} ms with a 600 ms delay`);
    assert.ok(health < 595, `healthz took ${health} ms: not delayed`);
  } finally { await g.close(); }
});

test('a client that hangs up aborts the upstream call and does not count against the breaker', async () => {
  let upstreamClosed = 0;
  const stall = await startStandIn('stall', (req) => { req.socket.once('close', () => { upstreamClosed++; }); });
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: stall.origin }), breaker: { failures: 1 }, deadlines: { upstream: '10s' } });
  try {
    const sock = (await import('node:net')).connect(g.port, '127.0.0.1');
    sock.on('error', () => {});
    sock.write(`GET /api/user/1 HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n\r\n`);
    for (let i = 0; i < 100 && stall.seen.length === 0; i++) await sleep(20);
    assert.equal(stall.seen.length, 1);
    sock.destroy();
    for (let i = 0; i < 100 && upstreamClosed === 0; i++) await sleep(20);
    assert.equal(upstreamClosed, 1, 'the upstream socket was closed when the client left');
    stall.handler = (_q, res) => { res.writeHead(200); res.end('ok'); };
    const r = await client.send(`${g.url}/api/user/2`, { headers: auth });
    assert.equal(r.status, 200, 'breaker (failures: 1) still closed: a client hang-up is not an upstream failure');
  } finally { await g.close(); await stall.close(); }
});

test('upstream connections are reused and counted (gateway_upstream_cx_total / rq_total)', async () => {
  const g = await startTestGateway({ upstreams: upstreamsFor({ user: user.origin }) });
  try {
    user.handler = (_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); };
    for (let i = 0; i < 20; i++) assert.equal((await client.send(`${g.url}/api/user/${i}`, { headers: auth })).status, 200);
    const text = (await client.send(`${g.url}/metrics`)).text;
    assert.match(text, /^gateway_upstream_rq_total\{upstream="user"\} 20$/m);
    assert.match(text, /^gateway_upstream_cx_total\{upstream="user"\} 1$/m, 'sequential requests share one pooled upstream connection');
    assert.match(text, /^gateway_request_duration_seconds_count\{route="\/api\/user\/:uid",status="200"\} 20$/m);
  } finally { await g.close(); }
});

test('POST to a refused upstream: 502 for declared and chunked bodies, and the unread body closes the connection', async () => {
  const g = await startTestGateway({ upstreams: upstreamsFor({ interact: await refusedOrigin() }) });
  try {
    const body = 'x'.repeat(200_000);
    const head = `POST /api/interact HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n`;
    const declared = await rawExchange(g.port, `${head}Content-Length: ${body.length}\r\n\r\n${body}`);
    assert.match(declared, /^HTTP\/1\.1 502 /);
    assert.match(declared, /\r\nconnection: close\r\n/i);
    const chunked = await rawExchange(g.port, `${head}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.match(chunked, /^HTTP\/1\.1 502 /, 'a failed upstream is not mistaken for an oversize body');
  } finally { await g.close(); }
});
