import { buildCharts, type ChartSpec } from './charts/index.js';
import { headline, headlineNotes } from './headline.js';
import { headlineRatioTable, referenceIndex } from './headline-ratios.js';
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
  /** The headline figures against the reference (null with one result). */
  headlineRatios: Table | null;
  /**
   * Every cell or point that is not a result, and every per-chart note, once for the whole
   * report: charts carry only their engine line, so a reason is not repeated under each.
   */
  notes: string[];
  /** The detail charts' own notes (what each leaves out), once for all of them. */
  chartNotes: string[];
}

/** Move the charts' notes into one de-duplicated list; a chart keeps only its engine line. */
function notesOnce(charts: ChartSpec[], first: readonly string[]): { charts: ChartSpec[]; notes: string[]; chartNotes: string[] } {
  const notes = new Set<string>();
  const out = charts.map((c) => {
    for (const n of c.notes) notes.add(n);
    const plugins = (c.config.options?.plugins ?? {}) as Record<string, { text?: unknown; display?: boolean }>;
    const sub = plugins['subtitle'];
    if (sub && Array.isArray(sub.text)) {
      sub.text = (sub.text as string[]).filter((t) => t.startsWith('engine:'));
      sub.display = (sub.text as string[]).length > 0;
    }
    return { ...c, notes: [] };
  });
  return { charts: out, notes: [...first], chartNotes: [...notes].filter((n) => !first.includes(n)) };
}

/** Build the report model. `primary` is the index of "ours" (the numerator of ratios). */
export function buildModel(results: readonly LabeledResult[], opts: { title?: string; primary?: number; generatedAt?: string } = {}): ReportModel {
  const primary = opts.primary ?? 0;
  const data = reportData(results);
  const summaries = summarize(data);
  const h = headline(results);
  const { charts, notes, chartNotes } = notesOnce(buildCharts(data), headlineNotes(h));
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
    charts,
    tables: stageTables(data),
    headlineRatios: headlineRatioTable(h, referenceIndex(results, primary)),
    notes,
    chartNotes,
  };
}

/**
 * Verdict reasons that are about the run, not one stage: per-stage reasons ("stage 50k
 * INVALID ...") are already on that step's summary line, so they are not repeated.
 */
export function runReasons(reasons: readonly string[]): string[] {
  return reasons.filter((r) => !/^stage \S+ /.test(r));
}
