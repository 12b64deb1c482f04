import { ExitCode } from '../../core/exit-codes.js';
import type { GateStop } from './engine.js';
import type { Comparison, GateVerdict, ThresholdSummary } from './report-model.js';

/**
 * One verdict from everything the gate found, in a fixed precedence: target failure (4)
 * > harness error (5) > untrustworthy measurement (inconclusive) > regression or breached
 * threshold (1) > noisy metric (inconclusive) > warnings (0) > pass (0).
 * Inconclusive exits 3 only with --on-inconclusive=fail; by default it is a warning.
 */
export function composeVerdict(input: {
  stop: GateStop | null;
  comparisons: readonly Comparison[];
  thresholds: readonly ThresholdSummary[];
  onInconclusive: 'warn' | 'fail';
  notes?: readonly string[];
}): GateVerdict {
  const warnings: string[] = [...(input.notes ?? [])];
  const inconclusive = (reasons: string[]): GateVerdict => {
    if (input.onInconclusive === 'fail') return { status: 'inconclusive', exitCode: ExitCode.INCONCLUSIVE, reasons, warnings };
    return { status: 'inconclusive', exitCode: ExitCode.OK, reasons, warnings: [...warnings, `inconclusive (not failing: --on-inconclusive=warn): ${reasons.join('; ')}`] };
  };
  const functionalFail = input.thresholds.filter((t) => t.functional && t.outcome === 'fail');
  if (input.stop?.kind === 'target-failure' || functionalFail.length) {
    return { status: 'target-failure', exitCode: ExitCode.TARGET_FAILURE, reasons: [...(input.stop?.kind === 'target-failure' ? [input.stop.reason] : []), ...functionalFail.map((t) => t.message)], warnings };
  }
  if (input.stop?.kind === 'error') return { status: 'error', exitCode: input.stop.exitCode, reasons: [input.stop.reason], warnings };
  if (input.stop?.kind === 'inconclusive') return inconclusive([input.stop.reason]);

  const regressions = input.comparisons.filter((c) => c.verdict === 'regression');
  const breached = input.thresholds.filter((t) => !t.functional && t.outcome === 'fail');
  if (regressions.length || breached.length) {
    return {
      status: 'fail', exitCode: ExitCode.GATE_FAILED, warnings,
      reasons: [...regressions.map((c) => `regression: stage ${c.stageName} ${c.metric}: ${c.reason}`), ...breached.map((t) => `threshold breached: ${t.message}`)],
    };
  }
  for (const c of input.comparisons) {
    if (c.verdict === 'warn') warnings.push(`warn: stage ${c.stageName} ${c.metric}: ${c.reason}`);
    if (c.verdict === 'improvement') warnings.push(`improvement: stage ${c.stageName} ${c.metric}: ${c.reason}`);
  }
  for (const t of input.thresholds) if (t.outcome === 'unavailable') warnings.push(`threshold not evaluated: ${t.message}`);
  const noisy = [
    ...input.comparisons.filter((c) => c.verdict === 'inconclusive').map((c) => `stage ${c.stageName} ${c.metric}: ${c.reason}`),
    ...input.thresholds.filter((t) => t.outcome === 'inconclusive').map((t) => t.message),
  ];
  if (noisy.length) return inconclusive(noisy);
  const warned = input.comparisons.some((c) => c.verdict === 'warn');
  return { status: warned ? 'warn' : 'pass', exitCode: ExitCode.OK, reasons: warned ? ['passed with warnings'] : ['passed'], warnings };
}
