import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { LeanClient } from '../../gateway/pools/lean-client.js';
import { LiteAbort } from '../../gateway/pools/abort.js';
import type { CallHandler } from '../../gateway/pools/upstream-client.js';
import { looksLikeJson } from '../../gateway/http/json-splice.js';

/** A raw TCP upstream: `answer` writes whatever bytes the test wants for each request head. */
async function rawUpstream(answer: (sock: Socket, head: string) => void): Promise<{ server: Server; origin: string; sockets: Set<Socket>; heads: string[] }> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  const server = createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        heads.push(head);
        answer(sock, head);
      }
    });
    sock.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { server, origin: `http://127.0.0.1:${port}`, sockets, heads };
}

interface Outcome { status: number; headers: readonly string[]; body: string; error: Error | null }

function call(client: LeanClient, path: string, signal = new LiteAbort(), headers: string[] = []): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { status: 0, headers: [], body: '', error: null };
    const chunks: Buffer[] = [];
    const h: CallHandler = {
      onHead(status, raw) { out.status = status; out.headers = raw; },
      onData(c) { chunks.push(Buffer.from(c)); },
      onEnd() { out.body = Buffer.concat(chunks).toString(); resolve(out); },
      onError(err) { out.error = err; out.body = Buffer.concat(chunks).toString(); resolve(out); },
    };
    client.call({ method: 'GET', path, headers, signal }, h);
  });
}

const opts = { connections: 2, keepAliveTimeoutMs: 4000, bodyTimeoutMs: 30_000 };

test('content-length and chunked bodies, headers kept, host and request headers sent', async () => {
  const up = await rawUpstream((sock, head) => {
    if (head.startsWith('GET /chunked')) sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3\r\n{"a\r\n5;ext=1\r\n":12}\r\n0\r\nX-Trailer: t\r\n\r\n');
    else sock.write('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"b":2}');
  });
  const client = new LeanClient(up.origin, opts);
  try {
    const a = await call(client, '/chunked', undefined, ['x-request-id', 'r1']);
    assert.equal(a.error, null);
    assert.equal(a.status, 200);
    assert.equal(a.body, '{"a":12}');
    assert.deepEqual(a.headers, ['Transfer-Encoding', 'chunked', 'X-A', '1']);
    const b = await call(client, '/len?q=1');
    assert.equal(b.status, 201);
    assert.equal(b.body, '{"b":2}');
    assert.match(up.heads[0]!, /^GET \/chunked HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nx-request-id: r1$/);
    assert.match(up.heads[1]!, /^GET \/len\?q=1 HTTP\/1\.1/);
    assert.equal(up.sockets.size, 1, 'the second call reused the keep-alive socket');
  } finally { await client.destroy(); up.server.close(); }
});

test('at most `connections` sockets per instance; extra calls queue and all complete', async () => {
  const up = await rawUpstream((sock) => { setTimeout(() => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 20); });
  const client = new LeanClient(up.origin, opts);
  try {
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => call(client, `/${i}`)));
    assert.ok(all.every((o) => o.error === null && o.body === 'ok'));
    assert.equal(up.sockets.size, 2);
    assert.equal(up.heads.length, 10);
  } finally { await client.destroy(); up.server.close(); }
});

test('abort fails the call with the signal reason and drops its socket; refused and broken upstreams fail', async () => {
  const up = await rawUpstream((sock, head) => {
    if (head.startsWith('GET /bad')) sock.write('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n');
    else if (head.startsWith('GET /name')) sock.write('HTTP/1.1 200 OK\r\nBad Name: 1\r\nContent-Length: 0\r\n\r\n');
    else if (head.startsWith('GET /cut')) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    // /stall: never answers
  });
  const client = new LeanClient(up.origin, opts);
  try {
    const signal = new LiteAbort();
    const reason = new Error('gone');
    const pending = call(client, '/stall', signal);
    await new Promise((r) => setTimeout(r, 30));
    signal.abort(reason);
    const o = await pending;
    assert.equal(o.error, reason);
    const bad = await call(client, '/bad');
    assert.match(String(bad.error?.message), /EPROTO.*content-length/);
    const name = await call(client, '/name');
    assert.match(String(name.error?.message), /EPROTO.*bad header/);
    const cut = await call(client, '/cut');
    assert.equal(cut.status, 200);
    assert.ok(cut.error, 'a body cut short fails after the head');
    assert.equal(cut.body, 'abc');
  } finally { await client.destroy(); up.server.close(); }
  const refused = new LeanClient(up.origin, opts); // server closed: connection refused
  const r = await call(refused, '/x');
  assert.match(String(r.error?.message), /ECONNREFUSED/);
  await refused.destroy();
});

test('an idle socket the upstream closes is dropped: the next call opens a new one', async () => {
  let n = 0;
  const up = await rawUpstream((sock) => {
    n++;
    // First answer keeps the socket "alive", then the upstream silently closes it.
    sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na');
    if (n === 1) setTimeout(() => sock.destroy(), 5);
  });
  const client = new LeanClient(up.origin, opts);
  try {
    assert.equal((await call(client, '/1')).body, 'a');
    await new Promise((r) => setTimeout(r, 50));
    const second = await call(client, '/2');
    assert.equal(second.error, null);
    assert.equal(second.body, 'a');
    assert.equal(up.sockets.size, 2);
  } finally { await client.destroy(); up.server.close(); }
});

test('looksLikeJson: objects and arrays by their brackets, scalars parsed, junk refused', () => {
  for (const ok of ['{"a":1}', ' [1,2]\n', '"s"', '12', 'null']) assert.equal(looksLikeJson(Buffer.from(ok)), true, ok);
  for (const bad of ['', '   ', 'hello', '{"a":1', '<html></html>']) assert.equal(looksLikeJson(Buffer.from(bad)), false, bad);
});
