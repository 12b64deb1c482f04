import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GwBenchError, TargetError } from '../../core/errors.js';
import type { StageResult } from '../../core/result.js';
import { incompleteHeadline, verdictOf } from '../../harness/verdict.js';
import { stage } from '../gate/fixtures.js';

const ok = (name: string): StageResult => stage({ name });
const invalid = (name: string): StageResult => stage({ name, status: 'invalid', reasons: ['generator lag bound 30 ms exceeds the allowed 10 ms'] });
const notReached = (name: string): StageResult => stage({ name, status: 'not-reached', reasons: ['holds at most 10k'] });

test('verdict: every stage valid is pass, exit 0', () => {
  const v = verdictOf('complete', [ok('a'), ok('b')], null, 0.1);
  assert.equal(v.status, 'pass');
  assert.equal(v.exitCode, 0);
});

test('verdict: one invalid stage of three is incomplete, exit 3, headline first', () => {
  const v = verdictOf('incomplete', [ok('a'), invalid('b'), ok('c')], null, 0.1);
  assert.equal(v.status, 'incomplete');
  assert.equal(v.exitCode, 3);
  assert.equal(v.reasons[0], 'incomplete: 1 of 3 stages invalid');
  assert.match(v.reasons[1]!, /^stage b INVALID \(not a result\): generator lag bound/);
});

test('verdict: every stage invalid is still incomplete (N of N), exit 3', () => {
  const v = verdictOf('incomplete', [invalid('a'), invalid('b')], null, 0.1);
  assert.deepEqual([v.status, v.exitCode, v.reasons[0]], ['incomplete', 3, 'incomplete: 2 of 2 stages invalid']);
});

test('verdict: --allow-invalid exits 0 and keeps the word incomplete', () => {
  const v = verdictOf('incomplete', [ok('a'), invalid('b')], null, 0.1, true);
  assert.equal(v.status, 'incomplete');
  assert.equal(v.exitCode, 0);
  assert.match(v.reasons[0]!, /^incomplete: 1 of 2 stages invalid \(--allow-invalid/);
});

test('verdict: a not-reached stage (the target holds fewer connections) does not make the run incomplete', () => {
  const v = verdictOf('complete', [ok('a'), notReached('b')], null, 0.1);
  assert.equal(v.status, 'pass');
  assert.equal(v.exitCode, 0);
  assert.match(v.reasons[0]!, /^stage b not reached/);
});

test('verdict: target failure and errors above the limit outrank incomplete', () => {
  assert.equal(verdictOf('failed', [invalid('a')], new TargetError('GW_ERR_TARGET_CRASHED', 'gone'), 0.1).exitCode, 4);
  const erroring = stage({ name: 'e', errorRate: 0.5, errors: { http_5xx: 5 } });
  assert.equal(verdictOf('incomplete', [erroring, invalid('b')], null, 0.1).status, 'target-failure');
  assert.equal(verdictOf('failed', [], new GwBenchError('GW_ERR_INTERNAL', 'x'), 0.1).exitCode, 5);
});

test('incompleteHeadline counts every stage of the run', () => {
  assert.equal(incompleteHeadline([{ status: 'ok' }, { status: 'invalid' }, { status: 'not-reached' }]), 'incomplete: 1 of 3 stages invalid');
});

test('verdict: every measured stage invalid names GW_ERR_GENERATOR_SATURATED; one valid stage does not', () => {
  const all = verdictOf('incomplete', [invalid('a'), invalid('b'), notReached('c')], null, 0.1);
  assert.equal(all.exitCode, 3);
  assert.match(all.reasons.at(-1)!, /^GW_ERR_GENERATOR_SATURATED: every measured stage is invalid/);
  const some = verdictOf('incomplete', [invalid('a'), ok('b')], null, 0.1);
  assert.ok(!some.reasons.some((r) => r.includes('GW_ERR_GENERATOR_SATURATED')));
});
