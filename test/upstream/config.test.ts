import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { defaultConfig, loadConfigFile, validateConfig, withEphemeralPorts } from '../../upstream/config.js';
import { upstreamEnv } from '../../upstream/contract-env.js';

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'GW_ERR_CONFIG_INVALID');
    assert.equal(err.exitCode, 2);
    return [...err.details];
  }
  assert.fail('config was accepted');
}

describe('upstream config', () => {
  it('default set: the contract services on the contract ports', () => {
    const c = defaultConfig();
    assert.equal(c.adminPort, 19000);
    assert.deepEqual(Object.fromEntries(Object.entries(c.services).map(([k, v]) => [k, v.ports])), {
      'user-status': [19001], barrage: [19002], user: [19003], interact: [19004, 19005],
    });
    const e = withEphemeralPorts(c);
    assert.equal(e.adminPort, 0);
    assert.deepEqual(e.services.interact!.ports, [0, 0]);
    assert.ok(Object.isFrozen(c.services.user));
  });

  it('reports every problem with its path and value', () => {
    const details = problemsOf({
      colour: 'red',
      services: {
        a: { latency: { model: 'constant', ms: -5 }, errorRate: 1.5, wat: 1 },
        b: { latency: { model: 'lognormal', p50: 50, p99: 10 }, errorStatus: 42 },
        c: { latency: { model: 'uniform', min: 9, max: 3 }, instances: 0 },
        d: { latency: { model: 'gaussian' }, bodyBytes: 'lots' },
      },
    });
    const expected = [
      'colour: unknown key; allowed here: host, seed, admin, services',
      'services.a.wat: unknown key; allowed here: instances, ports, latency,',
      'services.a.latency.ms: -5 is not a duration like 500ms',
      'services.a.errorRate: 1.5 is not a percentage like 0.1% (or a fraction 0..1)',
      'services.b.latency.p99: 10 is not >= p50 (50)',
      'services.b.errorStatus: 42 must be >= 100',
      'services.c.instances: 0 must be >= 1',
      'services.c.latency.max: 3 is not >= min (9)',
      'services.d.latency.model: "gaussian" is not one of "constant", "uniform", "lognormal"',
      'services.d.bodyBytes: "lots" is not a size',
    ];
    for (const e of expected) assert.ok(details.some((d) => d.startsWith(e)), `missing problem "${e}" in:\n${details.join('\n')}`);
    assert.equal(details.length, expected.length, details.join('\n'));
  });

  it('rejects duplicate fixed ports and a non-loopback host', () => {
    const details = problemsOf({ host: '10.0.0.1', admin: { port: 19100 }, services: { a: { ports: [19100] }, b: { ports: [19101, 19101] } } });
    assert.deepEqual(details, [
      'host: "10.0.0.1" is not a loopback IPv4 address (127.0.0.0/8)',
      'services.a.ports[0]: 19100 is already used by admin.port',
      'services.b.ports[1]: 19101 is already used by services.b.ports[0]',
    ]);
  });

  it('accepts units and fills defaults', () => {
    const c = validateConfig({ seed: 9, services: { x: { instances: 3, latency: { model: 'lognormal', p50: '5ms', p99: '0.04s' }, bodyBytes: '2KB', errorRate: '5%' } } });
    assert.deepEqual(c.services.x, { ports: [0, 0, 0], latency: { model: 'lognormal', p50: 5, p99: 40 }, bodyBytes: 2000, errorRate: 0.05, errorStatus: 500 });
    assert.equal(c.adminPort, 19000);
    assert.equal(c.host, '127.0.0.1');
  });

  it('loads YAML files and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gwb-upcfg-'));
    try {
      const good = join(dir, 'good.yaml');
      await writeFile(good, 'services:\n  user:\n    ports: [0]\n    latency: { model: uniform, min: 1, max: 2 }\n');
      assert.deepEqual((await loadConfigFile(good)).services.user!.latency, { model: 'uniform', min: 1, max: 2 });
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, 'services:\n  user:\n    errorRate: 2\n');
      await assert.rejects(loadConfigFile(bad), (err: ConfigError) => err.message.startsWith(`${bad} is invalid`) && err.details[0] === 'services.user.errorRate (line 3): 2 is not a percentage like 0.1% (or a fraction 0..1) (must be <= 1)');
      await assert.rejects(loadConfigFile(join(dir, 'missing.yaml')), /cannot read upstream config/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('upstreamEnv builds the contract variables with the 80/20 interact weights', () => {
    assert.deepEqual(upstreamEnv({ 'user-status': ['http://127.0.0.1:1'], interact: ['http://127.0.0.1:2', 'http://127.0.0.1:3'] }), {
      GW_UPSTREAM_USER_STATUS: 'http://127.0.0.1:1',
      GW_UPSTREAM_INTERACT: 'http://127.0.0.1:2*80,http://127.0.0.1:3*20',
    });
  });
});
