import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../core/errors.js';
import { defaultOnInconclusive, parseRelativeSettings } from '../../harness/gate/settings.js';

test('defaults: 8+8 pairs, 10k resamples, documented metric limits', () => {
  const s = parseRelativeSettings(undefined);
  assert.deepEqual([s.pairs, s.confirmPairs, s.resamples, s.confidence, s.rerunInvalid, s.metricsFrom], [8, 8, 10000, 0.95, 2, 'default']);
  assert.deepEqual(s.metrics, { p50: { warn: 0.05, fail: 0.10 }, p99: { warn: 0.05, fail: 0.15 }, achieved_rps: { warn: 0.05, fail: 0.10 }, cpu_per_request: { warn: 0.05, fail: 0.10 } });
});

test('listed metrics replace the default set; missing limits take the metric default', () => {
  const s = parseRelativeSettings({ pairs: 4, seed: 9, metrics: { p50: { fail: '20%' }, rss: { warn: 0.02, fail: 0.3 } } });
  assert.deepEqual(s.metrics, { p50: { warn: 0.05, fail: 0.2 }, rss: { warn: 0.02, fail: 0.3 } });
  assert.deepEqual([s.pairs, s.seed], [4, 9]);
});

test('every problem is named with its path', () => {
  assert.throws(() => parseRelativeSettings({ pairs: 1, colour: 'red', metrics: { p98: {}, p50: { warn: '30%', fail: '10%' } } }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    const d = e.details.join('\n');
    assert.match(d, /gate\.relative\.colour: unknown key/);
    assert.match(d, /gate\.relative\.pairs: 1 must be between 2 and 200/);
    assert.match(d, /gate\.relative\.metrics\.p98: unknown metric \(valid: p50, /);
    assert.match(d, /gate\.relative\.metrics\.p50: warn \(0\.3\) must not exceed fail \(0\.1\)/);
    assert.equal(e.details.length, 4);
    return true;
  });
});

test('rerunInvalid: 0-10, named on error; a listed metric set is marked as the scenario\'s', () => {
  assert.equal(parseRelativeSettings({ rerunInvalid: 0 }).rerunInvalid, 0);
  assert.throws(() => parseRelativeSettings({ rerunInvalid: 11 }), (e: ConfigError) => e.details.some((d) => /gate\.relative\.rerunInvalid: 11 must be at most 10/.test(d)));
  assert.equal(parseRelativeSettings({ metrics: { p99: {} } }).metricsFrom, 'scenario');
});

test('--on-inconclusive default: fail in CI, warn elsewhere', () => {
  assert.equal(defaultOnInconclusive({ CI: 'true' }), 'fail');
  assert.equal(defaultOnInconclusive({ CI: '1' }), 'fail');
  assert.equal(defaultOnInconclusive({ CI: 'false' }), 'warn');
  assert.equal(defaultOnInconclusive({}), 'warn');
});
