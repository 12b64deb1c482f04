import { withAlpha } from '../palette.js';
import type { Step } from '../steps.js';
import type { ChartSpec, GwChartConfig } from './types.js';

/** Chart size in CSS pixels; the renderer draws at 2x for sharp text. */
export const WIDTH = 900;
export const HEIGHT = 420;

/** Title, subtitle (notes about what is omitted) and legend every chart shares. */
export function basePlugins(title: string, notes: readonly string[]): Record<string, unknown> {
  return {
    title: { display: true, text: title, font: { size: 16, weight: 'bold' } },
    subtitle: {
      display: notes.length > 0,
      text: notes.length > 4 ? [...notes.slice(0, 4), `(+${notes.length - 4} more, see tables)`] : [...notes],
      color: '#6d4c41',
      font: { size: 11, style: 'italic' },
      padding: { bottom: 6 },
    },
    legend: { position: 'bottom', labels: { boxWidth: 24, font: { size: 11 } } },
  };
}

/**
 * A report chart: the standard size, and the title and notes drawn on it as well
 * (basePlugins). `plugins` adds chart-specific plugin options (e.g. gwMarks).
 */
export function chartSpec(o: {
  id: string; title: string; caption: string; notes: string[];
  type: 'line' | 'bar'; data: unknown; options: Record<string, unknown>; plugins?: Record<string, unknown>;
}): ChartSpec {
  const config = { type: o.type, data: o.data, options: { ...o.options, plugins: { ...basePlugins(o.title, o.notes), ...o.plugins } } };
  return { id: o.id, title: o.title, caption: o.caption, notes: o.notes, width: WIDTH, height: HEIGHT, config: config as GwChartConfig };
}

/**
 * A chart with one x position per step (ReportData.steps), the shape of most report
 * charts; `stacked` stacks bars on both axes.
 */
export function stepChart(o: {
  id: string; title: string; caption: string; notes: string[]; steps: readonly Step[]; datasets: unknown[];
  type: 'line' | 'bar'; stacked?: boolean; y: Record<string, unknown>;
}): ChartSpec {
  const stack = o.stacked ? { stacked: true } : {};
  const scales = { x: { ...stack, title: { display: true, text: 'step' } }, y: { ...stack, ...o.y } };
  const data = { labels: o.steps.map((s) => s.label), datasets: o.datasets };
  return chartSpec({ id: o.id, title: o.title, caption: o.caption, notes: o.notes, type: o.type, data, options: { scales } });
}

/** A logarithmic y axis in milliseconds. */
export function logMsAxis(title: string): Record<string, unknown> {
  return { type: 'logarithmic', title: { display: true, text: title } };
}


/** A faded, dotted, hollow-point series for values of invalid stages (never styled like a result). */
export function invalidSeries(label: string, data: Array<number | null>, colour: string): Record<string, unknown> | null {
  if (!data.some((v) => v !== null)) return null;
  // Faded implementation colour, hollow and dotted: whose it is stays readable, but it never looks like a result.
  return { label: `${label} (INVALID stage, not a result)`, data, borderColor: withAlpha(colour, 0.45), backgroundColor: 'rgba(0,0,0,0)', borderDash: [2, 4], borderWidth: 1, pointRadius: 6, pointBorderWidth: 2, pointStyle: 'circle', showLine: true, spanGaps: false };
}
