import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GwBenchError } from '../../core/errors.js';
import { parseThreshold, parseThresholdEntry, parseThresholdFlag } from '../../harness/gate/thresholds.js';
import { fuzz } from './budget.js';

/** Threshold expressions: a Threshold or a typed error naming the field, for any input. */

const METRICS = ['p50', 'p99', 'p999', 'p(99)', 'p(99.9)', 'max', 'errors', 'error_rate', 'rps', 'achieved', 'rss', 'bogus'];
const expr = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom(...METRICS), fc.constantFrom('<', '<=', '>', '>=', '=', '=<', ''), fc.oneof(fc.string(), fc.constantFrom('50ms', '2s', '1%', '0.5', '99% offered', '1MiB', '100/s', '10', '')))
    .map(([m, op, v]) => `${m} ${op} ${v}`),
);

function accepted(fn: () => unknown): void {
  try { fn(); } catch (e) {
    assert.ok(e instanceof GwBenchError && ['GW_ERR_CONFIG_INVALID', 'GW_ERR_UNIT'].includes(e.code), String(e));
    assert.match(e.message, /^(th|--threshold|th\.threshold)/, e.message);
  }
}

test('fuzz thresholds: any expression, entry or flag parses or fails with a typed error', () => {
  fuzz('thresholds', 3000, fc.property(expr, fc.anything(), (s, raw) => {
    accepted(() => parseThreshold(s, 'th'));
    accepted(() => parseThresholdFlag(s, '--threshold'));
    accepted(() => parseThresholdFlag(`stage=1: ${s}`, '--threshold'));
    accepted(() => parseThresholdEntry(raw, 'th'));
    accepted(() => parseThresholdEntry({ threshold: s, stage: raw }, 'th'));
  }));
});

test('fuzz thresholds: well-formed latency limits keep their value', () => {
  fuzz('thresholds-valid', 1000, fc.property(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('<', '<=', '>', '>='), (ms, op) => {
    const t = parseThreshold(`p99 ${op} ${ms}ms`, 'th');
    assert.deepEqual([t.metric, t.op, t.value], ['p99', op, ms]);
  }));
});
