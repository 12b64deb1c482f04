import type { LabeledResult } from '../steps.js';
import { connectionsActiveChart } from './connections-active.js';
import { errorsByStepChart } from './errors-by-step.js';
import { generatorHealthChart } from './generator-health.js';
import { latencyByStepChart } from './latency-by-step.js';
import { latencyOverTimeChart } from './latency-over-time.js';
import { memoryPerConnectionChart } from './memory-per-connection.js';
import { memoryResidencyChart } from './memory-residency.js';
import { memoryRssChart } from './memory-rss.js';
import { percentileSpectrumChart } from './percentile-spectrum.js';
import { rateByStepChart } from './rate-by-step.js';
import { reuseByStepChart } from './reuse-by-step.js';
import type { ChartSpec } from './types.js';

/** Every chart of a report, in reading order. Pure: results in, chart.js configs out. */
export function buildCharts(results: readonly LabeledResult[]): ChartSpec[] {
  return [
    percentileSpectrumChart(results),
    latencyByStepChart(results),
    rateByStepChart(results),
    errorsByStepChart(results),
    reuseByStepChart(results),
    connectionsActiveChart(results),
    memoryRssChart(results),
    memoryPerConnectionChart(results),
    memoryResidencyChart(results),
    ...results.map((r, i) => latencyOverTimeChart(r, i)),
    generatorHealthChart(results),
  ];
}

export type { ChartSpec } from './types.js';
