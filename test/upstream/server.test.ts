import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UpstreamAdminClient } from '../../upstream/admin-client.js';
import { validateConfig } from '../../upstream/config.js';
import { startUpstreams, type UpstreamSet } from '../../upstream/set.js';

interface Res { status: number; headers: http.IncomingHttpHeaders; body: string; json: any; ms: number }

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: http.Agent } = {}): Promise<Res> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        resolve({ status: res.statusCode!, headers: res.headers, body, json, ms: performance.now() - t });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const admin = (set: UpstreamSet, action: string, body: unknown) =>
  request(`${set.adminUrl}/__admin/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('mock upstream instances over loopback', () => {
  let set: UpstreamSet;
  before(async () => {
    set = await startUpstreams(validateConfig({
      seed: 3,
      admin: { port: 0 },
      services: { alpha: { ports: [0], bodyBytes: 300 }, beta: { instances: 2 } },
    }));
  });
  after(async () => { await set.close(); });

  const alpha = () => set.services.alpha!.urls[0]!;
  const stats = () => set.stats().services;

  it('answers 200 JSON padded to the configured body size', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const r = await request(`${alpha()}/api/user/42?x=1`, { agent });
    agent.destroy();
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['keep-alive'], 'timeout=120', 'idle keep-alive outlives any gateway pool timeout');
    assert.equal(Buffer.byteLength(r.body), 300);
    assert.deepEqual({ ...r.json, pad: undefined }, { service: 'alpha', instance: 'alpha-0', method: 'GET', path: '/api/user/42?x=1', bodyBytes: 0, pad: undefined });
    assert.match(r.json.pad, /^x+$/);
  });

  it('echoes lower-cased request headers and the body digest with x-gwb-echo: 1', async () => {
    const body = Buffer.alloc(12_345, 7);
    const r = await request(`${alpha()}/api/interact`, { method: 'POST', body, headers: { 'X-Gwb-Echo': '1', 'X-Custom-Thing': 'Value' } });
    assert.equal(r.json.bodyBytes, 12_345);
    assert.equal(r.json.bodySha256, createHash('sha256').update(body).digest('hex'));
    assert.equal(r.json.headers['x-custom-thing'], 'Value');
    assert.equal(r.json.headers['content-length'], '12345');
    const plain = await request(`${alpha()}/`, { method: 'POST', body });
    assert.equal(plain.json.bodyBytes, 12_345);
    assert.equal(plain.json.headers, undefined);
  });

  it('counts connections, requests, statuses and open connections per instance', async () => {
    await set.control({ action: 'reset-counters' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = set.services.beta!.urls[1]!;
    for (let i = 0; i < 3; i++) assert.equal((await request(url, { agent })).status, 200);
    let b1 = stats().beta!.instances[1]!;
    assert.deepEqual({ ...b1, port: 0, url: '' }, { id: 'beta-1', port: 0, url: '', connectionsAccepted: 1, requests: 3, openConnections: 1, statuses: { 200: 3 } });
    assert.equal(stats().beta!.instances[0]!.requests, 0);
    agent.destroy();
    for (let i = 0; i < 100 && stats().beta!.instances[1]!.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    b1 = stats().beta!.instances[1]!;
    assert.equal(b1.openConnections, 0);
    assert.equal(b1.connectionsAccepted, 1);
  });

  it('injects errors with the requested status, and reset restores 200', async () => {
    await set.control({ action: 'errors', service: 'alpha', rate: 1, status: 503 });
    const r = await request(alpha());
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, { error: 'injected', service: 'alpha', instance: 'alpha-0', status: 503 });
    assert.equal((await request(set.services.beta!.urls[0]!)).status, 200, 'other services unaffected');
    await set.control({ action: 'reset' });
    assert.equal((await request(alpha())).status, 200);
  });

  it('stall holds responses (request counted on arrival) until the stall ends; ms 0 releases', async () => {
    await set.control({ action: 'stall', service: 'alpha', ms: 300 });
    const before = stats().alpha!.instances[0]!.requests;
    const r = await request(alpha());
    assert.equal(r.status, 200);
    assert.ok(r.ms >= 280, `answered after ${r.ms} ms during a 300 ms stall`);

    await set.control({ action: 'stall', service: 'alpha', ms: 60_000 });
    let answered = false;
    const pending = request(alpha()).then((x) => { answered = true; return x; });
    for (let i = 0; i < 200 && stats().alpha!.instances[0]!.requests < before + 2; i++) await new Promise((res) => setTimeout(res, 5));
    assert.equal(stats().alpha!.instances[0]!.requests, before + 2, 'held request already counted');
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(answered, false);
    assert.ok(stats().alpha!.faults.stallRemainingMs > 50_000);
    await set.control({ action: 'stall', service: 'alpha', ms: 0 });
    assert.equal((await pending).status, 200);
  });

  it('switches latency models at run time', async () => {
    await set.control({ action: 'latency', service: 'alpha', latency: { model: 'constant', ms: 200 } });
    assert.equal(stats().alpha!.faults.latency, 'constant 200ms');
    const r = await request(alpha());
    assert.ok(r.ms >= 190, `answered after ${r.ms} ms with 200 ms latency`);
    await set.control({ action: 'reset', service: 'alpha' });
    assert.equal(stats().alpha!.faults.latency, 'constant 0ms');
  });

  it('refuse: new connects get ECONNREFUSED, open keep-alive connections still work; off re-listens on the same port', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await request(alpha(), { agent })).status, 200);
    const port = set.services.alpha!.instances[0]!.port;
    await set.control({ action: 'refuse', service: 'alpha' });
    await assert.rejects(request(alpha()), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
    assert.equal((await request(alpha(), { agent })).status, 200, 'pooled connection survives refuse');
    assert.equal(stats().alpha!.faults.refusing, true);
    await set.control({ action: 'refuse', service: 'alpha', on: false });
    assert.equal(set.services.alpha!.instances[0]!.port, port);
    assert.equal((await request(alpha())).status, 200);
    agent.destroy();
  });

  it('close-connections destroys open sockets, in-flight requests included', async () => {
    const sock = net.connect(set.services.alpha!.instances[0]!.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const closed = new Promise((r) => sock.once('close', r));
    await set.control({ action: 'stall', service: 'beta', ms: 60_000 });
    const inflight = request(set.services.beta!.urls[0]!).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    for (let i = 0; i < 200 && stats().beta!.instances[0]!.openConnections === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const res = await set.control({ action: 'close-connections' });
    assert.ok((res.closed ?? 0) >= 2, `closed ${res.closed}`);
    await closed;
    const err = await inflight;
    assert.ok(err && (err.code === 'ECONNRESET' || err.message === 'socket hang up'), `in-flight request got ${String(err)}`);
    await set.control({ action: 'reset' });
  });

  it('admin HTTP: stats, controls by query or JSON, every problem reported', async () => {
    const client = new UpstreamAdminClient(set.adminUrl);
    const s = await client.stats();
    assert.deepEqual(Object.keys(s.services), ['alpha', 'beta']);
    assert.equal(s.services.beta!.instances.length, 2);
    const viaQuery = await request(`${set.adminUrl}/__admin/errors?service=beta&rate=1&status=418`, { method: 'POST' });
    assert.deepEqual(viaQuery.json, { ok: true, action: 'errors', services: ['beta'] });
    assert.equal((await request(set.services.beta!.urls[0]!)).status, 418);
    await client.control({ action: 'latency', service: 'beta', latency: { model: 'uniform', min: 1, max: 2 } });
    assert.equal((await client.stats()).services.beta!.faults.latency, 'uniform 1..2ms');
    await client.control({ action: 'reset' });
    assert.equal((await request(set.services.beta!.urls[0]!)).status, 200);

    const bad = await admin(set, 'latency', { service: 'gamma', model: 'lognormal', p50: 5, p99: 2 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.problems, ['service: "gamma" is not one of alpha, beta', 'latency.p99: 2 is not >= p50 (5)']);
    const bad2 = await admin(set, 'errors', { rate: 3, colour: 1 });
    assert.deepEqual(bad2.json.problems, ['colour: 1 is not a parameter of errors (allowed: service, rate, status)', 'rate: 3 is not a percentage like 0.1% (or a fraction 0..1)']);
    assert.equal((await admin(set, 'explode', {})).status, 404);
    assert.equal((await request(`${set.adminUrl}/__admin/stall`)).status, 404);
    await assert.rejects(client.control({ action: 'stall', ms: -1 }), /answered 400/);
  });
});

describe('mock upstream start-up', () => {
  it('a fixed port already in use: UsageError naming the port and instance, nothing left listening', async () => {
    const first = await startUpstreams(validateConfig({ admin: { port: 0 }, services: { a: { ports: [0] } } }));
    const taken = first.services.a!.instances[0]!.port;
    try {
      await assert.rejects(
        startUpstreams(validateConfig({ admin: { port: 0 }, services: { z: { ports: [0] }, b: { ports: [taken] } } })),
        (e: Error & { code?: string }) => e.code === 'GW_ERR_USAGE' && e.message === `port ${taken} for b-0 is already in use on 127.0.0.1 (another gw-bench upstream still running?)`,
      );
    } finally {
      await first.close();
    }
  });
});
