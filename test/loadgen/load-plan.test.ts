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
