import type { LabeledResult } from '../steps.js';
import { cpuPerRequestChart } from './cpu-per-request.js';
import { engineLabelled, engineNote, withEngineNote } from './engine.js';
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
export function buildCharts(input: readonly LabeledResult[]): ChartSpec[] {
  // Every chart names the engine behind each line: a closed-loop engine's latency is not comparable as is.
  const note = engineNote(input);
  const results = engineLabelled(input);
  return [
    percentileSpectrumChart(results),
    latencyByStepChart(results),
    rateByStepChart(results),
    errorsByStepChart(results),
    reuseByStepChart(results),
    memoryRssChart(results),
    memoryPerConnectionChart(results),
    memoryResidencyChart(results),
    cpuPerRequestChart(results),
    ...results.map((r, i) => latencyOverTimeChart(r, i)),
    generatorHealthChart(results),
  ].map((c) => withEngineNote(c, note));
}

export type { ChartSpec } from './types.js';
