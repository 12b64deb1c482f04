import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastCountsArrayIndex, libraryCountsArrayIndex } from '../../core/hdr-fast-index.js';
import { newHistogram, recordUs } from '../../core/hdr.js';

test('the integer bucket index equals the library\'s for every value it handles, and defers otherwise', () => {
  const h = newHistogram() as unknown as Parameters<typeof fastCountsArrayIndex>[0] & object;
  const fields = h as unknown as { subBucketHalfCountMagnitude: number; unitMagnitude: number; subBucketHalfCount: number };
  const check = (v: number): void => assert.equal(fastCountsArrayIndex.call(fields, v), libraryCountsArrayIndex.call(fields, v), `value ${v}`);
  for (let v = 0; v < 70_000; v++) check(v);
  for (let k = 0; k < 31; k++) for (const d of [-1, 0, 1, 3]) { const v = 2 ** k + d; if (v >= 0 && v < 2 ** 31) check(v); }
  for (let i = 0; i < 20_000; i++) check(Math.floor(Math.random() * 2 ** 31));
  check(2 ** 31 + 5); // beyond the integer path: the library's own code
  check(12.5);
});

test('histograms record and report the same percentiles with the fast index', () => {
  const h = newHistogram();
  for (let v = 1; v <= 100_000; v++) recordUs(h, v * 7);
  assert.equal(h.totalCount, 100_000);
  assert.ok(Math.abs(h.getValueAtPercentile(50) - 350_000) / 350_000 < 0.001);
  assert.ok(Math.abs(h.getValueAtPercentile(99) - 693_000) / 693_000 < 0.001);
  assert.ok(Math.abs(h.maxValue - 700_000) / 700_000 < 0.001);
});
