import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import { decodeHistogram } from '../../core/hdr.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/**
 * The coordinated-omission self-test (wrk2's ^Z experiment, automated). The target answers
 * at once except during one 500 ms stall, 2.0 s to 2.5 s after the first request arrives:
 * every request arriving then is held until the stall ends.
 *
 * Open model at 200 req/s for 5 s = 1000 requests, intended every 5 ms. The 100 requests
 * intended inside the stall cannot complete before its end, so their latency from the
 * intended time is (2500 - t): 500, 495, ..., 5 ms. Everything else is ~0. The expected p99
 * is computed from that schedule below (450 ms).
 *
 * Service time (completion - actual send) is different with only 8 connections: the 8
 * requests on the wire when the stall began wait ~500 ms; the other 92 wait in the
 * generator's queue and are sent after the stall ends, so their service time is tiny. So
 * the service-time p99 (the 10th largest of 1000) stays small while its max shows the
 * stall: exactly what a closed-model tool would report as "p99 fine".
 */

const RATE = 200;
const DURATION_MS = 5000;
const STALL_FROM = 2000;
const STALL_TO = 2500;
const CONNECTIONS = 8;

let gen: LoadGenerator;
let server: CountingServer;
let first = -1;

before(async () => {
  server = await countingServer((_req, res) => {
    const now = performance.now();
    if (first < 0) first = now;
    const reply = (): void => { res.writeHead(200, { 'content-length': '0' }); res.end(); };
    const t = now - first;
    if (t >= STALL_FROM && t < STALL_TO) setTimeout(reply, STALL_TO - t);
    else reply();
  });
  gen = await LoadGenerator.start({ workers: 1 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

/** Expected latencies (ms) from the schedule alone, and a percentile the way HdrHistogram defines it. */
function expectedP(p: number): number {
  const lat: number[] = [];
  for (let i = 0; i < (RATE * DURATION_MS) / 1000; i++) {
    const t = (i * 1000) / RATE;
    lat.push(t >= STALL_FROM && t < STALL_TO ? STALL_TO - t : 0);
  }
  lat.sort((a, b) => a - b);
  return lat[Math.ceil((p / 100) * lat.length) - 1]!;
}

test('a 500 ms stall shows in the latency p99 as the schedule predicts; service time hides it', async (t) => {
  const m = await gen.runStage(testPlan(server.port, {
    connections: CONNECTIONS, rate: RATE, durationMs: DURATION_MS, requestTimeoutMs: 3000, maxQueue: 1000,
  }));
  const latency = decodeHistogram(m.latencyHdr);
  const service = decodeHistogram(m.serviceHdr);
  const want99 = expectedP(99);
  assert.equal(want99, 450);
  assert.equal(expectedP(90), 0);
  assert.equal(latency.totalCount, 1000);
  assert.deepEqual(m.errors, {});

  const p99 = latency.getValueAtPercentile(99) / 1000;
  const max = latency.maxValue / 1000;
  const p90 = latency.getValueAtPercentile(90) / 1000;
  const s99 = service.getValueAtPercentile(99) / 1000;
  t.diagnostic(`latency p99 ${p99} ms (expected ${want99}), p90 ${p90} ms, max ${max} ms; service p99 ${s99} ms, max ${service.maxValue / 1000} ms`);
  assert.ok(Math.abs(p99 - want99) <= 0.15 * want99, `latency p99 ${p99} ms, expected ${want99} ms +-15%`);
  assert.ok(max >= 450 && max <= 700, `latency max ${max} ms: the first request of the stall waits ~500 ms`);
  // only 10% of the requests are affected: p90 is an ordinary latency, far below the
  // stall (relative, because this shared 2-core box adds its own noise to everything)
  assert.ok(p90 < p99 / 3, `latency p90 ${p90} ms vs p99 ${p99} ms`);

  assert.ok(s99 < want99 / 5, `service-time p99 ${s99} ms should be far below ${want99} ms`);
  assert.ok(service.maxValue / 1000 >= 400, `service-time max ${service.maxValue / 1000} ms: the requests on the wire saw the stall`);
  assert.equal(m.generator.valid, true, m.generator.reasons.join('; '));
});
