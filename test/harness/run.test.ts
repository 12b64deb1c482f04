import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { resultProblems } from '../../core/result-schema.js';
import type { RunResult } from '../../core/result.js';
import { RunProcess, stageLines, until } from './run-helpers.js';

const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), 'gwb-run-')), name);

test('run smoke --quick: result matches the schema, figures are present and plausible, nothing left running', { timeout: 120_000 }, async () => {
  const out = tmp('smoke');
  const run = new RunProcess(['scenarios/smoke.yaml', '--quick', '--out', out]);
  const code = await run.exited;
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(r.status, 'complete');
  // On a quiet machine the verdict is pass (exit 0). On an overloaded one the generator may
  // fall behind: then every stage must say so and the run exits 3, never a silent number.
  if (code === 3) {
    assert.equal(r.verdict.status, 'invalid');
    assert.ok(r.stages.every((s) => s.status === 'invalid' && s.reasons.length > 0));
  } else {
    assert.equal(code, 0, run.stderr + run.stdout);
    assert.equal(r.verdict.status, 'pass');
  }
  assert.equal(r.stages.length, 2);
  assert.equal(stageLines(out), 2, 'stages.jsonl has one line per stage');
  assert.ok(existsSync(join(out, 'run.log')));
  // The run renders its own report at the end (harness/report/run-folder.ts reportRun).
  for (const f of ['report.html', 'report.md', 'compare.json']) assert.ok(existsSync(join(out, f)), `${f} written`);
  for (const s of r.stages) {
    assert.ok(s.status === 'ok' || (s.status === 'invalid' && s.generator.reasons.length > 0), `${s.status}: ${s.reasons.join('; ')}`);
    assert.ok(s.requests > 0 && s.achievedRps > 0);
    assert.equal(s.connectionCounts.established, s.connections);
    assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p50 <= s.latencyMs.p99 && s.latencyMs.p99 <= s.latencyMs.max);
    assert.ok(s.serviceTimeMs.count > 0);
    assert.ok(s.reuse.client !== null && s.reuse.client >= 0 && s.reuse.client <= 1, `client reuse ${s.reuse.client}`);
    assert.ok(s.reuse.upstream !== null && s.reuse.upstream >= 0 && s.reuse.upstream <= 1, `upstream reuse ${s.reuse.upstream}`);
    assert.ok(s.memory.rssBytes !== null && s.memory.rssBytes > 10 * 1024 * 1024 && s.memory.rssBytes < totalmem(), `rss ${s.memory.rssBytes}`);
    assert.ok(s.memory.heapUsedBytes !== null && s.memory.heapUsedBytes > 0 && s.memory.heapUsedBytes < s.memory.rssBytes!, `heap ${s.memory.heapUsedBytes}`);
    assert.ok(s.memory.residency! > 0 && s.memory.residency! < 1);
    assert.ok(Math.abs(s.memory.rssOverHeap! - 1 / s.memory.residency!) < 1e-9);
    assert.ok(s.memory.rssPerConnectionBytes! > 0);
    assert.equal(s.errors.expected_401 !== undefined, true, 'the bad-token share of the mix was rejected with 401');
    assert.ok(s.hlog && readFileSync(join(out, s.hlog), 'utf8').includes('#[StartTime:'), 'hlog written');
    assert.ok(s.timeline.some((p) => p.phase === 'measure'));
  }
  assert.ok(r.env.cores >= 1 && r.env.fdLimit !== null);
  assert.equal(r.target.impl, 'reference');
  assert.deepEqual(run.survivors(), [], 'no child process survives the run');
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

