import { writeFile } from 'node:fs/promises';
import { HistogramLogWriter } from 'hdr-histogram-js';
import { decodeHistogram } from '../core/hdr.js';
import type { IntervalMeasurement } from './types.js';

/**
 * Writes a stage's interval histograms as a standard HdrHistogram interval log (.hlog):
 * "#[StartTime: ...]", "#[BaseTime: ...]", the Legend line, then one line per interval
 * with times in seconds relative to the start. HistogramLogReader (Java or JS) and
 * HdrHistogram plotting tools read it as is. Values are microseconds; the max column is
 * written in milliseconds (ratio 1000), as HdrHistogram tools expect for µs data.
 *
 * One file holds one stage, so intervals are written untagged: HdrHistogram's Java
 * HistogramLogProcessor reads only untagged intervals unless given -tag (without it, a log
 * of tagged intervals stops it with a NullPointerException). The stage is named in the file
 * name and in the header comment instead.
 */

/** Write `intervals` (times relative to `startEpochMs`) to `file` as an .hlog; `stage` goes into the header. */
export async function writeHlog(file: string, intervals: readonly IntervalMeasurement[], startEpochMs: number, stage?: string): Promise<void> {
  // Interval times in the log are seconds from the log's StartTime, which must not be
  // negative: the log starts at the first (warm-up) interval.
  const firstMs = Math.min(0, ...intervals.map((iv) => iv.startMs));
  const logStart = startEpochMs + firstMs;
  const warmups = intervals.filter((iv) => iv.phase === 'warmup').length;
  let out = '';
  const writer = new HistogramLogWriter((line) => { out += line; });
  writer.outputComment(`gw-bench load generator: latency from intended send time, values in microseconds${stage ? `, stage ${stage.replace(/[\r\n]/g, ' ')}` : ''}`);
  writer.outputComment(`${intervals.length} intervals, the first ${warmups} are warm-up; measurement starts at ${(-firstMs / 1000).toFixed(3)} s`);
  writer.outputLogFormatVersion();
  writer.outputStartTime(logStart);
  writer.baseTime = logStart;
  out += `#[BaseTime: ${(logStart / 1000).toFixed(3)} (seconds since epoch)]\n`;
  writer.outputLegend();
  for (const iv of intervals) {
    const h = decodeHistogram(iv.hdr);
    writer.outputIntervalHistogram(h, (iv.startMs - firstMs) / 1000, (iv.endMs - firstMs) / 1000, 1000);
  }
  // the writer's StartTime comment ends in its own newline; a blank line trips some readers
  await writeFile(file, out.replace(/\n{2,}/g, '\n'));
}
