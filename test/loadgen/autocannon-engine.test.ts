import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runAutocannonStage } from '../../loadgen/index.js';
import { decodeHistogram } from '../../core/hdr.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/** engine: autocannon runs the same stage closed-loop and maps into the same measurement shape. */

let server: CountingServer;
before(async () => {
  server = await countingServer((req, res) => {
    res.writeHead((req.headers.authorization ?? '').startsWith('Bearer V') ? 200 : 401, { 'content-length': '0' });
    res.end();
  });
});
after(async () => { await server?.close(); });

test('autocannon stage: same connections, counts map into StageMeasurement, 401s for bad tokens are expected', async () => {
  const m = await runAutocannonStage(testPlan(server.port, {
    engine: 'autocannon', connections: 3, durationMs: 1000, warmupMs: 0,
    requests: [
      { name: 'ok', weight: 3, method: 'GET', path: '/u/${uid}', headers: {}, bodyBytes: 0, auth: 'valid' },
      { name: 'expired', weight: 1, method: 'GET', path: '/u/${uid}', headers: {}, bodyBytes: 0, auth: 'expired' },
    ],
  }));
  const got = server.requests.length;
  const bad = server.requests.filter((r) => r.auth === 'Bearer E1').length;
  assert.ok(got > 0);
  assert.equal(m.connectionCounts.established, null, 'autocannon does not report it: null, not the planned 3');
  assert.equal(server.connections, 3);
  // closed loop: at most one request per connection is still on the wire when the run stops
  assert.ok(got - m.requests >= 0 && got - m.requests <= 3, `server ${got}, measured ${m.requests}`);
  assert.ok(Math.abs((m.errors.expected_401 ?? 0) - bad) <= 3, `expected_401 ${m.errors.expected_401} vs server ${bad}`);
  assert.equal(m.errors.http_4xx, undefined);
  assert.equal(decodeHistogram(m.latencyHdr).totalCount, m.requests);
  assert.equal(m.serviceHdr, '', 'closed model: no separate service time (latency is it), not a copy');
  assert.equal(m.offeredRps, null, 'closed loop: no offered rate');
  assert.ok(m.achievedRps > 0);
  assert.equal(m.generator.sendLagP99Ms, null);
  assert.equal(m.generator.sendLagMaxMs, null);
  assert.equal(m.generator.lagBoundMs, null);
  assert.match(m.generator.lagBoundRule, /^not measurable/);
  assert.equal(m.generator.workers, 1);
  assert.equal(m.intervals.length, 1);
});

test('LoadGenerator.runStage dispatches engine: autocannon to the autocannon engine', async () => {
  const { LoadGenerator } = await import('../../loadgen/index.js');
  const gen = await LoadGenerator.start({ workers: 1 });
  try {
    const before0 = server.connections;
    const m = await gen.runStage(testPlan(server.port, { engine: 'autocannon', connections: 2, durationMs: 500 }));
    assert.equal(m.serviceHdr, '');
    assert.equal(m.connectionCounts.established, null);
    assert.equal(server.connections - before0, 2, 'autocannon opened its own 2 connections; the workers opened none');
  } finally {
    await gen.close();
  }
});
