import type { RunResult, StageResult } from '../../core/result.js';
import type { LabeledResult } from './steps.js';

/**
 * The headline comparison (issue 16): six figures per implementation and connection step,
 * each read from one stage of a recorded result. Capacity comes from the step's
 * `rate: capacity` stage; every other figure from the step's stage at the fixed rate (the
 * offered rate most stages of the compared results share), so all implementations are
 * compared under the same load. A cell that is not a result says why in words; the report
 * and the README list those words once (headlineNotes), not under every chart.
 */
export type HeadlineMetricId = 'capacity' | 'p99-fixed' | 'rss-per-connection' | 'heap-residency' | 'upstream-reuse' | 'cpu-per-request';

export interface HeadlineCell {
  /** The figure (unit of the metric), or null when this cell is not a result. */
  value: number | null;
  /** Capacity only: the lowest failing probe above the capacity (the bracket's top), null when none failed. */
  above?: number | null;
  /** Why there is no value (one line), null when there is one. */
  why: string | null;
  /** The measured figure of an invalid stage, shown in brackets, never as a result. */
  shadow?: number | null;
  /** p99 only: the stage's error rate and achieved rate, shown when they qualify the figure. */
  errorRate?: number;
  achievedRps?: number;
}

export interface HeadlineMetric {
  id: HeadlineMetricId;
  title: string;
  unit: string;
  /** Which way is better, for ratio tables. */
  better: 'higher' | 'lower';
  /** cells[result][step]. */
  cells: HeadlineCell[][];
}

export interface Headline {
  labels: string[];
  /** Connection counts on the x axis, ascending. */
  steps: number[];
  /** The fixed offered rate (req/s) of every non-capacity figure; null when no result has a fixed-rate stage. */
  fixedRps: number | null;
  metrics: HeadlineMetric[];
}

/** The offered rate a stage was planned with (the scenario's), 'capacity', or null when the result does not say. */
export function plannedRate(result: RunResult, stage: StageResult): number | 'capacity' | null {
  if (stage.capacity) return 'capacity';
  const spec = result.scenario.spec as { load?: { stages?: Array<{ name?: string; rate?: unknown }> } } | undefined;
  const rate = spec?.load?.stages?.find((s) => s.name === stage.name)?.rate;
  return typeof rate === 'number' || rate === 'capacity' ? rate : null;
}

/** The rate most fixed-rate stages share across the results (ties: the lowest, which every implementation is likelier to sustain). */
export function fixedRate(results: readonly LabeledResult[]): number | null {
  const n = new Map<number, number>();
  for (const { result } of results) {
    for (const s of result.stages) {
      const r = plannedRate(result, s);
      if (typeof r === 'number') n.set(r, (n.get(r) ?? 0) + 1);
    }
  }
  const best = [...n.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return best ? best[0] : null;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function notAResult(s: StageResult): string {
  const first = s.reasons[0] ? `: ${s.reasons[0]}` : '';
  switch (s.status) {
    case 'invalid': return `invalid (the generator fell behind${first ? `; ${s.reasons[0]}` : ''})`;
    case 'not-reached': return `not reached${first}`;
    default: return `${s.status}${first}`;
  }
}

interface MetricDef {
  id: HeadlineMetricId; title: string; unit: string; better: 'higher' | 'lower';
  /** The figure of an ok stage, or a reason it has none. */
  pick: (s: StageResult, r: RunResult) => number | { why: string } | null;
}

const v1 = (r: RunResult): boolean => (r.schemaVersion as number) === 1;

const FIXED_METRICS: MetricDef[] = [
  { id: 'p99-fixed', title: 'p99 at the fixed rate', unit: 'ms', better: 'lower', pick: (s) => s.latencyMs.p99 },
  {
    id: 'rss-per-connection', title: 'RSS per connection', unit: 'KiB', better: 'lower',
    pick: (s) => (s.memory.rssPerConnectionBytes === null ? { why: 'RSS per connection not measured (no established-connection count)' } : s.memory.rssPerConnectionBytes / 1024),
  },
  {
    id: 'heap-residency', title: 'heap residency (heap used / RSS)', unit: '%', better: 'higher',
    pick: (s) => (s.memory.residency === null ? { why: `heap residency not measurable (${s.memory.heapSource})` } : s.memory.residency * 100),
  },
  {
    id: 'upstream-reuse', title: 'upstream-side connection reuse', unit: '%', better: 'higher',
    pick: (s, r) => (s.reuse.upstream === null ? { why: 'upstream reuse not counted' } : v1(r) ? { why: 'upstream reuse not comparable (schemaVersion 1 result: counted over ramp, warm-up and drain, not the window)' } : s.reuse.upstream * 100),
  },
  {
    id: 'cpu-per-request', title: 'CPU per request', unit: 'µs', better: 'lower',
    pick: (s) => (s.cpu?.perRequestUs == null ? { why: `CPU per request ${s.cpu?.reason ?? 'not recorded'}` } : s.cpu.perRequestUs),
  },
];

function fixedCell(r: RunResult, conns: number, rps: number | null, def: MetricDef): HeadlineCell {
  const at = r.stages.filter((s) => s.connections === conns);
  if (at.length === 0) return { value: null, why: 'not in this recording' };
  // A result that does not say its planned rates (no scenario spec) is taken at its word: any fixed-rate stage.
  const s = at.find((x) => !x.capacity && plannedRate(r, x) === rps) ?? at.find((x) => !x.capacity && plannedRate(r, x) === null);
  if (!s) return { value: null, why: `no stage at the fixed ${rps ?? '?'}/s at this step` };
  const got = s.status === 'ok' || s.status === 'invalid' ? def.pick(s, r) : null;
  if (s.status !== 'ok') return { value: null, why: notAResult(s), shadow: typeof got === 'number' ? got : null };
  if (got === null || typeof got === 'object') return { value: null, why: got?.why ?? 'not measured' };
  return def.id === 'p99-fixed' ? { value: got, why: null, errorRate: s.errorRate, achievedRps: s.achievedRps } : { value: got, why: null };
}

function capacityCell(r: RunResult, conns: number): HeadlineCell {
  const s = r.stages.find((x) => x.connections === conns && x.capacity);
  if (!s) return { value: null, why: r.stages.some((x) => x.connections === conns) ? 'no capacity search at this step' : 'not in this recording' };
  if (s.status !== 'ok') return { value: null, why: notAResult(s), shadow: s.capacity?.rps ?? null };
  const cap = s.capacity!;
  if (cap.rps === null) return { value: null, why: `no probe met the SLO (p99 <= ${cap.sloP99Ms} ms, errors <= ${pct(cap.maxErrorRate)})` };
  const failed = cap.probes.filter((p) => !p.ok && p.rate > cap.rps!).map((p) => p.rate);
  return { value: cap.rps, above: failed.length ? Math.min(...failed) : null, why: null };
}

/** The six headline figures for every result and connection step. */
export function headline(results: readonly LabeledResult[]): Headline {
  const steps = [...new Set(results.flatMap(({ result }) => result.stages.map((s) => s.connections)))].sort((a, b) => a - b);
  const rps = fixedRate(results);
  const capacity: HeadlineMetric = {
    id: 'capacity', title: 'capacity within the SLO', unit: 'req/s', better: 'higher',
    cells: results.map(({ result }) => steps.map((c) => capacityCell(result, c))),
  };
  const fixed = FIXED_METRICS.map((d): HeadlineMetric => ({
    id: d.id, title: d.id === 'p99-fixed' && rps !== null ? `p99 at ${rps} req/s` : d.title, unit: d.unit, better: d.better,
    cells: results.map(({ result }) => steps.map((c) => fixedCell(result, c, rps, d))),
  }));
  return { labels: results.map((r) => r.label), steps, fixedRps: rps, metrics: [capacity, ...fixed] };
}

/** "1k", "100k", "1500". */
export function connLabel(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** Does any cell of the metric carry a figure (a result, or an invalid stage's bracketed one)? */
export function hasFigures(m: HeadlineMetric): boolean {
  return m.cells.some((row) => row.some((c) => c.value !== null || c.shadow != null));
}

/**
 * Every cell that is not a result, explained once: cells with the same reason are merged
 * over steps, metrics and implementations ("java @ 25k, 50k, 100k: not reached ..."); a
 * reason that holds at every step names no steps. Metrics with no figure at all are left
 * to the caller (one line each), not listed cell by cell.
 */
export function headlineNotes(h: Headline): string[] {
  const byWhy = new Map<string, Map<string, Set<number>>>();
  for (const m of h.metrics.filter(hasFigures)) {
    m.cells.forEach((row, i) => row.forEach((cell, k) => {
      if (cell.why === null || cell.why === 'not in this recording') return;
      const labels = byWhy.get(cell.why) ?? new Map<string, Set<number>>();
      const steps = labels.get(h.labels[i]!) ?? new Set<number>();
      steps.add(h.steps[k]!);
      labels.set(h.labels[i]!, steps);
      byWhy.set(cell.why, labels);
    }));
  }
  const out: string[] = [];
  for (const [why, labels] of byWhy) {
    // Implementations with the same steps share one line.
    const bySteps = new Map<string, string[]>();
    for (const [label, steps] of labels) {
      const key = steps.size === h.steps.length ? '' : ` @ ${[...steps].sort((a, b) => a - b).map(connLabel).join(', ')}`;
      bySteps.set(key, [...(bySteps.get(key) ?? []), label]);
    }
    for (const [at, names] of bySteps) out.push(`${names.join(', ')}${at}: ${why}`);
  }
  return out;
}

/** A figure in its metric's unit, for tables. */
export function formatFigure(m: HeadlineMetric, v: number): string {
  switch (m.unit) {
    case 'ms': return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toPrecision(3)} ms`;
    case '%': return `${v.toFixed(1)}%`;
    case 'KiB': return `${v.toFixed(1)} KiB`;
    case 'µs': return `${v.toFixed(0)} µs`;
    default: return `${Math.round(v)}/s`;
  }
}

/** One table cell: the figure (capacity with its bracket), or a short word for a cell that is not a result. */
export function formatCell(m: HeadlineMetric, c: HeadlineCell): string {
  if (c.value !== null) {
    if (m.id === 'capacity') return c.above == null ? `>= ${formatFigure(m, c.value)}` : `${formatFigure(m, c.value)} (< ${c.above})`;
    const errors = c.errorRate ? `, ${(c.errorRate * 100).toFixed(c.errorRate < 0.001 ? 2 : 1)}% errors` : '';
    return formatFigure(m, c.value) + errors;
  }
  const word = /^invalid/.test(c.why ?? '') ? 'invalid' : /^not reached/.test(c.why ?? '') ? 'not reached' : /^not in this recording/.test(c.why ?? '') ? '-' : 'n/a';
  return c.shadow != null && word === 'invalid' ? `invalid* (${formatFigure(m, c.shadow)})` : `${word}*`.replace('-*', '-');
}
