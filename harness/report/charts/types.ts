import type { ChartConfiguration } from 'chart.js';

/** A chart.js configuration (any chart type); built by pure functions, drawn by render-chart.ts. */
export type GwChartConfig = ChartConfiguration<any, any, any>;

/** One chart of a report: pure data until the renderer draws it. */
export interface ChartSpec {
  /** File name stem: charts/<id>.png. */
  id: string;
  title: string;
  /** One sentence under the chart in the report: how to read it. */
  caption: string;
  /** What is not drawn and why (invalid / not-reached stages...). Also shown on the chart. */
  notes: string[];
  config: GwChartConfig;
  width: number;
  height: number;
}

/** Vertical lines and shaded x-ranges drawn by the renderer's marks plugin (options.plugins.gwMarks). */
export interface MarksOptions {
  bands: Array<{ from: number; to: number; colour: string; label?: string }>;
  lines: Array<{ x: number; label: string }>;
}
