import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../core/scenario/load.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { buildLoadPlan, stageAtRate } from '../../loadgen/plan/build.js';
import type { MachineLimits } from '../../loadgen/plan/types.js';

const machine: MachineLimits = { fdLimit: 20_000, systemFiles: 2_000_000, localPorts: 36_280 };
const text = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'), 'utf8');
const scenario = (edit: (t: string) => string = (t) => t) => {
  const { scenario: s, problems } = parseScenario(edit(text), 'smoke.yaml');
  assert.deepEqual(problems, []);
  return s!;
};

test('the load plan: every stage split over every worker, plain JSON, seeds as before', () => {
  const s = scenario((t) => t.replace('connectRate: 1000/s\n  workers: 1', 'connectRate: 1000/s\n  workers: 3').replace('{ connections: 20, rate: 200/s }', '{ connections: 2, rate: 200/s }'));
  const { plan, problems } = buildLoadPlan(s, { machine });
  assert.deepEqual(problems, []);
  assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan, 'plain data: survives JSON');
  assert.equal(plan.generator.workers, 3);
  assert.equal(plan.generator.sourceAddresses.length, 3);
  const [a, b] = plan.stages;
  assert.equal(a!.activeWorkers, 2, 'two connections: two workers carry the stage');
  assert.deepEqual(a!.workers.map((w) => [w.connections, w.rate, w.seed]), [[1, 100, 7000], [1, 100, 7001], [0, 0, 7002]]);
  assert.deepEqual(b!.workers.map((w) => w.connections), [34, 33, 33]);
  assert.equal(b!.workers.reduce((n, w) => n + (w.rate ?? 0), 0), 300);
  assert.equal(b!.seed, 7 * 1000 + 1 * 37);
  assert.deepEqual(b!.workers.map((w) => w.connectRate), [1000 / 3, 1000 / 3, 1000 / 3]);
});

test('a capacity stage has no rate until a probe sets one; the probe is re-split with its own seed', () => {
  const s = scenario((t) => t.replace('{ connections: 100, rate: 300/s }', '{ connections: 100, rate: capacity }'));
  const { plan } = buildLoadPlan(s, { machine });
  const cap = plan.stages[1]!;
  assert.equal(cap.rate, 'capacity');
  assert.ok(cap.workers.every((w) => w.rate === null));
  const probe = stageAtRate(plan, cap, 500, { durationMs: 4000, warmupMs: 1000, probe: 2 });
  assert.equal(probe.rate, 500);
  assert.equal(probe.seed, cap.seed + 2);
  assert.deepEqual([probe.durationMs, probe.warmupMs], [4000, 1000]);
  assert.deepEqual(probe.workers.map((w) => [w.rate, w.seed]), [[500, cap.seed + 2]]);
});

test('machine limits: the open-files limit per worker, the system limit, named at the scenario path', () => {
  const s = scenario((t) => t.replace('{ connections: 100, rate: 300/s }', '{ connections: 40k, rate: 300/s }'));
  const small: MachineLimits = { fdLimit: 20_000, systemFiles: 50_000, localPorts: 36_280 };
  const { problems } = buildLoadPlan(s, { machine: small });
  assert.deepEqual(problems.map((p) => p.path), ['load.workers', 'load.stages[1].connections']);
  assert.match(problems[0]!.message, /^40000 connections do not fit in 1 worker\(s\).*at least 3 workers/);
  assert.match(problems[1]!.message, /^40000 connections need 80000 open files on this machine .*fs\.file-max 50000/);
  const auto = buildLoadPlan(scenario((t) => t.replace('connectRate: 1000/s\n  workers: 1', 'connectRate: 1000/s\n  workers: auto').replace('{ connections: 100, rate: 300/s }', '{ connections: 40k, rate: 300/s }')), { machine });
  assert.deepEqual(auto.problems, []);
  assert.equal(auto.plan.generator.workers, 3);
  assert.equal(Math.max(...auto.plan.stages[1]!.workers.map((w) => w.connections)), 13_334);
});

test('auto workers: a stage is carried by the workers its connections need and one per generator CPU, the rest idle', () => {
  // feed.yaml's shape under a 20,000 fd limit: 7 workers for 100k (at most 15,936 each).
  const s = scenario((t) => t.replace('connectRate: 1000/s\n  workers: 1', 'connectRate: 1000/s\n  workers: auto')
    .replace('{ connections: 20, rate: 200/s }', '{ connections: 1k, rate: 500/s }\n    - { connections: 25k, rate: 500/s }\n    - { connections: 50k, rate: 500/s }')
    .replace('{ connections: 100, rate: 300/s }', '{ connections: 100k, rate: 500/s }'));
  const carried = (cpus: number | undefined): number[] => {
    const { plan, problems } = buildLoadPlan(s, { machine, generatorCpus: cpus });
    assert.deepEqual(problems, []);
    assert.equal(plan.generator.workers, 7);
    for (const st of plan.stages) {
      const on = st.workers.filter((w) => w.connections > 0);
      assert.equal(on.length, st.activeWorkers, `${st.name}: the carrying workers are the ones with connections`);
      assert.ok(Math.max(...on.map((w) => w.connections)) <= plan.generator.perWorkerMax, `${st.name}: within the fd limit`);
      assert.ok(Math.abs(on.reduce((n, w) => n + (w.rate ?? 0), 0) - 500) < 1e-9, `${st.name}: the carrying workers send the whole rate`);
      assert.ok(st.workers.every((w) => w.connections > 0 || w.rate === 0), `${st.name}: the idle workers send nothing`);
    }
    return plan.stages.map((st) => st.activeWorkers);
  };
  assert.deepEqual(carried(1), [1, 2, 4, 7], 'one CPU: only as many as the fd limit needs');
  assert.deepEqual(carried(3), [3, 3, 4, 7], 'three CPUs: at least one worker per CPU');
  assert.deepEqual(carried(undefined), [7, 7, 7, 7], 'CPUs unknown: every worker, as before');
  const { plan } = buildLoadPlan(s, { machine, generatorCpus: 1 });
  assert.deepEqual(stageAtRate(plan, plan.stages[0]!, 2000).workers.filter((w) => w.connections > 0).length, 1, 'a capacity probe is carried the same way');
  const explicit = buildLoadPlan(scenario((t) => t.replace('connectRate: 1000/s\n  workers: 1', 'connectRate: 1000/s\n  workers: 3')), { machine, generatorCpus: 1 });
  assert.deepEqual(explicit.plan.stages.map((st) => st.activeWorkers), [3, 3], 'an explicit load.workers is used as given');
});
