import type { StageResult } from '../../core/result.js';
import { isMeasured, shortStatus, stageAt, type LabeledResult, type ReportData, type Step } from './steps.js';
import type { Table } from './table.js';

/** A metric compared as ours / theirs. */
interface Metric {
  name: string;
  better: 'lower' | 'higher';
  pick: (s: StageResult) => number | null;
}

/** The metrics of the ratio table, in order. */
export const RATIO_METRICS: readonly Metric[] = [
  { name: 'p50', better: 'lower', pick: (s) => s.latencyMs.p50 },
  { name: 'p90', better: 'lower', pick: (s) => s.latencyMs.p90 },
  { name: 'p99', better: 'lower', pick: (s) => s.latencyMs.p99 },
  { name: 'p99.9', better: 'lower', pick: (s) => s.latencyMs.p999 },
  { name: 'max', better: 'lower', pick: (s) => s.latencyMs.max },
  { name: 'service-time p99', better: 'lower', pick: (s) => s.serviceTimeMs.p99 },
  { name: 'achieved req/s', better: 'higher', pick: (s) => s.achievedRps },
  { name: 'capacity at SLO', better: 'higher', pick: (s) => s.capacity?.rps ?? null },
  { name: 'error rate', better: 'lower', pick: (s) => s.errorRate },
  { name: 'RSS', better: 'lower', pick: (s) => s.memory.rssBytes },
  { name: 'RSS / conn', better: 'lower', pick: (s) => s.memory.rssPerConnectionBytes },
  { name: 'client reuse', better: 'higher', pick: (s) => s.reuse.client },
  { name: 'upstream reuse', better: 'higher', pick: (s) => s.reuse.upstream },
];

/** One cell of a ratio table: the ratio (null when there is none) and its text. */
export interface RatioCell {
  ratio: number | null;
  text: string;
}

export interface RatioTable {
  ours: string;
  theirs: string;
  steps: readonly Step[];
  rows: Array<{ metric: string; better: 'lower' | 'higher'; cells: RatioCell[] }>;
}

function cell(ours: StageResult | undefined, theirs: StageResult | undefined, m: Metric): RatioCell {
  if (!isMeasured(ours) && !isMeasured(theirs) && shortStatus(ours) === shortStatus(theirs)) return { ratio: null, text: `both ${shortStatus(ours)}` };
  if (!isMeasured(ours)) return { ratio: null, text: `ours ${shortStatus(ours)}` };
  if (!isMeasured(theirs)) return { ratio: null, text: `theirs ${shortStatus(theirs)}` };
  const a = m.pick(ours);
  const b = m.pick(theirs);
  if (a === null || b === null) return { ratio: null, text: 'n/a' };
  if (a === 0 && b === 0) return { ratio: 1, text: 'both 0' };
  if (b === 0) return { ratio: null, text: m.name === 'error rate' ? `${(a * 100).toFixed(3)}% vs 0` : `${a} vs 0` };
  const r = a / b;
  return { ratio: r, text: `${r.toFixed(2)}x` };
}

/** Ours / theirs per metric per step, one table for each result other than the primary. */
export function ratioTables({ results, steps }: ReportData, primary: number): RatioTable[] {
  const ours = results[primary]!;
  return results.filter((_, i) => i !== primary).map((theirs) => ({
    ours: ours.label,
    theirs: theirs.label,
    steps,
    rows: RATIO_METRICS.map((m) => ({
      metric: m.name,
      better: m.better,
      cells: steps.map((step) => cell(stageAt(ours.result, step), stageAt(theirs.result, step), m)),
    })),
  }));
}

/** A ratio table as a printable table. */
export function ratioAsTable(t: RatioTable): Table {
  return {
    title: `${t.ours} / ${t.theirs}`,
    note: `Each cell is ${t.ours}'s value divided by ${t.theirs}'s at the same step. For latency, errors and memory below 1.00x is better for ${t.ours}; for rates and reuse above 1.00x is.`,
    columns: ['metric', 'better', ...t.steps.map((s) => s.label)],
    rows: t.rows.map((r) => [r.metric, r.better, ...r.cells.map((c) => c.text)]),
  };
}

/** One environment field across results, and whether it makes absolute numbers incomparable. */
export interface EnvRow {
  field: string;
  values: string[];
  /** Differs AND matters for comparability (a different date or hostname alone does not). */
  differs: boolean;
}

type EnvField = [string, (r: LabeledResult) => string, boolean];

const ENV_FIELDS: EnvField[] = [
  ['CPU model', (r) => r.result.env.cpuModel, true],
  ['cores', (r) => String(r.result.env.cores), true],
  ['memory', (r) => `${(r.result.env.memTotalBytes / 1024 ** 3).toFixed(1)} GiB`, true],
  ['kernel', (r) => r.result.env.kernel, true],
  ['os', (r) => r.result.env.os, true],
  ['node', (r) => r.result.env.node, true],
  ['placement gateway', (r) => r.result.env.placement.gateway ?? 'none', true],
  ['placement upstreams', (r) => r.result.env.placement.upstreams ?? 'none', true],
  ['placement generator', (r) => r.result.env.placement.generator ?? 'none', true],
  ['placement method', (r) => r.result.env.placement.method, true],
  ['fd limit', (r) => String(r.result.env.fdLimit ?? 'unknown'), true],
  ['git sha', (r) => `${r.result.env.gitSha ?? 'unknown'}${r.result.env.gitDirty ? ' (dirty)' : ''}`, true],
  ['scenario', (r) => `${r.result.scenario.name}${r.result.scenario.quick ? ' (quick)' : ''}`, true],
  ['gw-bench version', (r) => r.result.tool.version, true],
  ['hostname', (r) => r.result.env.hostname, false],
  ['date', (r) => r.result.env.date, false],
  ['target', (r) => `${r.result.target.impl} ${r.result.target.version}`, false],
  ['target command', (r) => r.result.target.command, false],
  ['target workers', (r) => String(r.result.target.workers ?? 'unknown'), false],
];

/** Every environment field for every result; runtime versions differ only when the same runtime has different versions. */
export function envRows(results: readonly LabeledResult[]): EnvRow[] {
  const rows = ENV_FIELDS.map(([field, get, matters]) => {
    const values = results.map(get);
    return { field, values, differs: matters && new Set(values).size > 1 };
  });
  const runtimes = [...new Set(results.flatMap((r) => Object.keys(r.result.env.runtimes)))].sort();
  for (const rt of runtimes) {
    const values = results.map((r) => r.result.env.runtimes[rt] ?? '-');
    const known = values.filter((v) => v !== '-');
    rows.push({ field: `runtime ${rt}`, values, differs: new Set(known).size > 1 });
  }
  return rows;
}

/** Only the fields that differ in a way that matters. Empty means the results are comparable. */
export function envDifferences(results: readonly LabeledResult[]): EnvRow[] {
  return results.length < 2 ? [] : envRows(results).filter((r) => r.differs);
}

/** The warning printed above everything when environments differ. */
export const ENV_WARNING = 'Results from different machines or setups are not comparable in absolute terms.';
