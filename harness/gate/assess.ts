import type { RunResult } from '../../core/result.js';
import type { Variant } from './order.js';
import type { TrialStage } from './report-model.js';
import { RELATIVE_METRICS } from './relative-metrics.js';
import { checkedStages } from './absolute.js';
import { evaluateThreshold, appliesTo, type Threshold } from './thresholds.js';

/**
 * Checks every trial gets the moment it finishes, before any statistics: did the target
 * fail or break a functional limit (stop: target failure), did the generator keep up
 * (stop: inconclusive). Never a number from a run that cannot be trusted.
 */

export interface TrialAssessment {
  /** 'error': the run itself failed for a reason that is not the target's (exit code in `exitCode`). */
  status: 'ok' | 'invalid' | 'functional-failure' | 'error';
  exitCode?: number;
  notes: string[];
  stages: TrialStage[];
}

/** Assess one trial's result. `functional` = functional thresholds (errors, 5xx) incl. defaults. */
export function assessTrial(result: RunResult, variant: Variant, functional: readonly Threshold[], minAchievedRatio: number): TrialAssessment {
  const notes: string[] = [];
  let failed = false;
  let invalid = false;
  // runScenario never throws once it started: a failed run (gateway did not start, contract
  // check failed, error rate above its limit) is in the result's status and verdict.
  if (result.status === 'failed' || result.verdict?.status === 'target-failure') {
    const why = result.verdict?.reasons?.join('; ') || 'run failed';
    if (result.verdict?.exitCode === 4 || result.verdict?.status === 'target-failure') { failed = true; notes.push(`${variant}: target failure: ${why}`); }
    else return { status: 'error', exitCode: result.verdict?.exitCode ?? 5, notes: [`${variant}: run failed: ${why}`], stages: [] };
  }
  if (result.status === 'interrupted') return { status: 'error', exitCode: 5, notes: [`${variant}: run interrupted`], stages: [] };
  for (const s of result.stages) {
    if (s.status === 'failed') { failed = true; notes.push(`${variant}: stage ${s.name} failed: ${s.reasons.join('; ') || 'target failure'}`); }
    if (s.status === 'invalid') { invalid = true; notes.push(`${variant}: stage ${s.name} invalid (generator did not keep up): ${s.reasons.join('; ') || s.generator?.reasons?.join('; ') || 'no reason given'}`); }
    if (s.status === 'interrupted') { invalid = true; notes.push(`${variant}: stage ${s.name} was interrupted`); }
  }
  for (const s of checkedStages(result)) {
    for (const th of functional) {
      if (!appliesTo(th, s)) continue;
      const c = evaluateThreshold(th, s);
      if (c.outcome === 'fail') { failed = true; notes.push(`${variant}: ${c.message}`); }
    }
    const ratio = s.offeredRps !== null && s.offeredRps > 0 ? s.achievedRps / s.offeredRps : 1;
    if (ratio < minAchievedRatio && s.capacity === undefined) {
      // The base not carrying the offered load means the setup is wrong for this machine;
      // the candidate falling short is what the achieved_rps comparison is for.
      if (variant === 'base') { invalid = true; notes.push(`base: stage ${s.name} achieved ${(ratio * 100).toFixed(1)}% of the offered rate (< ${(minAchievedRatio * 100).toFixed(0)}%): lower the offered rate`); }
      else notes.push(`candidate: stage ${s.name} achieved ${(ratio * 100).toFixed(1)}% of the offered rate`);
    }
  }
  const stages: TrialStage[] = result.stages.map((s) => {
    const metrics: Record<string, number | null> = {};
    for (const m of RELATIVE_METRICS.values()) metrics[m.name] = m.read(s);
    metrics['errors'] = s.errorRate;
    metrics['requests'] = s.requests;
    return { index: s.index, name: s.name, status: s.status, offeredRps: s.offeredRps, achievedRps: s.achievedRps, metrics };
  });
  return { status: failed ? 'functional-failure' : invalid ? 'invalid' : 'ok', notes, stages };
}
