import { colourOf, withAlpha } from '../palette.js';
import { omittedNotes, perStep, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

const MIB = 1024 * 1024;

/**
 * Chart 6a: RSS per step, one bar per implementation. The dark part is heap used, the light
 * part the rest of RSS, so the bar's height is RSS and the dark share is the residency.
 */
export function memoryRssChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const toMiB = (b: number | null) => (b === null ? null : b / MIB);
  const datasets = results.flatMap(({ label, result }, i) => {
    const heapKnown = result.stages.some((s) => s.memory.heapUsedBytes !== null);
    if (!heapKnown) notes.push(`${label}: heap not available (${result.stages[0]?.memory.heapSource ?? 'unknown'}), bar is RSS only`);
    return [
      { label: `${label} heap used`, stack: label, data: perStep(result, steps, (s) => toMiB(s.memory.heapUsedBytes)), backgroundColor: colourOf(results, i) },
      {
        label: heapKnown ? `${label} RSS beyond heap` : `${label} RSS`,
        stack: label,
        data: perStep(result, steps, (s) => (s.memory.rssBytes === null ? null : toMiB(s.memory.rssBytes - (s.memory.heapUsedBytes ?? 0)))),
        backgroundColor: withAlpha(colourOf(results, i), heapKnown ? 0.3 : 0.8),
        borderColor: colourOf(results, i),
        borderWidth: 1,
      },
    ].filter((d) => d.data.some((v) => v !== null));
  });
  const title = 'Resident memory (RSS of the whole process tree) by step';
  return stepChart({ id: 'memory-rss', type: 'bar', stacked: true, title, notes, steps, datasets, y: { beginAtZero: true, title: { display: true, text: 'MiB' } }, caption: 'Bar height = RSS at the end of the stage (sum over the target\'s processes); dark part = heap used.' });
}
