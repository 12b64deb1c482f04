import { colourOf } from '../palette.js';
import { omittedNotes, perStep, perStepInvalid, type ReportData } from '../steps.js';
import { stepChart, invalidSeries, logMsAxis } from './common.js';
import type { ChartSpec } from './types.js';

const LINES = [
  { key: 'p50', name: 'p50', dash: [2, 3], width: 1.5 },
  { key: 'p99', name: 'p99', dash: [], width: 2.5 },
  { key: 'p999', name: 'p99.9', dash: [8, 4], width: 1.5 },
] as const;

/** Chart 2: p50 / p99 / p99.9 per connection step and implementation, log y. Non-results are gaps, named in the notes. */
export function latencyByStepChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.flatMap(({ label, result }, i) => LINES.map((line) => ({
    label: `${label} ${line.name}`,
    data: perStep(result, steps, (s) => s.latencyMs[line.key]),
    borderColor: colourOf(results, i),
    backgroundColor: colourOf(results, i),
    borderDash: [...line.dash],
    borderWidth: line.width,
    pointRadius: 3,
    spanGaps: false,
  }) as Record<string, unknown>));
  results.forEach(({ label, result }, i) => {
    // The generator's error bound drawn below p99: the generator only ever adds, so the true
    // p99 is at most the measured one, and the true p99.1 at least measured - bound.
    const lower = perStep(result, steps, (s) => (s.generator.lagBoundMs == null ? null : Math.max(0, s.latencyMs.p99 - s.generator.lagBoundMs)));
    if (lower.some((v) => v !== null)) datasets.push({ label: `${label} p99 - generator lag bound`, data: lower, borderColor: colourOf(results, i), backgroundColor: 'rgba(0,0,0,0)', borderDash: [1, 2], borderWidth: 1, pointRadius: 2, pointStyle: 'dash', spanGaps: false });
    const shadow = invalidSeries(`${label} p99`, perStepInvalid(result, steps, (s) => s.latencyMs.p99), colourOf(results, i));
    if (shadow) datasets.push(shadow);
  });
  const title = 'Latency percentiles by step (intended-send-time latency)';
  return stepChart({ id: 'latency-by-step', type: 'line', title, notes, steps, datasets, y: logMsAxis('latency (ms, log)'), caption: 'Each point is a percentile read from the stage\'s merged histogram; the thin dotted line is p99 minus the generator lag bound (the most the generator added to 99.9% of requests, docs/metrics.md): the true p99 is at most the p99 line, the true p99.1 at least the dotted one. Gaps are stages that are not results (see notes); faded hollow points are p99 of invalid stages, shown only so they can be seen, not as results.' });
}
