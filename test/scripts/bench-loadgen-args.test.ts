import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

const SCRIPT = join(PACKAGE_ROOT, 'dist', 'scripts', 'bench-loadgen.js');

test('bench:loadgen: a bad option is refused before anything starts, exit 2, one usage line naming it', () => {
  for (const [flag, value] of [['--rounds', '0'], ['--rounds', 'many'], ['--duration', '-1'], ['--target', 'apache']]) {
    const r = spawnSync(process.execPath, [SCRIPT, flag, value], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, `${flag} ${value}: exit 2 (stderr: ${r.stderr})`);
    assert.equal(r.stdout, '', `${flag} ${value}: nothing was started or printed`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${flag} ${value}: one line`);
    assert.match(lines[0]!, /--rounds N/, 'the usage names every option');
    assert.ok(lines[0]!.includes(`(bad: ${flag.slice(2)} ${value})`), `${flag} ${value}: names the option and value: ${lines[0]}`);
  }
});
