import type { GateReport } from '../report-model.js';

/**
 * bmf.json in Bencher Metric Format: `{ "<bench>": { "<measure>": { value, lower_value,
 * upper_value } } }`. Benches are `<scenario>/<stage>`. Relative runs give each metric's
 * candidate median (bounds: the candidate trials' range) and its oriented ratio to base
 * (bounds: the bootstrap interval); single results give plain values.
 */

export type Bmf = Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>;

/** Build the BMF document from a gate report. */
export function renderBmf(r: GateReport): Bmf {
  const out: Bmf = {};
  const bench = (stage: string): Record<string, { value: number; lower_value?: number; upper_value?: number }> => (out[`${r.scenario.name}/${stage}`] ??= {});
  const cand = r.trials.filter((t) => t.variant === 'candidate' && (t.status === 'ok'));
  for (const c of r.comparisons) {
    if (c.candidateMedian !== null) {
      const vals = cand.map((t) => t.stages.find((s) => s.index === c.stage)?.metrics[c.metric]).filter((v): v is number => typeof v === 'number');
      bench(c.stageName)[c.metric] = { value: c.candidateMedian, ...(vals.length ? { lower_value: Math.min(...vals), upper_value: Math.max(...vals) } : {}) };
    }
    if (c.ratio !== null) bench(c.stageName)[`${c.metric}_ratio`] = { value: c.ratio, lower_value: c.lower ?? c.ratio, upper_value: c.upper ?? c.ratio };
  }
  if (r.comparisons.length === 0) {
    // Absolute mode: the checked values themselves.
    for (const t of r.thresholds) for (const ch of t.checks) if (ch.actual !== null) bench(ch.stageName)[ch.metric] = { value: ch.actual };
    for (const t of r.trials) for (const s of t.stages) for (const [k, v] of Object.entries(s.metrics)) if (typeof v === 'number') bench(s.name)[k] ??= { value: v };
  }
  return out;
}
