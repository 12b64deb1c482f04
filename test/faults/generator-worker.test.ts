import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultProblems } from '../../core/result-schema.js';
import { generatorWorkerKilled } from '../../harness/reliability/generator-kill.js';

test('a load-generator worker killed mid-stage: stage failed with the reason, finished stage kept, exit 5, no orphan', { timeout: 180_000 }, async () => {
  const f = await generatorWorkerKilled();
  const { result, ...rest } = f;
  console.log(`# ${JSON.stringify(rest)}`);
  assert.equal(f.hung, false, JSON.stringify(rest));
  assert.ok(result, 'result.json written');
  assert.deepEqual(await resultProblems(result), [], 'the result still matches its schema');
  assert.equal(result.status, 'failed');
  assert.equal(f.exitCode, 5, 'GW_ERR_WORKER is an internal error (exit 5)');
  assert.equal(f.stagesKept, 1, 'the finished first stage is kept as measured');
  assert.equal(result.stages.length, 2);
  assert.equal(result.stages[1]!.status, 'failed');
  assert.match(f.failedStageReason ?? '', /GW_ERR_WORKER: .*worker \d+ .*exited \(code null, signal SIGKILL\)/);
  assert.match(result.verdict.reasons.join('\n'), /GW_ERR_WORKER/);
  assert.equal(f.orphans, 0);
});
