import type { RunResult, StageResult } from '../../core/result.js';
import { incompleteHeadline } from '../verdict.js';

/**
 * A schemaVersion 1 result read as version 2, in memory (the file is never rewritten).
 * v1 had no lag bound, no CPU per request, and called a run with invalid stages `pass`:
 * those become "not recorded" and `incomplete`, so old and new files compare honestly.
 */
export function upgradeResult(doc: RunResult): RunResult {
  if ((doc.schemaVersion as number) !== 1) return doc;
  const stages = doc.stages.map((s): StageResult => ({
    ...s,
    generator: { ...s.generator, lagBoundMs: s.generator.lagBoundMs ?? null, lagBoundRule: s.generator.lagBoundRule ?? 'not recorded (schemaVersion 1 result: judged by the old send-lag p99 limit)' },
    cpu: s.cpu ?? { targetSeconds: null, perRequestUs: null, processes: null, reason: 'not recorded (schemaVersion 1 result)' },
    engine: s.engine ?? 'gw-bench',
  }));
  let { verdict, status } = doc;
  if (verdict.status === 'pass' && stages.some((s) => s.status === 'invalid')) {
    verdict = { ...verdict, status: 'incomplete', reasons: [`${incompleteHeadline(stages)} (schemaVersion 1 result: that run exited ${verdict.exitCode})`, ...verdict.reasons] };
    if (status === 'complete') status = 'incomplete';
  }
  return { ...doc, stages, verdict, status };
}
