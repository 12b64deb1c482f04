import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StageResult } from '../../core/result.js';
import type { StageSpec } from '../../core/scenario/types.js';
import { skippedStage } from '../../harness/stage-result.js';
import { verdictOf } from '../../harness/verdict.js';

const stage = (name: string, status: StageResult['status'], errorRate = 0): StageResult => ({
  ...skippedStage({ index: 0, name, connections: 10, rate: 100, warmupMs: 0, durationMs: 1000 } as StageSpec, 'not-reached', 'x'),
  status, reasons: status === 'invalid' ? ['send lag p99 9 ms exceeds the limit of 5 ms'] : [], errorRate,
});

test('every measured stage invalid: exit 3 with GW_ERR_GENERATOR_SATURATED as the reason', () => {
  const v = verdictOf('complete', [stage('a', 'invalid'), stage('b', 'invalid'), stage('c', 'not-reached')], null, 0.1);
  assert.equal(v.status, 'invalid');
  assert.equal(v.exitCode, 3);
  assert.match(v.reasons.at(-1)!, /^GW_ERR_GENERATOR_SATURATED: every measured stage is invalid/);
});

test('one valid stage: no saturation verdict; errors above the limit are a target failure', () => {
  const pass = verdictOf('complete', [stage('a', 'invalid'), stage('b', 'ok')], null, 0.1);
  assert.equal(pass.exitCode, 0);
  assert.ok(!pass.reasons.some((r) => r.includes('GW_ERR_GENERATOR_SATURATED')));
  const failing = verdictOf('complete', [stage('a', 'ok', 0.5)], null, 0.1);
  assert.equal(failing.status, 'target-failure');
  assert.equal(failing.exitCode, 4);
});
