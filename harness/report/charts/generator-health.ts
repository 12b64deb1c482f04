import type { RunResult } from '../../../core/result.js';
import { DEFAULTS } from '../../../core/scenario/defaults.js';
import { parseDuration } from '../../../core/units.js';
import { LIMIT_RED, colourOf } from '../palette.js';
import { stageAt, type ReportData } from '../steps.js';
import { stepChart } from './common.js';
import type { ChartSpec } from './types.js';

/** Values below this are drawn at it, so a zero send lag still shows on the log axis. */
export const HEALTH_FLOOR_MS = 0.01;

/** Limits a result was judged by, and whether they were recorded or are the scenario defaults. */
export interface HealthLimitsUsed {
  sendLagP99Ms: number;
  eventLoopP99Ms: number;
  recorded: boolean;
}

/**
 * The generator limits from a result's scenario: the normalized form
 * (`generator.maxSendLagP99Ms`) or the raw YAML form (`generator.maxSendLagP99: 10ms`);
 * the scenario defaults when the result does not record them.
 */
export function healthLimits(result: RunResult): HealthLimitsUsed {
  const gen = (result.scenario.spec as { generator?: Record<string, unknown> } | null | undefined)?.generator ?? {};
  const ms = (v: unknown): number | null => {
    if (v === undefined || v === null) return null;
    try { return parseDuration(v); } catch { return null; }
  };
  const sendLag = ms(gen['maxSendLagP99Ms']) ?? ms(gen['maxSendLagP99']);
  const loop = ms(gen['maxEventLoopP99Ms']) ?? ms(gen['maxEventLoopP99']);
  return {
    sendLagP99Ms: sendLag ?? parseDuration(DEFAULTS.generator.maxSendLagP99),
    eventLoopP99Ms: loop ?? parseDuration(DEFAULTS.generator.maxEventLoopP99),
    recorded: sendLag !== null && loop !== null,
  };
}

/**
 * Chart 8: generator health per stage: the lag bound (solid) against its allowance (dotted
 * red), and worker event-loop delay p99 (dashed) with its limit line. Unlike the other charts this one DOES draw invalid stages,
 * as large red crosses, because showing why a stage is invalid is its purpose.
 */
export function generatorHealthChart({ results, steps }: ReportData): ChartSpec {
  const notes: string[] = [];
  const datasets: unknown[] = [];
  const limits = results.map(({ result }) => healthLimits(result));
  results.forEach(({ label, result }, i) => {
    const stages = steps.map((step) => stageAt(result, step));
    // A stage that never ran has no generator figures: a gap, not a zero.
    const ran = (s: (typeof stages)[number]) => s !== undefined && s.status !== 'not-reached';
    const style = {
      pointStyle: stages.map((s) => (s && !s.generator.valid ? 'crossRot' : 'circle')),
      pointRadius: stages.map((s) => (s && !s.generator.valid ? 10 : 3)),
      pointBorderWidth: stages.map((s) => (s && !s.generator.valid ? 3 : 1)),
      pointBorderColor: stages.map((s) => (s && !s.generator.valid ? LIMIT_RED : colourOf(results, i))),
    };
    const value = (v: number) => Math.max(v, HEALTH_FLOOR_MS);
    datasets.push({ label: `${label} lag bound`, data: stages.map((s) => (ran(s) && s!.generator.lagBoundMs != null ? value(s!.generator.lagBoundMs) : null)), borderColor: colourOf(results, i), backgroundColor: colourOf(results, i), borderWidth: 2.5, ...style });
    // The allowance max(floor, 5% of the stage's p99) differs per stage: drawn per implementation.
    datasets.push({ label: `${label} allowed bound`, data: stages.map((s) => (ran(s) && s!.generator.lagBoundMs != null ? Math.max(limits[i]!.sendLagP99Ms, 0.05 * s!.latencyMs.p99) : null)), borderColor: LIMIT_RED, backgroundColor: LIMIT_RED, borderDash: [2, 2], borderWidth: 1, pointRadius: 0 });
    datasets.push({ label: `${label} event-loop p99`, data: stages.map((s) => (ran(s) ? value(s!.generator.eventLoopP99Ms) : null)), borderColor: colourOf(results, i), backgroundColor: colourOf(results, i), borderDash: [6, 4], borderWidth: 1.5, ...style });
    steps.forEach((step, k) => {
      const s = stages[k];
      if (s && s.status === 'not-reached') notes.push(`${label} @ ${step.label}: not reached`);
      else if (s && !s.generator.valid) notes.push(`${label} @ ${step.label}: INVALID: ${s.generator.reasons.join('; ') || 'generator fell behind'}`);
    });
  });
  // Limits come from the primary (first) result; a result judged by other limits is named.
  const used = limits[0]!;
  const suffix = used.recorded ? '' : ' (default)';
  datasets.push({ label: `event-loop limit ${used.eventLoopP99Ms} ms${suffix}`, data: steps.map(() => used.eventLoopP99Ms), borderColor: LIMIT_RED, backgroundColor: LIMIT_RED, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0 });
  results.forEach(({ label }, i) => {
    const l = limits[i]!;
    if (l.sendLagP99Ms !== used.sendLagP99Ms || l.eventLoopP99Ms !== used.eventLoopP99Ms) notes.push(`${label} was judged by other limits: lag-bound floor ${l.sendLagP99Ms} ms, event loop ${l.eventLoopP99Ms} ms`);
  });
  const title = 'Load-generator health per stage (red cross = stage INVALID)';
  return stepChart({ id: 'generator-health', type: 'line', title, notes, steps, datasets, y: { type: 'logarithmic', title: { display: true, text: 'ms (log)' } }, caption: `Lag bound = send lag max + event-loop delay max: the most the generator can have added to any request's latency. A stage is valid when it is at most the allowed bound max(floor, 5% of the stage's p99) (dotted red) and the event-loop p99 is under its limit; otherwise it is invalid and not a result. Values below ${HEALTH_FLOOR_MS} ms are drawn at ${HEALTH_FLOOR_MS} ms.` });
}
