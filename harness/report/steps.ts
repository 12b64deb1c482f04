import type { RunResult, StageResult } from '../../core/result.js';

/** One result in a report, with the name it is shown under. */
export interface LabeledResult {
  label: string;
  result: RunResult;
  file?: string;
}

/**
 * A step is one stage position shared across results (e.g. "10k connections"). Stages are
 * matched by name, because every implementation in a comparison runs the same scenario;
 * a stage only one result has still gets its own step.
 */
export interface Step {
  key: string;
  label: string;
  connections: number;
}

/**
 * What every chart and table of a report reads: the results and their steps. Built once by
 * the report model (model.ts), so every chart and table agrees on the steps and their order.
 */
export interface ReportData {
  results: readonly LabeledResult[];
  steps: readonly Step[];
}

/** The results with their steps; the model calls this once per report. */
export function reportData(results: readonly LabeledResult[]): ReportData {
  return { results, steps: stepsOf(results) };
}

/** Every step across the results, in the order first seen (the primary result first). */
function stepsOf(results: readonly LabeledResult[]): Step[] {
  const seen = new Map<string, Step>();
  for (const { result } of results) {
    for (const s of result.stages) {
      if (!seen.has(s.name)) seen.set(s.name, { key: s.name, label: stepLabel(s), connections: s.connections });
    }
  }
  return [...seen.values()];
}

function stepLabel(s: StageResult): string {
  const conns = `${formatConns(s.connections)} conn`;
  return s.name === formatConns(s.connections) || s.name === conns ? conns : `${s.name} (${conns})`;
}

function formatConns(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** The stage of `result` at `step`, if it has one. */
export function stageAt(result: RunResult, step: Step): StageResult | undefined {
  return result.stages.find((s) => s.name === step.key);
}

/** Only 'ok' stages are results; invalid, not-reached, failed and interrupted ones are not. */
export function isMeasured(stage: StageResult | undefined): stage is StageResult {
  return stage !== undefined && stage.status === 'ok';
}

/** Human words for a stage that is not a result ("not reached", "invalid"...), or null for ok. */
export function statusWords(stage: StageResult | undefined): string | null {
  if (!stage) return 'not in this run';
  switch (stage.status) {
    case 'ok': return null;
    case 'invalid': return 'invalid (generator fell behind)';
    case 'not-reached': return 'not reached';
    case 'failed': return 'failed';
    case 'interrupted': return 'interrupted';
  }
}

/** One or two words for a stage that is not a result (for table cells): invalid, not reached, absent... */
export function shortStatus(stage: StageResult | undefined): string {
  if (!stage) return 'not in run';
  return stage.status === 'not-reached' ? 'not reached' : stage.status;
}

/**
 * Notes for a chart listing every (implementation, step) that is not drawn as a result, so
 * an omitted point is never mistaken for zero.
 */
export function omittedNotes(results: readonly LabeledResult[], steps: readonly Step[]): string[] {
  const notes: string[] = [];
  for (const { label, result } of results) {
    for (const step of steps) {
      const stage = stageAt(result, step);
      if (!stage) continue;
      const words = statusWords(stage);
      if (words) notes.push(`${label} @ ${step.label}: ${words}`);
    }
  }
  return notes;
}

/** Value of `pick` for every step: null where the stage is not a result. */
export function perStep(result: RunResult, steps: readonly Step[], pick: (s: StageResult) => number | null | undefined): Array<number | null> {
  return steps.map((step) => {
    const stage = stageAt(result, step);
    if (!isMeasured(stage)) return null;
    const v = pick(stage);
    return v === undefined || v === null || !Number.isFinite(v) ? null : v;
  });
}

/**
 * Value of `pick` only at steps whose stage was measured but is INVALID (generator fell
 * behind): drawn as a grey hollow "not a result" series so an all-invalid run is not a blank
 * chart. Not-reached stages have no figures and stay gaps.
 */
export function perStepInvalid(result: RunResult, steps: readonly Step[], pick: (s: StageResult) => number | null | undefined): Array<number | null> {
  return steps.map((step) => {
    const stage = stageAt(result, step);
    if (!stage || stage.status !== 'invalid') return null;
    const v = pick(stage);
    return v === undefined || v === null || !Number.isFinite(v) ? null : v;
  });
}

/** Make labels unique ("go", "go#2") so charts and tables never merge two results. */
export function uniqueLabels<T extends { label: string }>(items: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = (seen.get(it.label) ?? 0) + 1;
    seen.set(it.label, n);
    return n === 1 ? it : { ...it, label: `${it.label}#${n}` };
  });
}
