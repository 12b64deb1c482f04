import { colourOf } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/** CPU per request (µs) per step: the target's whole process tree, (utime + stime) / requests in the window. */
export function cpuPerRequestChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.map(({ label, result }, i) => ({
    label,
    data: perStep(result, steps, (s) => s.cpu?.perRequestUs ?? null),
    borderColor: colourOf(results, i),
    backgroundColor: colourOf(results, i),
    borderWidth: 2.5,
    pointRadius: 3,
  }));
  for (const { label, result } of results) {
    const why = result.stages.find((s) => s.cpu?.perRequestUs == null)?.cpu?.reason;
    if (result.stages.every((s) => s.cpu?.perRequestUs == null)) notes.push(`${label}: CPU per request not available${why ? ` (${why})` : ''}`);
  }
  return stepChart({
    id: 'cpu-per-request', type: 'line', title: 'Target CPU per request by step', notes, steps, datasets,
    y: { min: 0, title: { display: true, text: 'CPU per request (µs)' } },
    caption: 'CPU seconds (user + system) of every process of the target\'s tree between the measurement window\'s start and end, read from /proc/<pid>/stat, divided by the requests of the window. Lower is cheaper.',
  });
}
