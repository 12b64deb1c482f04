import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { formatProblems, parseScenario } from '../../core/scenario/load.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { DEFAULT_INPUT_LIMITS } from '../../core/problems/yaml-input.js';
import { readYamlConfig } from '../../gateway/config/load.js';
import { loadConfigFile } from '../../upstream/config.js';
import { HOSTILE_INPUTS } from '../../harness/reliability/hostile-inputs.js';

/** Hostile and broken scenario/config files: exit 2 with a plain message naming the limit, never a hang or exit 5. */

const bin = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
const dir = mkdtempSync(join(tmpdir(), 'gwb-limits-'));
const file = (name: string, text: string): string => { const f = join(dir, name); writeFileSync(f, text); return f; };
const validate = (f: string) => spawnSync(process.execPath, [bin, 'validate', f], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
const smoke = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'), 'utf8');

for (const input of HOSTILE_INPUTS) {
  test(`validate: ${input.name} -> exit 2, ${input.expect}`, () => {
    const r = validate(file(`${input.name.replace(/\W+/g, '-')}.yaml`, input.text()));
    assert.equal(r.status, 2, `${r.stderr}${r.error ?? ''}`);
    assert.match(r.stderr, input.expect);
    assert.doesNotMatch(r.stderr, /parseAllDocuments|parseDocument|YAML\.parse|ReferenceError|internal error|\.js:\d+/);
    assert.ok(r.stderr.trim().split('\n').length <= 52, 'at most 50 problem lines plus the header and "and K more"');
  });
}

test('YAML syntax errors carry line and column', () => {
  const { problems } = parseScenario('version: 1\nname: x\nload:\n  stages: [1,\n  x: :\n', 'f.yaml');
  assert.ok(problems.length > 0);
  assert.match(formatProblems(problems)[0]!, /^\(yaml\) \(line 5, column \d+\): YAML syntax: /);
});

test('15k unknown keys (under the limits): every problem found in linear time, 50 shown then "and K more"', { timeout: 30_000 }, () => {
  // Before the fix the library's duplicate-key check made this quadratic (20k keys: 12 s,
  // 400k: never returned); the timeout above is a hang guard, not a speed assertion.
  const text = smoke + Array.from({ length: 15_000 }, (_, i) => `extra${i}: ${i}`).join('\n');
  const { problems } = parseScenario(text, 'f.yaml');
  assert.equal(problems.length, 15_000);
  const lines = formatProblems(problems);
  assert.equal(lines.length, 51);
  assert.equal(lines[50], 'and 14950 more');
  assert.match(lines[0]!, /^extra0 \(line \d+\): unknown key/);
});

test('a duplicate key is refused with its line', () => {
  const { problems } = parseScenario('version: 1\nname: a\nname: b\n', 'f.yaml');
  assert.match(formatProblems(problems).join('\n'), /duplicate key "name" \(line 3, column 1\)/);
});

test('seeds: above 2^32-1 refused in the scenario and on the command line; 2^32-1 accepted', () => {
  const at = (seed: string) => parseScenario(smoke.replace(/^(  seed:) \d+$/m, `$1 ${seed}`), 'f.yaml').problems;
  assert.deepEqual(at('4294967295'), []);
  assert.match(formatProblems(at('4294967296')).join('\n'), /load\.seed \(line \d+\): 4294967296 is above 4294967295 \(seeds are 32-bit unsigned\)/);
  assert.match(formatProblems(at('18446744073709551616')).join('\n'), /load\.seed .*is above 4294967295/);
  const r = spawnSync(process.execPath, [bin, 'run', 'scenarios/smoke.yaml', '--seed', '4294967296'], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--seed: 4294967296 is not a whole number 0\.\.4294967295 \(seeds are 32-bit\) \[GW_ERR_USAGE\]/);
});

test('gateway and upstream configs share the limits: alias bomb, deep nesting, several documents -> ConfigError', async () => {
  const bomb = HOSTILE_INPUTS.find((h) => h.name === 'alias bomb')!.text();
  const deep = '['.repeat(20_000);
  for (const [name, text, re] of [['bomb', bomb, /aliases expand/], ['deep', deep, /line 1/], ['multi', 'a: 1\n---\nb: 2\n', /holds 2 YAML documents/]] as const) {
    const f = file(`gw-${name}.yaml`, text);
    assert.throws(() => readYamlConfig(f), (e: ConfigError) => e instanceof ConfigError && re.test(`${e.message}\n${e.details.join('\n')}`), name);
    await assert.rejects(loadConfigFile(f), (e: ConfigError) => e instanceof ConfigError && re.test(`${e.message}\n${e.details.join('\n')}`), name);
  }
  assert.deepEqual(readYamlConfig(file('gw-empty.yaml', '# nothing\n')), {}, 'an empty gateway config means defaults');
  const big = file('gw-big.yaml', `# ${'x'.repeat(DEFAULT_INPUT_LIMITS.maxBytes)}\n`);
  assert.throws(() => readYamlConfig(big), /bytes is above the input limit of 1048576 bytes/);
});
