import type { RunResult, StageResult } from '../../core/result.js';
import type { ThresholdSummary } from './report-model.js';
import { STAGE_METRICS } from './stage-metrics.js';
import { appliesTo, evaluateThreshold, parseThreshold, show, type Threshold, type ThresholdCheck } from './thresholds.js';
import { median } from './stats.js';

/**
 * Absolute thresholds over one or more result files. Functional limits (errors, 5xx) are
 * never statistical: one breaching run is a target failure. Performance limits over
 * several trials use the majority (the median trial), so one disturbed trial on a shared
 * runner neither passes nor fails the gate alone.
 */

/** Default functional limits, replaced by the user's own errors / http_5xx thresholds. */
export function withFunctionalDefaults(ths: readonly Threshold[], maxErrorRate: number): Threshold[] {
  const out = [...ths];
  const has = (names: string[]): boolean => ths.some((t) => names.includes(t.metric) && t.stage === undefined);
  if (!has(['errors', 'error_count'])) out.push({ ...parseThreshold(`errors <= ${maxErrorRate * 100}%`, 'default'), expr: `errors <= ${+(maxErrorRate * 100).toFixed(6)}% (default)` });
  if (!has(['http_5xx'])) out.push({ ...parseThreshold('http_5xx < 1', 'default'), expr: 'http_5xx == 0 (default)' });
  return out;
}

/** True for thresholds on errors / 5xx. */
export function isFunctional(th: Threshold): boolean {
  return STAGE_METRICS.get(th.metric)?.functional === true;
}

/** Stages of a result a threshold is checked on: measured, generator kept up. */
export function checkedStages(result: RunResult): StageResult[] {
  return result.stages.filter((s) => s.status === 'ok');
}

/** Evaluate thresholds on each result; one summary per (threshold, stage). */
export function summarizeThresholds(ths: readonly Threshold[], results: readonly RunResult[]): ThresholdSummary[] {
  const out: ThresholdSummary[] = [];
  for (const th of ths) {
    const stageKeys = new Map<number, string>();
    for (const r of results) for (const s of r.stages) if (appliesTo(th, s)) stageKeys.set(s.index, s.name);
    if (stageKeys.size === 0) {
      out.push({ expr: th.expr, stage: -1, stageName: String(th.stage ?? '*'), functional: isFunctional(th), outcome: 'unavailable', evaluated: 0, breached: 0, message: `${th.expr}: no stage ${JSON.stringify(th.stage)} in the result`, checks: [] });
      continue;
    }
    for (const [index, name] of [...stageKeys].sort((a, b) => a[0] - b[0])) {
      const checks: ThresholdCheck[] = [];
      let unmeasured = 0;
      for (const r of results) {
        const s = r.stages.find((x) => x.index === index);
        if (!s) continue;
        if (s.status === 'ok') checks.push(evaluateThreshold(th, s));
        else if (s.status !== 'not-reached') unmeasured++;
      }
      const evaluated = checks.filter((c) => c.outcome !== 'unavailable');
      const breached = evaluated.filter((c) => c.outcome === 'fail').length;
      const functional = isFunctional(th);
      let outcome: ThresholdSummary['outcome'];
      if (evaluated.length === 0) outcome = unmeasured > 0 ? 'inconclusive' : checks.length > 0 ? 'unavailable' : 'inconclusive';
      else if (functional ? breached > 0 : breached * 2 > evaluated.length) outcome = 'fail';
      else outcome = 'pass';
      let message: string;
      if (results.length > 1 && evaluated.length > 0) {
        const kind = STAGE_METRICS.get(th.metric)!.kind;
        const med = median(evaluated.map((c) => c.actual!));
        message = `${th.expr}: stage ${name}: median ${th.metric} = ${show(kind, med)} over ${evaluated.length} runs, breached in ${breached}${functional ? ' (any breach fails)' : ' (fails when most do)'}`;
      } else {
        const worst = checks.find((c) => c.outcome === 'fail') ?? checks[0];
        message = worst ? worst.message : `${th.expr}: stage ${name} was not measured validly`;
      }
      out.push({ expr: th.expr, stage: index, stageName: name, functional, outcome, evaluated: evaluated.length, breached, message, checks });
    }
  }
  return out;
}
