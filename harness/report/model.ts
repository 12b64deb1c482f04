import { buildCharts, type ChartSpec } from './charts/index.js';
import { envDifferences, envRows, ratioTables, type EnvRow, type RatioTable } from './compare.js';
import { stageTables } from './stage-tables.js';
import { reportData, type LabeledResult, type Step } from './steps.js';
import { summarize, summaryLine, type StepSummary } from './summary.js';
import type { Table } from './table.js';

/** Everything a report shows, computed once; the HTML and Markdown renderers only format it. */
export interface ReportModel {
  title: string;
  generatedAt: string;
  results: readonly LabeledResult[];
  /** The stage positions shared across results, computed here once for every chart and table. */
  steps: readonly Step[];
  primary: number;
  envDiffs: EnvRow[];
  envRows: EnvRow[];
  summaries: StepSummary[];
  summaryLines: string[];
  ratios: RatioTable[];
  charts: ChartSpec[];
  tables: Table[];
}

/** Build the report model. `primary` is the index of "ours" (the numerator of ratios). */
export function buildModel(results: readonly LabeledResult[], opts: { title?: string; primary?: number; generatedAt?: string } = {}): ReportModel {
  const primary = opts.primary ?? 0;
  const data = reportData(results);
  const summaries = summarize(data);
  return {
    title: opts.title ?? (results.length > 1 ? `gw-bench comparison: ${results.map((r) => r.label).join(' vs ')}` : `gw-bench report: ${results[0]?.label ?? ''}`),
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    results,
    steps: data.steps,
    primary,
    envDiffs: envDifferences(results),
    envRows: envRows(results),
    summaries,
    summaryLines: summaries.map((s) => summaryLine(s, results)),
    ratios: results.length > 1 ? ratioTables(data, primary) : [],
    charts: buildCharts(data),
    tables: stageTables(data),
  };
}

/**
 * Verdict reasons that are about the run, not one stage: per-stage reasons ("stage 50k
 * INVALID ...") are already on that step's summary line, so they are not repeated.
 */
export function runReasons(reasons: readonly string[]): string[] {
  return reasons.filter((r) => !/^stage \S+ /.test(r));
}
