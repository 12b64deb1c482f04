import { isCounted, isExpected } from '../error-kinds.js';
import { kindColour } from '../palette.js';
import { stageAt, statusWords, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/**
 * Chart 4: errors in the measurement window per step, stacked by kind, one stack per
 * implementation. Failed stages are drawn (their errors are the point); invalid and
 * not-reached ones are not.
 */
export function errorsByStepChart({ results, steps }: ReportData): ChartSpec {
  const notes: string[] = [];
  const all = [...new Set(results.flatMap(({ result }) => result.stages.flatMap((s) => Object.keys(s.errors))))].sort();
  const kinds = all.filter(isCounted);
  const expected = all.filter(isExpected);
  if (expected.length) notes.push(`not drawn: ${expected.join(', ')} (answers the request mix asked for, not errors)`);
  const drawn = (status: string | undefined) => status === 'ok' || status === 'failed';
  for (const { label, result } of results) {
    for (const step of steps) {
      const s = stageAt(result, step);
      if (s && !drawn(s.status)) notes.push(`${label} @ ${step.label}: ${statusWords(s)}`);
    }
  }
  const datasets = results.flatMap(({ label, result }) => kinds.map((kind, k) => ({
    label: `${label}: ${kind}`,
    stack: label,
    data: steps.map((step) => {
      const s = stageAt(result, step);
      return s && drawn(s.status) ? s.errors[kind] ?? 0 : null;
    }),
    backgroundColor: kindColour(k),
    borderColor: '#ffffff',
    borderWidth: 1,
  }))).filter((d) => d.data.some((v) => v !== null && v > 0));
  if (datasets.length === 0) notes.unshift('no errors recorded in any drawn stage');
  const order = results.map((r) => r.label).join(' | ');
  const title = `Errors by kind per step (bars left to right: ${order})`;
  return stepChart({ id: 'errors-by-step', type: 'bar', stacked: true, title, notes, steps, datasets, y: { beginAtZero: true, title: { display: true, text: 'errors' } }, caption: 'Error counts in each stage\'s measurement window, stacked by kind (HTTP errors by class; exact statuses are in the tables); one bar per implementation.' });
}
