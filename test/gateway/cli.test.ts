import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

const run = (args: string[], env: Record<string, string> = {}): { code: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'gateway', ...args], {
    env: { PATH: process.env.PATH ?? '', GW_LISTEN_PORT: '0', ...env }, encoding: 'utf8', timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
};

test('gw-bench gateway: bad flags, env and files fail before listening, exit 2, every problem named', () => {
  const delay = run(['--debug-delay', 'soon']);
  assert.equal(delay.code, 2);
  assert.match(delay.stderr, /--debug-delay: "soon" is not a duration like 500ms/);
  const cpu = run(['--debug-cpu', 'lots']);
  assert.equal(cpu.code, 2);
  assert.match(cpu.stderr, /--debug-cpu: "lots" is not a duration like 500ms/);
  const cpuEnv = run([], { GW_DEBUG_CPU_US: '-5' });
  assert.equal(cpuEnv.code, 2);
  assert.match(cpuEnv.stderr, /debug\.cpu: "-5"/);

  const env = run([], { GW_BREAKER_FAILURES: 'many', GW_UPSTREAM_INTERACT: 'http://127.0.0.1:1*x' });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /\[GW_ERR_CONFIG_INVALID\]/);
  assert.match(env.stderr, /breaker\.failures: "many"/);
  assert.match(env.stderr, /upstreams\.interact\.instances\[0\]\.weight: "x"/);

  const dir = mkdtempSync(join(tmpdir(), 'gwb-cli-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'listen: [1, 2\n');
  const yaml = run(['--config', bad]);
  assert.equal(yaml.code, 2);
  assert.match(yaml.stderr, /invalid YAML/);

  const missing = run(['--config', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: cannot be read/);
});

test('gw-bench gateway: bad optional-feature flags and env exit 2 naming the field', () => {
  const etcd = run(['--etcd', 'ftp://127.0.0.1:2379', '--etcd-prefix', 'nope']);
  assert.equal(etcd.code, 2);
  assert.match(etcd.stderr, /etcd\.endpoints\[0\]: "ftp:\/\/127\.0\.0\.1:2379" is not an http:\/\/ URL/);
  assert.match(etcd.stderr, /etcd\.prefix: "nope" is not a key prefix ending in \//);
  assert.doesNotMatch(etcd.stderr, /at .*\.js:\d+/, 'no stack trace');
  const shadow = run([], { GW_SHADOW_UPSTREAM: 'not a url', GW_SHADOW_SHARE: 'half' });
  assert.equal(shadow.code, 2);
  assert.match(shadow.stderr, /upstreams\.shadow\.instances\[0\]: "not a url" is not a URL|shadow\.upstream/);
  assert.match(shadow.stderr, /shadow\.share: "half" is not a percentage/);
});
