import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, rawExchange, startStandIn, startTestGateway, upstreamsFor, type StandIn } from './helpers.js';

let interact: StandIn;
let gw: GatewayHandle;
const token = hsToken(goodClaims());

before(async () => {
  interact = await startStandIn('interact', (_req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ bytes: body.length }));
  });
  gw = await startTestGateway({ upstreams: upstreamsFor({ interact: interact.origin }), limits: { maxBodyBytes: 1000, maxHeaderBytes: 4096 } });
});
after(async () => { await gw.close(); await interact.close(); });

const statusOf = (raw: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);

test('malformed request lines and headers get 400', async () => {
  for (const bytes of [
    'GARBAGE\r\n\r\n',
    'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n',
    'GET /healthz HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host
  ]) {
    const raw = await rawExchange(gw.port, bytes);
    assert.equal(statusOf(raw), 400, JSON.stringify(bytes));
  }
  assert.equal(interact.seen.length, 0);
});

test('header section above the limit gets 431', async () => {
  const raw = await rawExchange(gw.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`);
  assert.equal(statusOf(raw), 431);
  const fits = await rawExchange(gw.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\nConnection: close\r\n\r\n`);
  assert.equal(statusOf(fits), 200);
});

test('declared body above the limit gets 413 without reading it or calling the upstream', async () => {
  const raw = await rawExchange(gw.port, `POST /api/interact HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1001\r\n\r\n`);
  assert.equal(statusOf(raw), 413);
  assert.match(raw, /"error":"payload_too_large"/);
  assert.equal(interact.seen.length, 0);
});

test('chunked body growing past the limit gets 413; one within it is streamed through whole', async () => {
  const chunk = (s: string): string => `${s.length.toString(16)}\r\n${s}\r\n`;
  const head = `POST /api/interact HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
  const big = await rawExchange(gw.port, head + chunk('x'.repeat(600)) + chunk('y'.repeat(600)) + '0\r\n\r\n');
  assert.equal(statusOf(big), 413, big);
  const ok = await rawExchange(gw.port, head + chunk('x'.repeat(500)) + chunk('y'.repeat(500)) + '0\r\n\r\n');
  assert.equal(statusOf(ok), 200, ok);
  assert.match(ok, /\{"bytes":1000\}/);
});
