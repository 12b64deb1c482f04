import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { loadResult } from '../../harness/report/load-result.js';

test('a recorded schemaVersion 1 result is read, its invalid stages make it incomplete, new fields say "not recorded"', async () => {
  const r = await loadResult(join(PACKAGE_ROOT, 'baselines', 'recorded', 'reference.feed.json'));
  const invalid = r.stages.filter((s) => s.status === 'invalid').length;
  assert.ok(invalid > 0, 'the recorded feed run has invalid stages');
  assert.equal(r.verdict.status, 'incomplete');
  assert.equal(r.status, 'incomplete');
  assert.match(r.verdict.reasons[0]!, new RegExp(`^incomplete: ${invalid} of ${r.stages.length} stages invalid \\(schemaVersion 1 result: that run exited 0\\)$`));
  for (const s of r.stages) {
    assert.equal(s.generator.lagBoundMs, null);
    assert.match(s.generator.lagBoundRule, /^not recorded/);
    assert.equal(s.cpu.perRequestUs, null);
    assert.match(s.cpu.reason!, /^not recorded/);
  }
});

test('every recorded baseline result still loads', async () => {
  for (const f of ['go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi', 'reference']) {
    const r = await loadResult(join(PACKAGE_ROOT, 'baselines', 'recorded', `${f}.feed.json`));
    assert.ok(r.stages.length > 0, f);
  }
});
