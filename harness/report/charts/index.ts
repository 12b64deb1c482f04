import { colourOf } from '../palette.js';
import type { ReportData } from '../steps.js';
import { engineLabelled, engineNote, withEngineNote } from './engine.js';
import { connectionsActiveChart } from './connections-active.js';
import { errorsByStepChart } from './errors-by-step.js';
import { generatorHealthChart } from './generator-health.js';
import { headlineCharts } from './headline.js';
import { latencyByStepChart } from './latency-by-step.js';
import { latencyOverTimeChart } from './latency-over-time.js';
import { memoryRssChart } from './memory-rss.js';
import { percentileSpectrumChart } from './percentile-spectrum.js';
import { rateByStepChart } from './rate-by-step.js';
import { reuseByStepChart } from './reuse-by-step.js';
import type { ChartSpec } from './types.js';

/** Every chart of a report, in reading order: the six headline charts first. Pure: results in, chart.js configs out. A new chart is one entry here. */
export function buildCharts(input: ReportData): ChartSpec[] {
  // Every chart names the engine behind each line: a closed-loop engine's latency is not comparable as is.
  const note = engineNote(input.results);
  const data: ReportData = { ...input, results: engineLabelled(input.results) };
  return [
    // At a glance: capacity, p99 at the fixed rate, RSS per connection, heap residency,
    // upstream reuse, CPU per request, by connections (these replace the per-stage memory,
    // residency and CPU charts). Then the details.
    ...headlineCharts(data),
    percentileSpectrumChart(data),
    latencyByStepChart(data),
    rateByStepChart(data),
    errorsByStepChart(data),
    reuseByStepChart(data),
    connectionsActiveChart(data),
    memoryRssChart(data),
    ...data.results.map((r, i) => latencyOverTimeChart(r, i, colourOf(data.results, i))),
    generatorHealthChart(data),
  ].map((c) => withEngineNote(c, note));
}

export type { ChartSpec } from './types.js';
