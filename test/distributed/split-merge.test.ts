import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeHistogram } from '../../core/hdr.js';
import { parseScenario } from '../../core/scenario/load.js';
import type { Scenario } from '../../core/scenario/types.js';
import { stageFileName } from '../../harness/distributed/agent.js';
import { makePlans } from '../../harness/distributed/make-plans.js';
import { mergeAgents } from '../../harness/distributed/merge.js';
import { AGENT_SEED_STRIDE, schedule, splitForAgents } from '../../harness/distributed/split.js';
import { AGENT_REPORT_KIND, type AgentPlan, type AgentReport, type AgentStageFile } from '../../harness/distributed/types.js';
import { workerResult } from '../loadgen/helpers.js';
import { writeScenario } from './cli-helpers.js';

const MACHINE = { fdLimit: 1_048_576, systemFiles: 10_000_000, localPorts: 28_000 };

function scenario(dir: string, stages: { name: string; connections: number; rate: number }[]): Scenario {
  const file = writeScenario(dir, stages);
  const { scenario: s, problems } = parseScenario(readFileSync(file, 'utf8'), file);
  assert.deepEqual(problems, []);
  return s!;
}

test('split: every stage\'s connections, rate and connect rate over the agents sum to the whole; seeds and source addresses distinct', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-split-'));
  const s = scenario(dir, [{ name: 'a', connections: 10, rate: 300 }, { name: 'b', connections: 7, rate: 100 }]);
  const { plans, problems } = splitForAgents(s, 3, { remote: false, machine: MACHINE });
  assert.deepEqual(problems, []);
  assert.equal(plans.length, 3);
  for (const [i, st] of s.load.stages.entries()) {
    const shares = plans.map((p) => p.stages[i]!);
    assert.equal(shares.reduce((a, x) => a + x.connections, 0), st.connections, `stage ${st.name} connections`);
    assert.ok(Math.abs(shares.reduce((a, x) => a + (x.rate as number), 0) - (st.rate as number)) < 1e-9, `stage ${st.name} rate`);
    assert.ok(Math.abs(shares.reduce((a, x) => a + x.connectRate, 0) - s.load.connectRate) < 1e-9, `stage ${st.name} connect rate`);
    // Within an agent the workers' shares sum to the agent's share.
    for (const sh of shares) assert.equal(sh.workers.reduce((a, w) => a + w.connections, 0), sh.connections);
    const seeds = shares.flatMap((sh) => sh.workers.map((w) => w.seed));
    assert.equal(new Set(seeds).size, seeds.length, `stage ${st.name} seeds distinct: ${seeds}`);
    assert.equal(shares[1]!.seed - shares[0]!.seed, AGENT_SEED_STRIDE);
  }
  const addrs = plans.flatMap((p) => p.generator.sourceAddresses.flat());
  assert.equal(new Set(addrs).size, addrs.length, 'agents on one machine never share a source address');
  const remote = splitForAgents(s, 3, { remote: true, machine: MACHINE });
  assert.ok(remote.plans.every((p) => p.generator.sourceAddresses.every((l) => l.length === 0)), 'a remote agent binds no loopback address');
  rmSync(dir, { recursive: true, force: true });
});

test('split: too few connections for the agents is a problem naming the stage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-split-'));
  const s = scenario(dir, [{ name: 'a', connections: 2, rate: 10 }]);
  const { problems } = splitForAgents(s, 3, { remote: false, machine: MACHINE });
  assert.deepEqual(problems.map((p) => p.path), ['load.stages[0].connections']);
  assert.match(problems[0]!.message, /2 connections cannot be split over 3 agents/);
  rmSync(dir, { recursive: true, force: true });
});

test('schedule: each stage\'s warm-up starts after the previous stage\'s busy time and its own ramp budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-split-'));
  const s = scenario(dir, [{ name: 'a', connections: 2000, rate: 10 }, { name: 'b', connections: 10, rate: 10 }]);
  const t = schedule(s, 1_000_000);
  assert.equal(t[0]!.rampBudgetMs, 2000 + 2000, '2000 connections at 1000/s plus slack');
  assert.equal(t[0]!.startAtEpochMs, 1_000_000 + t[0]!.rampBudgetMs);
  assert.equal(t[0]!.busyMs, 1000 + 3000 + 2000 + 1000);
  assert.equal(t[1]!.startAtEpochMs, t[0]!.startAtEpochMs + t[0]!.busyMs + t[1]!.rampBudgetMs);
  rmSync(dir, { recursive: true, force: true });
});

/** What an agent writes, without running one: agent.json and one stage file of synthetic worker results. */
function fakeAgent(out: string, plan: AgentPlan, late: string | null = null): void {
  mkdirSync(out, { recursive: true });
  const st = plan.plan.stages[0]!;
  const results = st.workers.map((w) => workerResult(w.worker + plan.agent, { intended: 100, issued: 100, completed: 100 }));
  const file: AgentStageFile = { agent: plan.agent, index: 0, clockOffsetMs: 0, results };
  writeFileSync(join(out, stageFileName(0)), JSON.stringify(file));
  const report: AgentReport = {
    kind: AGENT_REPORT_KIND, version: 1, agent: plan.agent, agents: plan.agents, hostname: 'h', startedAt: '', finishedAt: '',
    clock: { before: { offsetMs: -3, rttMs: 1, samples: 8, url: 'u' }, after: null }, workers: st.workers.length,
    stages: [{ index: 0, name: st.name, scheduledStartEpochMs: 0, actualStartEpochMs: 0, late, failed: null, file: stageFileName(0) }], plan,
  };
  writeFileSync(join(out, 'agent.json'), JSON.stringify(report));
}

test('merge: histograms of every agent added; a missing or late agent makes the stage invalid, naming the agent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-merge-'));
  try {
    const file = writeScenario(dir, [{ name: 'a', connections: 4, rate: 100 }]);
    await makePlans({ scenarioFile: file, agents: 2, outDir: join(dir, 'plan'), target: 'http://127.0.0.1:9', allowRemoteTarget: false, startAtEpochMs: Date.now() + 60_000, clockUrl: null });
    const plans = [0, 1].map((k) => JSON.parse(readFileSync(join(dir, 'plan', `agent-${k}.json`), 'utf8')) as AgentPlan);
    fakeAgent(join(dir, 'out', '0'), plans[0]!);
    fakeAgent(join(dir, 'out', '1'), plans[1]!);
    const whole = await mergeAgents({ dirs: [join(dir, 'out', '0'), join(dir, 'out', '1')], outDir: join(dir, 'merged'), report: false });
    const st = whole.result.stages[0]!;
    assert.equal(st.status, 'ok', st.reasons.join('; '));
    assert.equal(st.requests, 200, 'counters summed over agents');
    assert.equal(decodeHistogram(st.hdr).totalCount, 2, 'one histogram entry per worker of each agent, added');
    assert.equal(whole.worstClockOffsetMs, 3);

    const missing = await mergeAgents({ dirs: [join(dir, 'out', '0')], expectAgents: 2, outDir: join(dir, 'merged-missing'), report: false });
    assert.equal(missing.result.stages[0]!.status, 'invalid');
    assert.match(missing.result.stages[0]!.reasons.join('; '), /agent 1 missing/);
    assert.equal(missing.exitCode, 3);

    fakeAgent(join(dir, 'out', '1'), plans[1]!, 'agent 1 started stage a 700 ms after its scheduled start');
    const late = await mergeAgents({ dirs: [join(dir, 'out', '0'), join(dir, 'out', '1')], outDir: join(dir, 'merged-late'), report: false });
    assert.equal(late.result.stages[0]!.status, 'invalid');
    assert.match(late.result.stages[0]!.reasons.join('; '), /agent 1 started stage a 700 ms after/);

    await assert.rejects(mergeAgents({ dirs: [join(dir, 'out', '0')], expectAgents: 3, outDir: join(dir, 'm3'), report: false }), /--expect-agents: 3, but the agents' plans were made for 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
