import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistogramLogReader } from 'hdr-histogram-js';
import { encodeHistogram, newHistogram, recordUs } from '../../core/hdr.js';
import { writeHlog } from '../../loadgen/hlog.js';
import type { IntervalMeasurement } from '../../loadgen/types.js';

let dir = '';
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

test('writeHlog writes a standard interval log that HistogramLogReader reads back exactly', async () => {
  dir = await mkdtemp(join(tmpdir(), 'gwb-hlog-'));
  const file = join(dir, 'stage-0.hlog');
  const wantMax: number[] = [];
  const intervals: IntervalMeasurement[] = [-1, 0, 1, 2].map((k) => {
    const h = newHistogram();
    for (let i = 0; i <= k + 1; i++) recordUs(h, 1000 * (k + 2) + i);
    wantMax.push(h.getValueAtPercentile(100));
    return { startMs: k * 1000, endMs: (k + 1) * 1000, phase: k < 0 ? 'warmup' : 'measure', hdr: encodeHistogram(h), count: k + 2, errors: 0 };
  });
  const start = 1_700_000_000_000;
  await writeHlog(file, intervals, start, '1k');
  const text = await readFile(file, 'utf8');
  assert.match(text, /^#\[StartTime: 1699999999\.000 \(seconds since epoch\)/m, 'log starts at the warm-up interval');
  assert.match(text, /^#\[BaseTime: 1699999999\.000 \(seconds since epoch\)\]$/m);
  assert.match(text, /^"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"$/m);
  assert.doesNotMatch(text, /\n\n/, 'no blank lines');
  assert.doesNotMatch(text, /^Tag=/m, 'one stage per file: no interval carries a tag');
  assert.match(text, /^#gw-bench load generator: .*, stage 1k$/m, 'the stage is named in the header');
  const reader = new HistogramLogReader(text);
  const counts: number[] = [];
  const maxes: number[] = [];
  const starts: number[] = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    counts.push(h.totalCount);
    maxes.push(h.getValueAtPercentile(100));
    starts.push(h.startTimeStampMsec);
    assert.ok(h.tag === undefined || h.tag === 'NO TAG' || h.tag === '', `interval is untagged, got ${h.tag}`);
  }
  assert.deepEqual(counts, [1, 2, 3, 4]);
  assert.deepEqual(maxes, wantMax);
  assert.deepEqual(wantMax.map((v) => Math.round(v / 1000)), [1, 2, 3, 4]);
  assert.deepEqual(starts, [start - 1000, start, start + 1000, start + 2000]);
});

test('writeHlog: a stage name with spaces or commas goes into the header comment only; intervals stay untagged', async () => {
  dir = dir || (await mkdtemp(join(tmpdir(), 'gwb-hlog-')));
  const file = join(dir, 'tag.hlog');
  const h = newHistogram();
  recordUs(h, 5);
  await writeHlog(file, [{ startMs: 0, endMs: 1000, phase: 'measure', hdr: encodeHistogram(h), count: 1, errors: 0 }], 1_700_000_000_000, 'step 1k, feed');
  const text = await readFile(file, 'utf8');
  assert.match(text, /^#gw-bench load generator: .*, stage step 1k, feed$/m);
  assert.doesNotMatch(text, /^Tag=/m);
  const back = new HistogramLogReader(text).nextIntervalHistogram();
  assert.equal(back?.totalCount, 1);
});
