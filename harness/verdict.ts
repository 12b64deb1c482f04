import { InconclusiveError, type GwBenchError } from '../core/errors.js';
import { ExitCode } from '../core/exit-codes.js';
import type { RunStatus, StageResult, Verdict } from '../core/result.js';

/** The run's verdict and exit code (exit codes: docs/errors.md). SLO breaches are the gate's business. */
export function verdictOf(status: RunStatus, stages: StageResult[], failure: GwBenchError | null, maxErrorRate: number): Verdict {
  const reasons: string[] = [];
  if (failure) {
    const target = failure.exitCode === ExitCode.TARGET_FAILURE;
    return { status: target ? 'target-failure' : 'fail', exitCode: failure.exitCode, reasons: [`${failure.code}: ${failure.message}`, ...failure.details.slice(0, 5)] };
  }
  if (status === 'interrupted') {
    return { status: 'interrupted', exitCode: ExitCode.INCONCLUSIVE, reasons: [`interrupted; ${stages.filter((s) => s.status === 'ok' || s.status === 'invalid').length} finished stage(s) kept`] };
  }
  const measured = stages.filter((s) => s.status === 'ok' || s.status === 'invalid');
  const invalid = measured.filter((s) => s.status === 'invalid');
  for (const s of invalid) reasons.push(`stage ${s.name} INVALID (not a result): ${s.reasons.join('; ')}`);
  for (const s of stages.filter((x) => x.status === 'not-reached')) reasons.push(`stage ${s.name} not reached: ${s.reasons.join('; ')}`);
  const erroring = measured.filter((s) => s.status === 'ok' && s.errorRate > maxErrorRate);
  if (erroring.length) {
    return { status: 'target-failure', exitCode: ExitCode.TARGET_FAILURE, reasons: [...reasons, ...erroring.map((s) => `stage ${s.name}: error rate ${(s.errorRate * 100).toFixed(1)}% is above the ${(maxErrorRate * 100).toFixed(0)}% limit (${Object.entries(s.errors).filter(([k]) => !k.startsWith('expected_')).map(([k, v]) => `${k} ${v}`).join(', ')})`)] };
  }
  if (measured.length && invalid.length === measured.length) {
    // Not thrown: the run finished and its stages are kept; the code names the verdict.
    const e = new InconclusiveError('every measured stage is invalid: the generator fell behind; lower the rate or give the generator more CPU', [], 'GW_ERR_GENERATOR_SATURATED');
    return { status: 'invalid', exitCode: e.exitCode, reasons: [...reasons, `${e.code}: ${e.message}`] };
  }
  return { status: 'pass', exitCode: ExitCode.OK, reasons };
}
