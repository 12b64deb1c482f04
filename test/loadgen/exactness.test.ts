import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import { decodeHistogram } from '../../core/hdr.js';
import { createPacer } from '../../loadgen/pacer.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

let gen: LoadGenerator;
let server: CountingServer;

before(async () => {
  server = await countingServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    let status = 200;
    if (req.url?.startsWith('/boom')) status = 503;
    else if (req.url?.startsWith('/leak')) status = 200; // lets any token through
    else if (req.url?.startsWith('/deny')) status = 401; // rejects even valid tokens
    else if (!auth.startsWith('Bearer V')) status = 401;
    res.writeHead(status, { 'content-length': '0' });
    res.end();
  });
  gen = await LoadGenerator.start({ workers: 2 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

test('100 req/s for 2 s: 200 +-1 requests reach the server (one worker active)', async () => {
  server.requests.length = 0;
  // one connection => only worker 0 of the 2 is active
  const m = await gen.runStage(testPlan(server.port, { connections: 1, rate: 100, durationMs: 2000 }));
  assert.ok(Math.abs(server.requests.length - 200) <= 1, `server counted ${server.requests.length}`);
  assert.equal(m.requests, 200);
  assert.equal(m.generator.intended, 200);
  assert.equal(decodeHistogram(m.latencyHdr).totalCount, 200);
  assert.deepEqual(m.errors, {});
  assert.equal(m.achievedRps, 100);
  assert.equal(m.generator.valid, true, m.generator.reasons.join('; '));
  assert.deepEqual(m.intervals.map((i) => i.count), [100, 100]);
});

test('100 req/s for 2 s split over 2 workers: still 200 +-1 at the server, half from each worker', async () => {
  server.requests.length = 0;
  const m = await gen.runStage(testPlan(server.port, { connections: 4, rate: 100, durationMs: 2000 }));
  assert.ok(Math.abs(server.requests.length - 200) <= 1, `server counted ${server.requests.length}`);
  assert.equal(m.requests, 200);
  assert.equal(m.generator.workers, 2);
  assert.equal(m.connectionCounts.established, 4);
  // each worker sent its half from its own source address (127.1.0.1, 127.1.0.2)
  const from = new Map<string, number>();
  for (const r of server.requests) from.set(r.from, (from.get(r.from) ?? 0) + 1);
  assert.deepEqual([...from.keys()].sort(), ['127.1.0.1', '127.1.0.2']);
  for (const [addr, n] of from) assert.ok(Math.abs(n - 100) <= 1, `${addr} sent ${n}`);
});

test('statuses: expected 401s are not errors, unexpected ones are counted per status', async () => {
  server.requests.length = 0;
  const plan = testPlan(server.port, {
    connections: 4, rate: 400, durationMs: 1000, arrival: 'poisson', seed: 5,
    requests: [
      { name: 'ok', weight: 4, method: 'GET', path: '/ok', headers: {}, bodyBytes: 0, auth: 'valid' },
      { name: 'expired', weight: 2, method: 'GET', path: '/x', headers: {}, bodyBytes: 0, auth: 'expired' },
      { name: 'none', weight: 1, method: 'GET', path: '/x', headers: {}, bodyBytes: 0, auth: 'none' },
      { name: 'bad', weight: 1, method: 'POST', path: '/x', headers: {}, bodyBytes: 64, auth: 'bad-signature' },
      { name: 'boom', weight: 1, method: 'GET', path: '/boom', headers: {}, bodyBytes: 0, auth: 'valid' },
      { name: 'leak', weight: 1, method: 'GET', path: '/leak', headers: {}, bodyBytes: 0, auth: 'expired' },
      { name: 'deny', weight: 1, method: 'GET', path: '/deny', headers: {}, bodyBytes: 0, auth: 'valid' },
    ],
  });
  const m = await gen.runStage(plan);
  const reqs = server.requests;
  const n = (f: (r: (typeof reqs)[number]) => boolean): number => reqs.filter(f).length;
  const expected401 = n((r) => r.url === '/x');
  const boom = n((r) => r.url === '/boom');
  const leak = n((r) => r.url === '/leak');
  const deny = n((r) => r.url === '/deny');
  assert.equal(reqs.length, m.requests);
  assert.ok(expected401 > 0 && boom > 0 && leak > 0 && deny > 0);
  assert.equal(n((r) => r.url === '/x' && r.method === 'POST'), n((r) => r.auth === 'Bearer B1'));
  assert.deepEqual(m.errors, {
    expected_401: expected401,
    http_5xx: boom, status_503: boom,
    unexpected_2xx: leak, status_200: leak,
    http_4xx: deny, status_401: deny,
  });
  assert.equal(m.intervals.reduce((a, i) => a + i.errors, 0), boom + leak + deny, 'interval errors exclude expected 401s');
});

test('poisson with a fixed seed: the count the schedule predicts, and the same requests twice; another seed differs', async () => {
  const plan = (seed: number) => testPlan(server.port, { connections: 1, rate: 300, durationMs: 1000, arrival: 'poisson', seed, requests: [
    { name: 'u', weight: 1, method: 'GET', path: '/u/${uid}/${rand}', headers: {}, bodyBytes: 0, auth: 'valid' },
  ] });
  const predicted = (seed: number): number => {
    const p = createPacer({ arrival: 'poisson', totalRate: 300, workers: 1, workerIndex: 0, seed });
    let n = 0;
    while (p.next() < 1000) n++;
    return n;
  };
  const runUrls = async (seed: number): Promise<string[]> => {
    server.requests.length = 0;
    const m = await gen.runStage(plan(seed));
    assert.equal(m.requests, predicted(seed), `seed ${seed}`);
    assert.equal(server.requests.length, predicted(seed), `seed ${seed} at the server`);
    return server.requests.map((r) => r.url);
  };
  const a = await runUrls(7);
  const b = await runUrls(7);
  const c = await runUrls(8);
  assert.notEqual(predicted(7), 300, 'a Poisson count is not exactly rate x duration');
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.slice(0, 20), c.slice(0, 20));
});
