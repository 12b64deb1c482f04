import { colourOf } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/** Chart 6c: heap residency = heap used / RSS (percent) per step; the seed's RSS / heap is in the tables. */
export function memoryResidencyChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets = results.map(({ label, result }, i) => ({
    label,
    data: perStep(result, steps, (s) => (s.memory.residency === null ? null : +(s.memory.residency * 100).toFixed(2))),
    borderColor: colourOf(results, i),
    backgroundColor: colourOf(results, i),
    borderWidth: 2.5,
    pointRadius: 3,
  }));
  for (const { label, result } of results) {
    if (result.stages.every((s) => s.memory.residency === null)) {
      const why = result.stages.find((s) => s.memory.heapSource.startsWith('not '))?.memory.heapSource;
      notes.push(`${label}: residency not available (${why ?? 'no heap figure'})`);
    }
  }
  const title = 'Heap residency (heap used / RSS) by step';
  return stepChart({ id: 'memory-residency', type: 'line', title, notes, steps, datasets, y: { min: 0, max: 100, title: { display: true, text: 'heap used / RSS (%)' } }, caption: 'Residency = heapUsed / RSS: the share of resident memory that is live heap. The seed article\'s ratio RSS / heapUsed is its inverse (tables show both).' });
}
