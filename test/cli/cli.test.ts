import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli } from '../../cli/cli.js';
import { reportError } from '../../cli/report-error.js';
import { ScenarioError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../core/version.js';

const bin = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 20_000 });

test('argv parsing: unknown command and unknown flag are usage errors', async () => {
  await assert.rejects(async () => buildCli(['frobnicate']).parseAsync(), (e: any) => e.code === 'GW_ERR_USAGE' && e.exitCode === 2);
  await assert.rejects(async () => buildCli(['validate', 'x.yaml', '--bogus']).parseAsync(), (e: any) => e.code === 'GW_ERR_USAGE' && /bogus/.test(e.message));
  await assert.rejects(async () => buildCli([]).parseAsync(), (e: any) => e.code === 'GW_ERR_USAGE');
});

test('argv parsing: validate takes a file and global flags', async () => {
  const parsed = await buildCli(['validate', join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'), '--verbose']).parseAsync();
  assert.deepEqual(parsed._, ['validate']);
  assert.equal(parsed.verbose, true);
});

test('errors print one line plus details, a stack only with --verbose', () => {
  let out = '';
  const code = reportError(new ScenarioError('feed.yaml: 2 problems', ['a: bad', 'b: bad']), false, (s) => { out += s; });
  assert.equal(code, 2);
  assert.equal(out, 'gw-bench: feed.yaml: 2 problems [GW_ERR_SCENARIO_INVALID]\n  a: bad\n  b: bad\n');
  out = '';
  assert.equal(reportError(new TypeError('x is undefined'), false, (s) => { out += s; }), 5);
  assert.equal(out.split('\n').filter(Boolean).length, 1);
  out = '';
  reportError(new TypeError('x is undefined'), true, (s) => { out += s; });
  assert.match(out, /at /);
});

test('the binary: --help lists commands, validate exits 0 / 2', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /gw-bench validate <scenario\.\.>/);
  const ok = run('validate', 'scenarios/feed.yaml');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /feed\.yaml: valid/);
  const bad = run('validate', 'test/fixtures/scenarios/broken.yaml');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 5);
  assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/);
  const missing = run('validate', 'nope.yaml');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read scenario nope\.yaml: ENOENT \[GW_ERR_SCENARIO_READ\]/);
  const usage = run('validate');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /GW_ERR_USAGE/);
});

test('conformance: each gateway-knob flag is parsed with its unit and a bad value names the flag (exit 2, before any process starts)', () => {
  for (const [flag, value, words] of [
    ['--max-body', '12zz', /--max-body: "12zz" is not a size/],
    ['--fanout-deadline', 'soon', /--fanout-deadline: "soon"/],
    ['--breaker-failures', '-3', /--breaker-failures: "-3"/],
  ] as const) {
    const r = run('conformance', flag, value);
    assert.equal(r.status, 2, `${flag} ${value}: ${r.stderr}`);
    assert.match(r.stderr, words);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
