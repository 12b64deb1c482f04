import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { resultProblems } from '../../core/result-schema.js';
import type { RunResult } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { RunProcess, stageLines, until } from './run-helpers.js';

const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), 'gwb-run-')), name);

/** scenarios/smoke.yaml with its `generator:` block (the last one in the file) replaced, written to a temp folder. */
function smokeWith(generator: string): string {
  const file = tmp('smoke.yaml');
  const smoke = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'), 'utf8').replace(/\ngenerator:\n(?: .*\n?)*$/, '\n');
  writeFileSync(file, `${smoke}\ngenerator:\n${generator}\n`);
  return file;
}

test('run smoke --quick: result matches the schema, figures are present and plausible, nothing left running', { timeout: 120_000 }, async () => {
  const out = tmp('smoke');
  // Generator limits this loose hold on any machine, so the one outcome of this setup is
  // every stage valid, verdict pass, exit 0 (the invalid case has its own test below).
  const scenario = smokeWith('  maxSendLagP99: 10s\n  maxEventLoopP99: 10s\n  maxCpu: 100%');
  const run = new RunProcess([scenario, '--quick', '--out', out]);
  const code = await run.exited;
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(code, 0, run.stderr + run.stdout);
  assert.equal(r.status, 'complete');
  assert.equal(r.verdict.status, 'pass');
  assert.equal(r.schemaVersion, 2);
  assert.equal(r.stages.length, 2);
  assert.equal(stageLines(out), 2, 'stages.jsonl has one line per stage');
  assert.ok(existsSync(join(out, 'run.log')));
  // The run renders its own report at the end (harness/report/run-folder.ts reportRun).
  for (const f of ['report.html', 'report.md', 'compare.json']) assert.ok(existsSync(join(out, f)), `${f} written`);
  for (const s of r.stages) {
    assert.equal(s.status, 'ok', s.reasons.join('; '));
    assert.equal(s.engine, 'gw-bench');
    assert.ok(s.requests > 0 && s.achievedRps > 0);
    assert.equal(s.connectionCounts.established, s.connections);
    assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p50 <= s.latencyMs.p99 && s.latencyMs.p99 <= s.latencyMs.max);
    assert.ok(s.serviceTimeMs !== null && s.serviceTimeMs.count > 0);
    // The strict bound is the send-lag max plus the longest stall, both measured: never below
    // either; the 99.9% bound (validity) is at most the strict one and at least the send lag p99.
    const g = s.generator;
    assert.ok(g.lagBoundStrictMs != null && g.lagBoundStrictMs >= (g.sendLagMaxMs ?? 0) && g.lagBoundStrictMs >= (g.eventLoopMaxMs ?? 0), `strict bound ${g.lagBoundStrictMs}`);
    assert.ok(g.lagBoundMs !== null && g.lagBoundMs <= g.lagBoundStrictMs + 1e-9 && g.lagBoundMs >= (g.sendLagP99Ms ?? 0), `lag bound ${g.lagBoundMs}`);
    assert.match(g.lagBoundRule, /^99\.9% of requests: .*; measured p99 <= true p99\.1 \+ bound; every quantile incl\. max <= true \+ [0-9.]+ ms/);
    // CPU per request from /proc: the reference gateway spends some, and far less than a second, per request.
    assert.ok(s.cpu.targetSeconds !== null && s.cpu.targetSeconds > 0, `cpu ${JSON.stringify(s.cpu)}`);
    assert.ok(s.cpu.perRequestUs !== null && s.cpu.perRequestUs > 0 && s.cpu.perRequestUs < 1e6, `cpu ${JSON.stringify(s.cpu)}`);
    assert.ok(Math.abs(s.cpu.perRequestUs! - (s.cpu.targetSeconds! * 1e6) / s.requests) < 1e-6);
    assert.ok(s.reuse.client !== null && s.reuse.client >= 0 && s.reuse.client <= 1, `client reuse ${s.reuse.client}`);
    assert.ok(s.reuse.upstream !== null && s.reuse.upstream >= 0 && s.reuse.upstream <= 1, `upstream reuse ${s.reuse.upstream}`);
    // Counted inside the window: the upstream saw about as many requests as the window's share of the mix.
    assert.ok(s.reuse.upstreamRequests !== null && s.reuse.upstreamRequests > 0 && s.reuse.upstreamRequests < 3 * s.requests, `upstream requests ${s.reuse.upstreamRequests} vs ${s.requests}`);
    assert.equal(s.reuse.clientRequests, s.requests);
    // The gateway's own counters, read at the window's edges: its connections were opened in
    // the ramp (so none in the window), and it saw about the window's requests (edge timing aside).
    assert.equal(s.reuse.gatewayConnectionsOpened, s.reuse.clientConnectionsOpened, 'gateway and generator agree on connections opened in the window');
    assert.ok(Math.abs(s.reuse.gatewayRequests! - s.requests) <= 0.1 * s.requests + 20, `gateway requests ${s.reuse.gatewayRequests} vs ${s.requests}`);
    assert.ok(s.reuse.upstreamConnectionsActive! >= 1 && s.reuse.upstreamConnectionsActive! <= s.reuse.upstreamRequests!, `upstream connections carrying requests ${s.reuse.upstreamConnectionsActive}`);
    assert.ok(s.memory.rssBytes !== null && s.memory.rssBytes > 10 * 1024 * 1024 && s.memory.rssBytes < totalmem(), `rss ${s.memory.rssBytes}`);
    assert.ok(s.memory.heapUsedBytes !== null && s.memory.heapUsedBytes > 0 && s.memory.heapUsedBytes < s.memory.rssBytes!, `heap ${s.memory.heapUsedBytes}`);
    assert.ok(s.memory.residency! > 0 && s.memory.residency! < 1);
    assert.ok(Math.abs(s.memory.rssOverHeap! - 1 / s.memory.residency!) < 1e-9);
    assert.ok(s.memory.rssPerConnectionBytes! > 0);
    // PSS at the window's end: never above RSS (pages shared with other processes count partly).
    assert.ok(s.memory.pssBytes != null && s.memory.pssBytes > 0 && s.memory.pssBytes <= s.memory.rssBytes! * 1.05, `pss ${s.memory.pssBytes} rss ${s.memory.rssBytes}`);
    assert.ok(Math.abs(s.memory.pssPerConnectionBytes! - s.memory.pssBytes! / s.connectionCounts.established!) < 1e-6);
    assert.equal(s.errors.expected_401 !== undefined, true, 'the bad-token share of the mix was rejected with 401');
    assert.ok(s.hlog && readFileSync(join(out, s.hlog), 'utf8').includes('#[StartTime:'), 'hlog written');
    assert.ok(s.timeline.some((p) => p.phase === 'measure'));
  }
  assert.match(run.stdout, /p99/);
  assert.match(run.stdout, /generator adds at most/);
  assert.ok(r.env.cores >= 1 && r.env.fdLimit !== null);
  assert.equal(r.target.impl, 'reference');
  assert.deepEqual(run.survivors(), [], 'no child process survives the run');
});

test('a stage forced invalid (impossible generator CPU limit): incomplete everywhere, exit 3 exactly; --allow-invalid exits 0 and keeps the word', { timeout: 150_000 }, async () => {
  // 0.001% of a core: every worker that does anything is over it, so every stage is invalid.
  const scenario = smokeWith('  maxCpu: 0.001%');
  const out = tmp('forced-invalid');
  const run = new RunProcess([scenario, '--quick', '--out', out]);
  const code = await run.exited;
  assert.equal(code, 3, run.stderr + run.stdout);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(r.status, 'incomplete');
  assert.equal(r.verdict.status, 'incomplete');
  assert.equal(r.verdict.exitCode, 3);
  assert.equal(r.verdict.reasons[0], 'incomplete: 2 of 2 stages invalid');
  assert.ok(r.stages.every((s) => s.status === 'invalid' && s.reasons.some((x) => /CPU .* exceeds the limit of 0/.test(x))));
  assert.match(run.stdout, /incomplete: 2 of 2 stages invalid/, 'the summary says it');
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /incomplete: 2 of 2 stages invalid/, 'the report headline says it');
  assert.deepEqual(run.survivors(), []);

  const out2 = tmp('forced-invalid-allowed');
  const allowed = new RunProcess([scenario, '--quick', '--out', out2, '--allow-invalid', '--no-report']);
  assert.equal(await allowed.exited, 0, allowed.stderr);
  const r2 = JSON.parse(readFileSync(join(out2, 'result.json'), 'utf8')) as RunResult;
  assert.equal(r2.verdict.status, 'incomplete');
  assert.equal(r2.verdict.exitCode, 0);
  assert.match(r2.verdict.reasons[0]!, /^incomplete: 2 of 2 stages invalid \(--allow-invalid/);
  assert.match(allowed.stdout, /incomplete: 2 of 2 stages invalid/);
  assert.deepEqual(allowed.survivors(), []);
});

test('Ctrl-C mid-run keeps finished stages, marks the result interrupted, leaves no process', { timeout: 120_000 }, async () => {
  const out = tmp('interrupt');
  const run = new RunProcess(['scenarios/smoke.yaml', '--out', out, '--no-report']);
  assert.ok(await until(() => stageLines(out) >= 1, 90_000), `first stage never finished: ${run.stderr}`);
  await new Promise((r) => setTimeout(r, 1500)); // inside the second stage
  run.child.kill('SIGINT');
  const code = await run.exited;
  assert.equal(code, 3, run.stderr);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(r.status, 'interrupted');
  assert.equal(r.verdict.status, 'interrupted');
  assert.ok(['ok', 'invalid'].includes(r.stages[0]!.status), 'the finished stage is kept as measured');
  assert.ok(r.stages[0]!.requests > 0);
  assert.ok(r.stages.length <= 2);
  if (r.stages[1]) assert.equal(r.stages[1].status, 'interrupted');
  assert.deepEqual(run.survivors(), [], 'no child process survives Ctrl-C');
});

test('a target that crashes mid-run gives exit 4 with finished stages kept, leaves no process', { timeout: 120_000 }, async () => {
  const out = tmp('crash');
  const run = new RunProcess(['scenarios/smoke.yaml', '--out', out, '--no-report']);
  assert.ok(await until(() => stageLines(out) >= 1 && existsSync(join(out, 'result.json')), 90_000), `first stage never finished: ${run.stderr}`);
  const partial = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.ok(partial.target.pid);
  await new Promise((r) => setTimeout(r, 1000));
  process.kill(partial.target.pid!, 'SIGKILL');
  const code = await run.exited;
  assert.equal(code, 4, run.stderr);
  assert.match(run.stderr, /GW_ERR_TARGET_CRASHED/);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(r.status, 'failed');
  assert.equal(r.verdict.status, 'target-failure');
  assert.ok(['ok', 'invalid'].includes(r.stages[0]!.status), 'the finished stage is kept as measured');
  assert.ok(r.stages[0]!.requests > 0);
  assert.equal(r.stages[1]?.status, 'failed');
  assert.ok(readdirSync(out).includes('stages.jsonl'));
  assert.deepEqual(run.survivors(), [], 'no child process survives a target crash');
});

