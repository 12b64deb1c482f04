import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultProblems } from '../../core/result-schema.js';
import type { RunResult } from '../../core/result.js';
import { referenceImpl } from '../../harness/processes/impls.js';
import { runScenario } from '../../harness/run.js';
import { connectionsPerProcess, processesFor, stageWorkers, workerSizing } from '../../harness/worker-sizing.js';

const ref = referenceImpl();

test('worker sizing: auto is per stage, a number is fixed, single-process and external targets are not sized', () => {
  assert.equal(connectionsPerProcess(20_000), 10_000);
  assert.equal(connectionsPerProcess(64), 32);
  assert.equal(connectionsPerProcess(null), 10_000);
  assert.equal(connectionsPerProcess(Number.MAX_SAFE_INTEGER), 10_000);
  // An implementation that balances its own accepts is planned at 70% of the limit: 8 processes at 100k, not 10.
  assert.equal(connectionsPerProcess(20_000, true), 14_000);
  assert.equal(connectionsPerProcess(null, true), 10_000);
  assert.deepEqual([10_000, 25_000, 50_000, 100_000].map((c) => processesFor(c, connectionsPerProcess(20_000, true))), [1, 2, 4, 8]);
  assert.equal(ref.balancedAccept, true);
  assert.deepEqual([1, 10_000, 10_001, 25_000, 100_000].map((c) => processesFor(c, 10_000)), [1, 1, 2, 3, 10]);
  const auto = workerSizing({ impl: ref, requested: 'auto', perProcess: 10_000, maxConnections: 100_000 });
  assert.deepEqual([1_000, 10_000, 25_000, 100_000].map((c) => stageWorkers(auto, c)), [1, 1, 3, 10]);
  const fixed = workerSizing({ impl: ref, requested: 4, perProcess: 10_000, maxConnections: 100_000 });
  assert.deepEqual([1_000, 100_000].map((c) => stageWorkers(fixed, c)), [4, 4]);
  const one = workerSizing({ impl: { ...ref, multiProcess: false }, requested: 'auto', perProcess: 10_000, maxConnections: 100_000 });
  assert.deepEqual([1_000, 100_000].map((c) => stageWorkers(one, c)), [1, 1]);
  assert.equal(stageWorkers(workerSizing({ impl: null, requested: 'auto', perProcess: 10_000, maxConnections: 1 }), 5), null);
  // Clinic Doctor writes one report per process lifetime: sized once, for the largest stage.
  assert.equal(stageWorkers(workerSizing({ impl: ref, requested: 'auto', perProcess: 10_000, maxConnections: 25_000, doctor: true }), 1_000), 3);
});

/** smoke.yaml's shape with two small stages (10 then 30 connections) and the given target.workers. */
function scenario(workers: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-sizing-'));
  const smoke = readFileSync(join(process.cwd(), 'scenarios', 'smoke.yaml'), 'utf8');
  const file = join(dir, 'sizing.yaml');
  writeFileSync(file, smoke
    .replace(/\ntarget:\n(?: .*\n)+/, `\ntarget:\n  impl: reference\n  workers: ${workers}\n`)
    .replace(/  stages:\n(?: {4}- .*\n)+/, '  stages:\n    - { connections: 10, rate: 40/s, warmup: 1s, duration: 2s }\n    - { connections: 30, rate: 40/s, warmup: 1s, duration: 2s }\n')
    // Loose generator limits: this test is about the target's processes, not the generator's validity.
    .replace(/\ngenerator:\n(?: .*\n?)*$/, '\ngenerator:\n  maxSendLagP99: 10s\n  maxEventLoopP99: 10s\n  maxCpu: 100%\n'));
  return file;
}

async function run(workers: string): Promise<{ r: RunResult; pids: number[] }> {
  const pids: number[] = [];
  const out = join(mkdtempSync(join(tmpdir(), 'gwb-sizing-out-')), 'run');
  // 20 connections per process: the 10-connection stage needs one process, the 30-connection stage two.
  const { result } = await runScenario({ scenarioFile: scenario(workers), out, quiet: true, report: false, connectionsPerProcess: 20, onTarget: (t) => { if (t.pid !== null) pids.push(t.pid); } });
  assert.deepEqual(await resultProblems(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))), []);
  return { r: result, pids };
}

test('workers: auto restarts the reference gateway between stages: 1 process for 10 connections, 2 for 30', { timeout: 120_000 }, async () => {
  const { r, pids } = await run('auto');
  assert.equal(r.status, 'complete', JSON.stringify(r.verdict));
  assert.deepEqual(r.stages.map((s) => s.status), ['ok', 'ok'], r.stages.flatMap((s) => s.reasons).join('; '));
  assert.deepEqual(r.stages.map((s) => s.target), [
    { workers: 1, sizing: 'auto', restarted: false },
    { workers: 2, sizing: 'auto', restarted: true },
  ]);
  assert.equal(pids.length, 2, 'a second gateway process was started');
  assert.notEqual(pids[0], pids[1]);
  // The new target really runs more processes: a cluster primary and its 2 workers against one process.
  const procs = r.stages.map((s) => s.memory.processes);
  assert.ok(procs[0] !== null && procs[1] !== null && procs[1]! > procs[0]!, `processes per stage ${JSON.stringify(procs)}`);
  assert.equal(r.target.workers, 2, 'run-level workers is the largest count used');
  for (const s of r.stages) assert.ok(s.requests > 0 && s.errorRate === 0, `${s.name}: ${s.requests} requests, errors ${JSON.stringify(s.errors)}`);
});

test('a fixed workers: 2 never restarts the target', { timeout: 120_000 }, async () => {
  const { r, pids } = await run('2');
  assert.deepEqual(r.stages.map((s) => s.target), [
    { workers: 2, sizing: 'fixed', restarted: false },
    { workers: 2, sizing: 'fixed', restarted: false },
  ]);
  assert.equal(pids.length, 1, 'one gateway process for the whole run');
  assert.equal(r.target.workers, 2);
});
