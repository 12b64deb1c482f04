import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator } from '../../loadgen/index.js';
import { carriers, splitStage } from '../../loadgen/plan/workers.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/**
 * A stage carried by fewer workers than the run has (loadgen/plan/workers.ts carriers()):
 * the idle workers hold no connection and send nothing, stepping up brings them in, stepping
 * down closes theirs. Each worker connects from its own 127.1.0.x, so the server sees which
 * workers carried a stage.
 */

let gen: LoadGenerator;
let server: CountingServer;
let open = 0;

before(async () => {
  server = await countingServer();
  server.server.on('connection', (s) => { open++; s.on('close', () => { open--; }); });
  gen = await LoadGenerator.start({ workers: 3 });
});
after(async () => {
  await gen?.close();
  await server?.close();
});

/** The server's count of open connections once it has settled (closes reach it asynchronously), within 2 s. */
async function openSettled(want: number): Promise<number> {
  for (let i = 0; i < 40 && open !== want; i++) await new Promise((r) => setTimeout(r, 50));
  return open;
}

/** A 1 s stage at 150 req/s over `connections`, carried the way a one-CPU plan with 40 connections per worker would carry it. */
async function stage(connections: number) {
  const carrying = carriers(connections, 3, 40, 1);
  const { workers } = splitStage(connections, 150, 1000, 5, 3, carrying);
  const seen = server.requests.length;
  const m = await gen.runStage(testPlan(server.port, { connections, rate: 150, durationMs: 1000, workers }));
  const from = new Set(server.requests.slice(seen).map((r) => r.from));
  return { carrying, m, from };
}

test('carriers: a stage is carried by the workers its connections need, the rest hold nothing and send nothing', async () => {
  const small = await stage(30);
  assert.equal(small.carrying, 1);
  assert.equal(small.m.generator.activeWorkers, 1);
  assert.equal(small.m.generator.workers, 3);
  assert.equal(small.from.size, 1, `requests came from ${[...small.from].join(', ')}`);
  assert.equal(await openSettled(30), 30, 'only the carrying worker holds connections');
  assert.equal(small.m.connectionCounts.active, 30);

  const big = await stage(100);
  assert.equal(big.carrying, 3);
  assert.equal(big.m.generator.activeWorkers, 3);
  assert.equal(big.from.size, 3, 'stepping up brings the idle workers in');
  assert.equal(await openSettled(100), 100);
  assert.equal(big.m.connectionCounts.active, 100);
  assert.ok(big.m.achievedRps > 0);

  const back = await stage(30);
  assert.equal(back.m.generator.activeWorkers, 1);
  assert.equal(back.from.size, 1);
  assert.deepEqual([...back.from], [...small.from], 'the same worker carries the small stage again');
  assert.equal(await openSettled(30), 30, 'stepping down closes the connections of the workers that no longer carry');
});
