import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../core/scenario/load.js';
import { thresholdChecks } from '../../harness/scenario-checks.js';

/** The harness passes the gate's threshold parser to scenario validation explicitly. */

const text = readFileSync('test/gate/fixtures/gate-tiny.yaml', 'utf8');

test('scenario validation reports a bad threshold with its path and line', () => {
  assert.deepEqual(parseScenario(text, 'gate-tiny.yaml', thresholdChecks).problems, []);
  const bad = parseScenario(text.replace('- p99 < 2s', '- p99 < 2 fortnights'), 'gate-tiny.yaml', thresholdChecks);
  assert.deepEqual(parseScenario(text.replace('- p99 < 2s', '- p99 < 2 fortnights'), 'gate-tiny.yaml').problems, [], 'without the gate parser core does not judge thresholds');
  assert.equal(bad.problems.length, 1);
  assert.equal(bad.problems[0]!.path, 'gate.thresholds[1]');
  assert.match(bad.problems[0]!.message, /"2 fortnights" is not a duration/);
  assert.ok(bad.problems[0]!.line! > 30);
});
