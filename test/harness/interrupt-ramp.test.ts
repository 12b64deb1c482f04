import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultProblems } from '../../core/result-schema.js';
import type { RunResult } from '../../core/result.js';
import { RunProcess, stageLines, until } from './run-helpers.js';

/**
 * Ctrl-C during a long connect ramp once left the run stuck in teardown: the workers kept
 * opening connections until the ramp was done before anyone listened to the abort. The
 * fixture's second stage ramps 4000 connections at 150/s (~27 s); Ctrl-C lands a few
 * seconds in. The bound below is far under the ramp's remaining time, not a latency figure.
 */
test('Ctrl-C during a slow connect ramp: exit 3 well before the ramp would end, finished stage kept, no process left', { timeout: 120_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'gwb-ramp-')), 'run');
  const run = new RunProcess(['test/fixtures/scenarios/slow-ramp.yaml', '--out', out, '--no-report']);
  assert.ok(await until(() => stageLines(out) >= 1, 90_000), `first stage never finished: ${run.stderr}`);
  await new Promise((r) => setTimeout(r, 3000)); // ~450 of 4000 connections into the ramp
  const t0 = Date.now();
  run.child.kill('SIGINT');
  const code = await run.exited;
  const tookMs = Date.now() - t0;
  assert.equal(code, 3, run.stderr);
  assert.ok(tookMs < 15_000, `teardown took ${tookMs} ms; the ramp alone had ~20 s left`);
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.deepEqual(await resultProblems(r), []);
  assert.equal(r.status, 'interrupted');
  assert.equal(r.verdict.exitCode, 3);
  assert.equal(r.stages.length, 1, 'the stage interrupted in its ramp measured nothing and is not reported as measured');
  assert.ok(['ok', 'invalid'].includes(r.stages[0]!.status), 'the finished stage is kept as measured');
  assert.ok(r.stages[0]!.requests > 0);
  assert.deepEqual(run.survivors(), [], 'no child process survives Ctrl-C');
});
