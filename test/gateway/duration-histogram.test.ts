import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { DurationHistogram } from '../../gateway/observability/duration-histogram.js';

const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5];
const samples: [string, number, number][] = [
  ['/api/user/:uid', 200, 0.0004], ['/api/user/:uid', 200, 0.003], ['/api/user/:uid', 200, 0.005],
  ['/api/feed', 200, 0.2], ['/api/feed', 504, 7], ['unmatched', 404, 0.0001], ['/api/user/:uid', 502, 0.001],
];

test('same exposition as the prom-client Histogram it replaces, and sums across workers', async () => {
  const a = new Registry();
  const ref = new Histogram({ name: 'gateway_request_duration_seconds', help: 'h', labelNames: ['route', 'status'], buckets, registers: [a] });
  const b = new Registry();
  const ours = new DurationHistogram('gateway_request_duration_seconds', 'h', buckets);
  b.registerMetric(ours as unknown as Histogram);
  for (const [route, status, v] of samples) { ref.labels(route, String(status)).observe(v); ours.observe(route, status, v); }
  const lines = (t: string): string[] => t.split('\n').filter(Boolean).sort();
  assert.deepEqual(lines(await b.metrics()), lines(await a.metrics()));

  // Cluster mode: the primary sums the workers' get() values.
  const merged = AggregatorRegistry.aggregate([await b.getMetricsAsJSON(), await b.getMetricsAsJSON()]);
  const text = await merged.metrics();
  assert.match(text, /gateway_request_duration_seconds_count\{route="\/api\/user\/:uid",status="200"\} 6/);
  assert.match(text, /gateway_request_duration_seconds_bucket\{le="\+Inf",route="\/api\/feed",status="504"\} 2/);
});
