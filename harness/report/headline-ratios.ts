import { connLabel, hasFigures, type Headline, type HeadlineCell } from './headline.js';
import type { LabeledResult } from './steps.js';
import type { Table } from './table.js';

/**
 * The headline figures as ratios against the reference gateway: one row per figure and
 * implementation, one column per connection step. Which result is "the reference": the one
 * whose target is the reference gateway, else the report's primary result.
 */
export function referenceIndex(results: readonly LabeledResult[], primary: number): number {
  const i = results.findIndex((r) => r.result.target.impl === 'reference');
  return i >= 0 ? i : primary;
}

function ratioText(a: HeadlineCell, b: HeadlineCell): string {
  if (a.value === null) return '-*';
  if (b.value === null) return 'ref -*';
  if (b.value === 0) return a.value === 0 ? '1.00x' : 'ref 0';
  return `${(a.value / b.value).toFixed(2)}x`;
}

/** null with fewer than two results. */
export function headlineRatioTable(h: Headline, ref: number): Table | null {
  if (h.labels.length < 2) return null;
  const refLabel = h.labels[ref]!;
  const rows: string[][] = [];
  // A figure no result has (e.g. capacity in results recorded without capacity stages) is one line in the note, not a row of gaps.
  const absent = h.metrics.filter((m) => !hasFigures(m)).map((m) => m.title);
  for (const m of h.metrics.filter(hasFigures)) {
    m.cells.forEach((row, i) => {
      if (i === ref) return;
      rows.push([m.title, m.better === 'higher' ? 'higher' : 'lower', h.labels[i]!, ...row.map((c, k) => ratioText(c, m.cells[ref]![k]!))]);
    });
  }
  return {
    title: `Against the reference (${refLabel})`,
    note: `Each cell is the implementation's figure divided by ${refLabel}'s at the same connection step; "better" says which way is better for the implementation. -* = the implementation has no result there, ref -* = ${refLabel} has none (why: "Not results" below).${absent.length ? ` No figure in any of these results: ${absent.join(', ')}.` : ''}`,
    columns: ['figure', 'better', 'implementation', ...h.steps.map(connLabel)],
    rows,
    labelColumns: 3,
  };
}
