import type { LabeledResult } from '../steps.js';
import type { ChartSpec } from './types.js';

/** Engines a result's stages were measured with, in stage order, without repeats. */
export function enginesOf(r: LabeledResult): string[] {
  return [...new Set(r.result.stages.map((s) => s.engine ?? 'gw-bench'))];
}

/** `engine: reference = gw-bench (open model); wrk = autocannon (closed loop)`: one line every chart carries. */
export function engineNote(results: readonly LabeledResult[]): string {
  const kind = (e: string) => (e === 'autocannon' ? 'autocannon (closed loop: latency = service time)' : `${e} (open model: latency from intended send time)`);
  return `engine: ${results.map((r) => `${r.label} = ${enginesOf(r).map(kind).join(' + ')}`).join('; ')}`;
}

/** Results relabelled `label [autocannon]` where a closed-loop engine measured them, so every legend entry says so. */
export function engineLabelled(results: readonly LabeledResult[]): LabeledResult[] {
  return results.map((r) => (enginesOf(r).some((e) => e !== 'gw-bench') ? { ...r, label: `${r.label} [${enginesOf(r).join('+')}]` } : r));
}

/** Add the engine line to a chart's caption and its drawn subtitle (notes are for what is not drawn). */
export function withEngineNote(spec: ChartSpec, note: string): ChartSpec {
  const plugins = (spec.config.options?.plugins ?? {}) as Record<string, { text?: unknown; display?: boolean }>;
  const sub = plugins['subtitle'];
  if (sub) {
    const text = Array.isArray(sub.text) ? sub.text : sub.text ? [sub.text] : [];
    sub.text = [...text, note];
    sub.display = true;
  }
  return { ...spec, caption: `${spec.caption} ${note[0]!.toUpperCase()}${note.slice(1)}.` };
}
