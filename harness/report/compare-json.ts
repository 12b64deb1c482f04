import type { EnvRow } from './compare.js';
import { headline, headlineNotes } from './headline.js';
import type { LabeledResult } from './steps.js';

/**
 * `compare --json`: one document with what the report shows in its ratio table, per
 * result and stage (matched by stage name): p50, p99, achieved req/s and error rate, and
 * each one's ratio to the primary ("ours") result. Null where a stage was not measured.
 * `headline`: the six figures by connection count (docs/metrics.md, the headline
 * comparison), each cell a value or the reason it has none, and those reasons once.
 */
export function compareDocument(o: { results: LabeledResult[]; primary: number; envDiffs: EnvRow[]; outDir: string; html: string; md: string; charts: string[] }): unknown {
  const ours = o.results[o.primary]!;
  const stageOf = (r: LabeledResult, name: string) => r.result.stages.find((s) => s.name === name && (s.status === 'ok' || s.status === 'invalid'));
  const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null || b === 0 ? null : a / b);
  const h = headline(o.results);
  return {
    headline: {
      connections: h.steps, fixedRps: h.fixedRps,
      metrics: h.metrics.map((m) => ({ id: m.id, title: m.title, unit: m.unit, better: m.better, byLabel: Object.fromEntries(m.cells.map((row, i) => [h.labels[i]!, row])) })),
      notes: headlineNotes(h),
    },
    outDir: o.outDir, html: o.html, markdown: o.md, charts: o.charts,
    primary: ours.label,
    environmentDifferences: o.envDiffs,
    results: o.results.map((r) => ({
      label: r.label, file: r.file ?? null, impl: r.result.target.impl, status: r.result.status,
      stages: r.result.stages.map((s) => {
        const m = stageOf(r, s.name);
        const base = stageOf(ours, s.name);
        const vals = m ? { p50Ms: m.latencyMs.p50, p99Ms: m.latencyMs.p99, achievedRps: m.achievedRps, errorRate: m.errorRate } : null;
        return {
          name: s.name, status: s.status, ...(vals ?? { p50Ms: null, p99Ms: null, achievedRps: null, errorRate: null }),
          ratioToPrimary: vals && base ? { p50: ratio(vals.p50Ms, base.latencyMs.p50), p99: ratio(vals.p99Ms, base.latencyMs.p99), achievedRps: ratio(vals.achievedRps, base.achievedRps) } : null,
        };
      }),
    })),
  };
}
