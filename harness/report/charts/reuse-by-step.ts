import { colourOf } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/** Chart 5: connection reuse ratio (1 - connections opened / requests) per step, client side solid, upstream side dashed. */
export function reuseByStepChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.flatMap(({ label, result }, i) => [
    { label: `${label} client side`, data: perStep(result, steps, (s) => s.reuse.client), borderColor: colourOf(results, i), backgroundColor: colourOf(results, i), borderWidth: 2.5, pointRadius: 3 },
    { label: `${label} upstream side`, data: perStep(result, steps, (s) => s.reuse.upstream), borderColor: colourOf(results, i), backgroundColor: colourOf(results, i), borderDash: [6, 4], borderWidth: 1.5, pointRadius: 3 },
  ]);
  for (const { label, result } of results) {
    if (result.stages.every((s) => s.reuse.upstream === null)) notes.push(`${label}: upstream reuse not measured`);
  }
  const title = 'Connection reuse ratio by step';
  return stepChart({ id: 'reuse-by-step', type: 'line', title, notes, steps, datasets, y: { max: 1, title: { display: true, text: 'reuse ratio (1 = every request on an existing connection)' } }, caption: 'Reuse = 1 - connections opened / requests completed in the window, counted where the harness owns the socket (generator and mock upstreams).' });
}
