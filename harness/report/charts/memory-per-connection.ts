import { colourOf } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/** Chart 6b: RSS per established connection (KiB) per step. */
export function memoryPerConnectionChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.map(({ label, result }, i) => ({
    label,
    data: perStep(result, steps, (s) => (s.memory.rssPerConnectionBytes === null ? null : s.memory.rssPerConnectionBytes / 1024)),
    borderColor: colourOf(results, i),
    backgroundColor: colourOf(results, i),
    borderWidth: 2.5,
    pointRadius: 3,
  }));
  const title = 'RSS per established connection by step';
  return stepChart({ id: 'memory-per-connection', type: 'line', title, notes, steps, datasets, y: { type: 'logarithmic', title: { display: true, text: 'KiB per connection (log)' } }, caption: 'RSS at the end of the stage divided by the connections established; it falls as the fixed base is spread over more connections.' });
}
