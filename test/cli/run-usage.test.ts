import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

const bin = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
const gw = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 30_000 });

test('run: every bad flag is one clear line, exit 2, and nothing is started or written', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'gwb-usage-')), 'out');
  const cases: Array<[string[], RegExp]> = [
    [['--gateway-cpus', 'abc'], /--gateway-cpus: "abc" is not a CPU list/],
    [['--pid', '5'], /--pid: only applies to an external target; give --url too/],
    [['--debug-delay', '5 seconds'], /--debug-delay: "5 seconds" is not a duration/],
    [['--max-error-rate', 'lots'], /--max-error-rate: "lots" is not a percentage/],
    [['--target', 'nope'], /--target: "nope" is not an implementation; available: reference, /],
    [['--url', 'http://10.0.0.5:8080'], /--url: "http:\/\/10\.0\.0\.5:8080" is not a loopback address/],
    [['--target', 'go-nethttp', '--debug-delay', '5ms'], /--debug-delay: only the reference gateway has it/],
    [['--metrics-port', '70000'], /--metrics-port: 70000 is not a port/],
  ];
  for (const [flags, re] of cases) {
    const r = gw('run', 'scenarios/smoke.yaml', '--out', out, ...flags);
    assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, flags.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${flags.join(' ')}: ${r.stderr}`);
    assert.ok(!existsSync(out), `${flags.join(' ')} created the output folder`);
  }
});

test('run, baseline, calibrate: usage errors name the argument', () => {
  let r = gw('baseline', 'record', 'nope');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /impl: "nope" is not an implementation/);
  r = gw('run', 'nope.yaml');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read scenario nope\.yaml: ENOENT/);
  r = gw('calibrate', '--bogus');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bogus/);
});
