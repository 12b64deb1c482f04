import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMerge, syntheticLatenciesUs } from '../../harness/accuracy/merge-math.js';
import { HDR_RELATIVE_PRECISION } from '../../harness/accuracy/merge-check.js';
import { mergeEncoded, encodeHistogram, newHistogram, recordUs } from '../../core/hdr.js';

test('percentiles of histograms merged across parts equal those of one histogram of all samples', () => {
  const samples = syntheticLatenciesUs(50_000, 3);
  assert.equal(samples.length, 50_000);
  for (const parts of [1, 2, 7, 32]) {
    const c = compareMerge(samples, parts, parts);
    assert.equal(c.mergedCount, samples.length);
    for (const r of c.rows) {
      assert.equal(r.merged, r.single, `${parts} parts, ${r.label}`);
      assert.ok(Math.abs(r.merged - r.exact) <= Math.max(1, r.exact * HDR_RELATIVE_PRECISION), `${parts} parts, ${r.label}: merged ${r.merged} vs exact ${r.exact}`);
    }
  }
});

test('averaging per-worker percentiles is wrong where merging is right', () => {
  // worker A: 990 fast requests (1 ms); worker B: 10 slow ones (500 ms). True p99 is 1 ms
  // (rank 990 of 1000); the mean of the two workers' p99 is ~250 ms.
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 0; i < 990; i++) recordUs(a, 1000);
  for (let i = 0; i < 10; i++) recordUs(b, 500_000);
  const merged = mergeEncoded([encodeHistogram(a), encodeHistogram(b)]);
  assert.equal(merged.totalCount, 1000);
  assert.ok(Math.abs(merged.getValueAtPercentile(99) - 1000) <= 1);
  assert.ok(merged.getValueAtPercentile(99.1) >= 499_000);
  const averaged = (a.getValueAtPercentile(99) + b.getValueAtPercentile(99)) / 2;
  assert.ok(averaged > 200_000);
});

test('synthetic latencies are seeded and shaped as described (median ~2 ms)', () => {
  assert.deepEqual(syntheticLatenciesUs(10, 9), syntheticLatenciesUs(10, 9));
  const s = syntheticLatenciesUs(20_000, 9).sort((x, y) => x - y);
  const median = s[10_000]!;
  assert.ok(median > 1900 && median < 2100, `median ${median}`);
});
