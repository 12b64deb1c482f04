import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, UnitError } from '../../core/errors.js';
import { evaluateThreshold, parseThreshold, parseThresholdEntry, parseThresholdFlag } from '../../harness/gate/thresholds.js';
import { stage } from './fixtures.js';

test('good expressions parse to metric, operator and a value in base units', () => {
  const cases: [string, object][] = [
    ['p99 < 50ms', { metric: 'p99', op: '<', value: 50 }],
    ['p(99) <= 1s', { metric: 'p99', op: '<=', value: 1000 }],
    ['p(99.9) < 250us', { metric: 'p999', op: '<', value: 0.25 }],
    ['p50<2', { metric: 'p50', op: '<', value: 2 }],
    ['errors < 0.1%', { metric: 'errors', op: '<', value: 0.001 }],
    ['reuse.client > 0.95', { metric: 'reuse.client', op: '>', value: 0.95 }],
    ['reuse.upstream >= 99%', { metric: 'reuse.upstream', op: '>=', value: 0.99 }],
    ['rss_per_connection < 16KB', { metric: 'rss_per_connection', op: '<', value: 16000 }],
    ['rss < 1GiB', { metric: 'rss', op: '<', value: 1024 ** 3 }],
    ['achieved_rps >= 99% offered', { metric: 'achieved_rps', op: '>=', value: 0.99, relativeTo: 'offered' }],
    ['achieved_rps >= 1.5k/s', { metric: 'achieved_rps', op: '>=', value: 1500 }],
    ['http_5xx < 1', { metric: 'http_5xx', op: '<', value: 1 }],
  ];
  for (const [expr, want] of cases) {
    const th = parseThreshold(expr, 'gate.thresholds[0]');
    assert.deepEqual({ metric: th.metric, op: th.op, value: th.value, ...(th.relativeTo ? { relativeTo: th.relativeTo } : {}) }, want, expr);
  }
});

test('bad expressions fail with the field named and a useful hint', () => {
  const cases: { expr: unknown; type: typeof ConfigError | typeof UnitError; msg: RegExp }[] = [
    { expr: 'reuse.clinet > 0.9', type: ConfigError, msg: /gate\.thresholds\[2\]: unknown metric "reuse.clinet".*did you mean "reuse.client"\?.*valid metrics: p50, p90, p99/ },
    { expr: 'latency', type: ConfigError, msg: /gate\.thresholds\[2\]: "latency" is not a threshold expression/ },
    { expr: 'p99 = 5ms', type: ConfigError, msg: /is not a threshold expression/ },
    { expr: 'p99 < 5 parsecs', type: UnitError, msg: /gate\.thresholds\[2\] \(p99\): "5 parsecs" is not a duration/ },
    { expr: 'errors < 150%', type: UnitError, msg: /gate\.thresholds\[2\] \(errors\): "150%" is not a percentage/ },
    { expr: 'rss < 12 furlongs', type: UnitError, msg: /is not a size/ },
    { expr: 42, type: ConfigError, msg: /gate\.thresholds\[2\]: 42 is not a threshold expression/ },
  ];
  for (const c of cases) {
    assert.throws(() => parseThreshold(c.expr as string, 'gate.thresholds[2]'), (e: unknown) => {
      assert.ok(e instanceof c.type, `${String(c.expr)}: ${(e as Error).constructor.name}`);
      assert.match((e as Error).message, c.msg);
      return true;
    });
  }
});

test('list entries and flags carry a stage scope', () => {
  assert.deepEqual(parseThresholdEntry({ expr: 'p99 < 5ms', stage: '1k' }, 'f').stage, '1k');
  assert.deepEqual(parseThresholdEntry({ threshold: 'p99 < 5ms', stage: 1 }, 'f').stage, 1);
  assert.equal(parseThresholdEntry('p99 < 5ms', 'f').stage, undefined);
  assert.throws(() => parseThresholdEntry({ expr: 'p99 < 5ms', stag: 1 }, 'gate.thresholds[0]'), /gate\.thresholds\[0\]: unknown key\(s\) stag/);
  assert.deepEqual(parseThresholdFlag('stage=1: p99<5ms').stage, 1);
  assert.deepEqual(parseThresholdFlag('stage=warm: p99<5ms').stage, 'warm');
  assert.throws(() => parseThresholdFlag('p99 << 5ms'), /--threshold/);
});

test('evaluation against a stage: pass, breach, relative to offered, unavailable', () => {
  const s = stage({ p99: 12, offeredRps: 1000, achievedRps: 985, errorRate: 0.002 });
  const ev = (e: string) => evaluateThreshold(parseThreshold(e, 't'), s);
  assert.equal(ev('p99 < 50ms').outcome, 'pass');
  assert.equal(ev('p99 < 12ms').outcome, 'fail');
  assert.equal(ev('p99 <= 12ms').outcome, 'pass');
  assert.equal(ev('errors < 0.1%').outcome, 'fail');
  assert.equal(ev('errors < 0.1%').functional, true);
  assert.equal(ev('achieved_rps >= 98% offered').outcome, 'pass');
  const miss = ev('achieved_rps >= 99% offered');
  assert.equal(miss.outcome, 'fail');
  assert.equal(miss.limit, 990);
  assert.match(miss.message, /achieved_rps = 985\/s, limit >= 990\/s \(99% of offered 1000\/s\) -> BREACHED/);
  assert.equal(ev('reuse.gateway > 0.9').outcome, 'unavailable');
  const five = evaluateThreshold(parseThreshold('http_5xx < 1', 't'), stage({ errors: { status_502: 2, status_503: 1, status_401: 9 } }));
  assert.deepEqual([five.outcome, five.actual], ['fail', 3]);
});

test('error_count follows the result model: expected_* and status_NNN breakdowns are not extra errors', () => {
  const s = stage({ errors: { timeout: 2, http_5xx: 3, status_502: 3, expected_401: 40 } });
  const c = evaluateThreshold(parseThreshold('error_count < 5', 't'), s);
  assert.deepEqual([c.actual, c.outcome], [5, 'fail']);
});

test('cpu_per_request: read from stages[].cpu.perRequestUs, limit in any duration unit; null is unavailable', () => {
  const s = stage({ cpu: { targetSeconds: 1, perRequestUs: 250, processes: 2, reason: null } });
  assert.equal(evaluateThreshold(parseThreshold('cpu_per_request < 300us', 't'), s).outcome, 'pass');
  assert.equal(evaluateThreshold(parseThreshold('cpu_per_request < 0.2ms', 't'), s).outcome, 'fail');
  const unmeasured = stage({ cpu: { targetSeconds: null, perRequestUs: null, processes: null, reason: 'not measurable: no target pid' } });
  assert.equal(evaluateThreshold(parseThreshold('cpu_per_request < 300us', 't'), unmeasured).outcome, 'unavailable');
});
