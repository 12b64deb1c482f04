import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startRig, type Rig } from '../../harness/reliability/rig.js';
import { fuzzAsync, fuzzTimeoutMs } from './budget.js';

/**
 * Random malformed requests over raw sockets against a 2-worker reference gateway, never
 * with a valid token: no worker crashes (same pids, still healthy) and no request reaches
 * an upstream (the mock upstreams' counters do not move).
 */

let rig: Rig;
before(async () => { rig = await startRig({ workers: 2 }); });
after(async () => { await rig?.close(); });

/** Write, half-close, and wait (bounded) for the gateway to finish answering and close. */
async function send(bytes: Buffer): Promise<string> {
  const sock = connect(rig.port, rig.host);
  const got: Buffer[] = [];
  sock.on('data', (d: Buffer) => got.push(d));
  sock.on('error', () => {});
  await new Promise<void>((r) => { sock.once('connect', r); sock.once('error', () => r()); });
  sock.end(bytes);
  await new Promise<void>((r) => { sock.once('close', () => r()); setTimeout(r, 2000); });
  sock.destroy();
  return Buffer.concat(got).toString('latin1');
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const badAuth = fc.oneof(
  fc.constant(null),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer x.y.z', 'Bearer ....', `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x', iss: 'gw-bench', exp: 9e9 })}.`),
  fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
  fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.string()).map(([h, c, s]) => `Bearer ${b64(h)}.${b64(c)}.${Buffer.from(s).toString('base64url')}`),
);
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get'), fc.stringMatching(/^[!-~]{0,10}$/));
const path = fc.oneof(
  fc.constantFrom('/api/feed', '/api/user/1', '/api/interact', '/api/user/', '/api/user/1/2', '/api/feed?x=1', '*', '', '/', 'http://127.0.0.1/api/feed', '//api/feed', '/api/user/%ff', '/api/user/%', '/api/FEED'),
  fc.tuple(fc.constantFrom('/api/feed', '/api/user/', '/api/interact'), fc.string({ maxLength: 20 })).map(([a, b]) => a + encodeURI(b)),
);
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1', 'HTTP/0.9', '', 'HTTP/1.1\r\nHTTP/1.1');
const header = fc.oneof(
  fc.constantFrom('Host: 127.0.0.1', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Connection: close', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket', 'Expect: 100-continue', 'Content-Type: application/json'),
  fc.tuple(fc.stringMatching(/^[!-9;-~]{1,12}$/), fc.string({ maxLength: 40 })).map(([n, v]) => `${n}: ${v}`),
);
const request = fc.record({ method, path, version, auth: badAuth, headers: fc.array(header, { maxLength: 5 }), body: fc.uint8Array({ maxLength: 64 }), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }) })
  .map((r) => {
    const lines = [`${r.method} ${r.path} ${r.version}`.trimEnd(), ...(r.auth === null ? [] : [`Authorization: ${r.auth}`]), ...r.headers];
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(r.body)]);
    // Byte flips after the request line only: never turn a broken token into a valid one, never touch the method.
    for (const [at, v] of r.flips) { const i = (lines[0]!.length + 2) + (at % Math.max(1, bytes.length - lines[0]!.length - 2)); if (i < bytes.length) bytes[i] = v; }
    return bytes;
  });

test('fuzz gateway over raw sockets: malformed requests without a valid token never crash a worker or reach an upstream', { timeout: fuzzTimeoutMs(120_000) }, async () => {
  const pids = (await rig.workerPids()).sort();
  assert.equal(pids.length, 2, 'two workers');
  const upstreamBefore = await rig.upstreamRequests();
  let answered = 0;
  await fuzzAsync('gateway-sockets', 300, fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), async (reqs) => {
    const got = await send(Buffer.concat(reqs)); // several on one connection: pipelining
    if (/^HTTP\/1\.1 \d{3}/.test(got)) answered++;
    assert.doesNotMatch(got, /^HTTP\/1\.1 2\d\d[\s\S]*"service"/, 'no upstream payload in an answer');
  }));
  assert.equal(await rig.upstreamRequests(), upstreamBefore, 'no request reached an upstream');
  assert.deepEqual((await rig.workerPids()).sort(), pids, 'same workers: none crashed or was replaced');
  assert.ok(rig.gateway.alive());
  const h = await fetch(`${rig.url}/healthz`);
  assert.equal(h.status, 200);
  await h.arrayBuffer();
  assert.ok(answered > 0, 'the gateway answered some of them (the test reaches it)');
  // The same rig does reach an upstream with a valid token: the counter above can move.
  const ok = await fetch(`${rig.url}/api/user/1`, { headers: { authorization: `Bearer ${rig.jwt.tokens.valid[0]}` } });
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  assert.equal(await rig.upstreamRequests(), upstreamBefore + 1);
});
