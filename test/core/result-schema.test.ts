import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultProblems } from '../../core/result-schema.js';
import { RESULT_SCHEMA_VERSION } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { resultSchemaJson } from '../../scripts/write-schema.js';
import { oursFixture } from '../fixtures/results/make-fixtures.js';

test('docs/result.schema.json is generated from core/result-schema.ts', () => {
  assert.equal(readFileSync(join(PACKAGE_ROOT, 'docs', 'result.schema.json'), 'utf8'), resultSchemaJson(), 'run `npm run schema`');
});

test('schemaVersion 2: a v2 result passes; incomplete is a run and verdict status; cpu and the lag bound are required', async () => {
  assert.equal(RESULT_SCHEMA_VERSION, 2);
  const r = oursFixture();
  assert.deepEqual(await resultProblems(r), []);
  assert.deepEqual(await resultProblems({ ...r, status: 'incomplete', verdict: { status: 'incomplete', exitCode: 3, reasons: ['incomplete: 1 of 5 stages invalid'] } }), []);
  const noCpu = structuredClone(r) as unknown as { stages: Array<Record<string, unknown>> };
  delete noCpu.stages[0]!['cpu'];
  assert.match((await resultProblems(noCpu)).join('\n'), /^stages\[0\]\.cpu: missing/m);
  const noBound = structuredClone(r) as unknown as { stages: Array<{ generator: Record<string, unknown> }> };
  delete noBound.stages[0]!.generator['lagBoundRule'];
  assert.match((await resultProblems(noBound)).join('\n'), /^stages\[0\]\.generator\.lagBoundRule: missing/m);
  const zeroNotNull = structuredClone(r);
  (zeroNotNull.stages[0]!.cpu as { perRequestUs: unknown }).perRequestUs = -1;
  assert.ok((await resultProblems(zeroNotNull)).length > 0, 'a negative CPU per request is rejected');
});
