import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../core/version.js';

/**
 * The layer map of docs/architecture.md (rules: .dependency-cruiser.cjs), checked with
 * dependency-cruiser over the TypeScript sources: imports only go down
 * cli -> harness -> {loadgen, gateway, upstream} -> core, and nothing forms a cycle.
 */

const CRUISER = join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(PACKAGE_ROOT, '.dependency-cruiser.cjs');

interface Violation { rule: { name: string }; from: string; to: string; cycle?: Array<{ name: string }> }

async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  // Exit status is non-zero when there are violations: the JSON on stdout says which.
  const out = await promisify(execFile)(process.execPath, [CRUISER, '--config', CONFIG, '--output-type', 'json', ...paths], { cwd, maxBuffer: 64 * 1024 * 1024 })
    .catch((e: { stdout?: string; stderr?: string }) => {
      if (!e.stdout) throw new Error(`dependency-cruiser failed: ${e.stderr ?? String(e)}`);
      return { stdout: e.stdout };
    });
  const report = JSON.parse(out.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  assert.ok(report.summary.totalCruised > 0, 'dependency-cruiser found files to check');
  return report.summary.violations;
}

const describe = (v: Violation): string => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

test('the sources follow the layer map and have no cycles', { timeout: 120_000 }, async () => {
  const violations = await cruise(PACKAGE_ROOT, ['cli', 'core', 'harness', 'loadgen', 'gateway', 'upstream', 'scripts', 'test']);
  assert.deepEqual(violations.map(describe), []);
});

test('the check fails on an import up the map and on a cycle (fixture with both)', { timeout: 120_000 }, async () => {
  const violations = await cruise(join(PACKAGE_ROOT, 'test', 'fixtures', 'layers'), ['core', 'harness', 'loadgen']);
  const names = violations.map(describe);
  assert.ok(names.some((n) => n === 'core-imports-no-layer: core/low.ts -> harness/high.ts'), names.join('\n'));
  assert.ok(names.some((n) => n.startsWith('no-cycles: loadgen/ping.ts -> loadgen/pong.ts')), names.join('\n'));
});
