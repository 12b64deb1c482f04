import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, GwBenchError, ScenarioError, exitCodeOf } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { PACKAGE_ROOT } from '../../core/version.js';

const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'errors.md'), 'utf8');

test('every error code is GW_ERR_*, unique, and maps to a documented exit code', () => {
  const codes = Object.keys(ERROR_CODES);
  assert.equal(new Set(codes).size, codes.length);
  const exits = new Set<number>(Object.values(ExitCode));
  for (const [code, def] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^GW_ERR_[A-Z_]+$/);
    assert.ok(exits.has(def.exit), `${code} exit ${def.exit}`);
    assert.ok(def.message.length > 5, `${code} has a default message`);
  }
});

test('docs/errors.md documents every code with the same exit code', () => {
  for (const [code, def] of Object.entries(ERROR_CODES)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.equal(Number(row!.split('|')[2]!.trim()), def.exit, `${code}: documented exit differs`);
  }
  const documented = [...doc.matchAll(/^\| `(GW_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
  for (const d of documented) assert.ok(d in ERROR_CODES, `docs/errors.md lists ${d}, which core/errors.ts does not define`);
});

test('exit codes match the pinned contract', () => {
  assert.deepEqual({ ...ExitCode }, { OK: 0, GATE_FAILED: 1, USAGE: 2, INCONCLUSIVE: 3, TARGET_FAILURE: 4, INTERNAL: 5 });
  assert.equal(exitCodeOf(new ScenarioError('x')), 2);
  assert.equal(exitCodeOf(new GwBenchError('GW_ERR_TARGET_CRASHED')), 4);
  assert.equal(exitCodeOf(new Error('boom')), 5);
  assert.equal(new ScenarioError('x').name, 'ScenarioError');
});
