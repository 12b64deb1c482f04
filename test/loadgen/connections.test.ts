import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LoadGenerator } from '../../loadgen/index.js';
import { decodeHistogram } from '../../core/hdr.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/** Connections are the stage's unit: persisted across stages, counted, reopened, failures by errno. */

let gen: LoadGenerator;
let server: CountingServer;
let closeEvery = 0;
let hangPrefix = '/hang';
let open = 0;

before(async () => {
  server = await countingServer((req, res) => {
    if (req.url?.startsWith(hangPrefix)) return; // never answers: the generator must time out
    if (req.url?.startsWith('/cut')) { // half a response, then the connection dies
      res.writeHead(200, { 'content-length': '10' });
      res.write('abc', () => res.socket?.destroy());
      return;
    }
    const close = closeEvery > 0 && server.requests.length % closeEvery === 0;
    res.writeHead(200, close ? { 'content-length': '0', connection: 'close' } : { 'content-length': '0' });
    res.end();
  });
  server.server.on('connection', (s) => { open++; s.on('close', () => { open--; }); });
  gen = await LoadGenerator.start({ workers: 2 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

test('stepping up opens only the extra connections, stepping down closes some, steady state opens none', async () => {
  const before0 = server.connections;
  const a = await gen.runStage(testPlan(server.port, { connections: 4, rate: 50, durationMs: 500 }));
  assert.equal(server.connections - before0, 4);
  assert.equal(a.connectionCounts.established, 4);
  assert.equal(a.connectionsOpenedInWindow, 0);
  assert.equal(a.openAtEnd, 4);

  const b = await gen.runStage(testPlan(server.port, { connections: 10, rate: 50, durationMs: 500 }));
  assert.equal(server.connections - before0, 10, 'only 6 new connections for the step from 4 to 10');
  assert.deepEqual(b.connectionCounts, { requested: 10, established: 10, failed: 0, reopened: 0, failedByErrno: {} });

  const c = await gen.runStage(testPlan(server.port, { connections: 3, rate: 50, durationMs: 500 }));
  assert.equal(server.connections - before0, 10, 'stepping down opens nothing');
  assert.equal(c.connectionCounts.established, 3);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(open, 3, 'the server sees 3 open connections after the step down');
});

test('a connection the server drops during the connect ramp is replaced and counted, not lost', async () => {
  await gen.runStage(testPlan(server.port, { connections: 1, rate: 10, durationMs: 100 })); // step down to 1
  const before0 = server.connections;
  let drop = true;
  const onConn = (sock: import('node:net').Socket): void => { if (drop) { drop = false; sock.destroy(); } };
  server.server.prependListener('connection', onConn);
  try {
    // 1 kept + 5 new at 10/s: the ramp lasts ~400 ms, the first new connection dies at once
    const m = await gen.runStage(testPlan(server.port, { connections: 6, connectRate: 10, rate: 20, durationMs: 500 }));
    assert.equal(m.connectionCounts.established, 6);
    assert.equal(m.connectionCounts.reopened, 1);
    assert.equal(m.connectionCounts.failed, 0);
    assert.equal(server.connections - before0, 6, '5 new connections plus 1 replacement');
  } finally {
    server.server.removeListener('connection', onConn);
  }
});

test('server closes (connection: close) are reopened and counted; client reuse follows from them', async () => {
  closeEvery = 10;
  server.requests.length = 0;
  try {
    const m = await gen.runStage(testPlan(server.port, { connections: 4, rate: 100, durationMs: 1000 }));
    assert.equal(m.requests, 100);
    assert.deepEqual(m.errors, {});
    // every 10th response closed its connection; each was reopened during the window
    assert.equal(m.connectionCounts.reopened, 10);
    assert.equal(m.connectionsOpenedInWindow, 10);
    assert.equal(1 - m.connectionsOpenedInWindow / m.requests, 0.9);
  } finally {
    closeEvery = 0;
  }
});

test('no response within requestTimeoutMs: timeout errors, latency recorded at the give-up time, connections replaced', async () => {
  const m = await gen.runStage(testPlan(server.port, {
    connections: 4, rate: 20, durationMs: 1000, requestTimeoutMs: 200,
    requests: [{ name: 'hang', weight: 1, method: 'GET', path: '/hang/${seq}', headers: {}, bodyBytes: 0, auth: 'valid' }],
  }));
  assert.deepEqual(m.errors, { timeout: 20 });
  const lat = decodeHistogram(m.latencyHdr);
  assert.equal(lat.totalCount, 20);
  // (HdrHistogram keeps 3 significant digits: the lowest equivalent value may be 0.1% lower)
  assert.ok(lat.getValueAtPercentile(0) >= 200_000 * 0.999, `min latency ${lat.getValueAtPercentile(0)} us is at least the timeout`);
  // each timed-out connection is destroyed and replaced; the last few replacements may
  // complete after the stage's last response, so they are not all counted in this stage
  // Each cut connection is replaced (20); the generator is shared across these tests, so a
  // replacement begun at the end of the previous stage may complete in this one (+1..4).
  assert.ok(m.connectionCounts.reopened >= 15 && m.connectionCounts.reopened <= 24, `reopened ${m.connectionCounts.reopened}`);
  assert.equal(m.intervals.reduce((a, i) => a + i.errors, 0), 20);
});

test('a connection lost mid-response is a reset error and the connection is replaced', async () => {
  const m = await gen.runStage(testPlan(server.port, {
    connections: 4, rate: 20, durationMs: 1000,
    requests: [{ name: 'cut', weight: 1, method: 'GET', path: '/cut/${seq}', headers: {}, bodyBytes: 0, auth: 'valid' }],
  }));
  assert.deepEqual(m.errors, { reset: 20 });
  assert.equal(decodeHistogram(m.latencyHdr).totalCount, 0, 'no latency for requests that never completed');
  // Each cut connection is replaced (20); the generator is shared across these tests, so a
  // replacement begun at the end of the previous stage may complete in this one (+1..4).
  assert.ok(m.connectionCounts.reopened >= 15 && m.connectionCounts.reopened <= 24, `reopened ${m.connectionCounts.reopened}`);
});

test('a refused port: every connect fails with ECONNREFUSED, requests fail as backlog or timeout, nothing is lost', async () => {
  const dead: Server = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const m = await gen.runStage(testPlan(port, { connections: 4, rate: 50, durationMs: 1000, requestTimeoutMs: 300, maxQueue: 5 }));
  assert.deepEqual(m.connectionCounts, { requested: 4, established: 0, failed: 4, reopened: 0, failedByErrno: { ECONNREFUSED: 4 } });
  assert.equal(m.requests, 50);
  assert.equal((m.errors.backlog ?? 0) + (m.errors.timeout ?? 0), 50);
  assert.ok((m.errors.backlog ?? 0) > 0 && (m.errors.timeout ?? 0) > 0);
});

test('the target dies mid-stage: reconnects fail and show as connect_<ERRNO> errors; every request is accounted for', async () => {
  const dying = await countingServer();
  const m = await gen.runStage(testPlan(dying.port, { connections: 4, rate: 50, durationMs: 1500, requestTimeoutMs: 300, maxQueue: 5 }), {
    onProgress: () => { if (dying.requests.length > 0 && dying.server.listening) void dying.close(); },
  });
  const refused = m.errors.connect_ECONNREFUSED ?? 0;
  assert.ok(refused >= 4, JSON.stringify(m.errors));
  // the stage's count also holds the retries made while draining, after the window
  assert.ok((m.connectionCounts.failedByErrno.ECONNREFUSED ?? 0) >= refused, JSON.stringify(m.connectionCounts));
  assert.equal(m.connectionCounts.established, 4, 'the ramp itself succeeded');
  const answered = dying.requests.length;
  const lost = (m.errors.backlog ?? 0) + (m.errors.timeout ?? 0) + (m.errors.reset ?? 0);
  assert.equal(m.requests, 75);
  assert.ok(answered > 0 && lost > 0);
  assert.ok(answered + lost >= 75 && answered + lost <= 76, `answered ${answered} + lost ${lost} should be 75 (one request may be cut after the server read it)`);
});

test('a plan aimed off loopback is refused before any worker sees it', async () => {
  await assert.rejects(gen.runStage({ ...testPlan(80), target: { host: '10.0.0.1', port: 80 } }), { code: 'GW_ERR_ADDRESS_NOT_LOOPBACK' });
  await assert.rejects(gen.runStage({ ...testPlan(80), rate: -1, durationMs: 0, requests: [] }), (e: { code: string; details: string[] }) => {
    assert.equal(e.code, 'GW_ERR_USAGE');
    assert.deepEqual(e.details, [
      'rate: -1 is not a rate > 0 req/s',
      'durationMs: 0 is not a duration > 0 ms',
      'requests: 0 is not a non-empty list of request templates',
    ]);
    return true;
  });
});
