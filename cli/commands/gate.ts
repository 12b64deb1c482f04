import type { CommandModule } from 'yargs';
import { GateFailedError, GwBenchError, InconclusiveError, InternalError, TargetError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { parsePercent } from '../../core/units.js';
// Registers the threshold parser with scenario validation, so every command that loads a
// scenario (validate, run, gate) rejects a bad threshold expression up front.

interface Args {
  scenario?: string;
  result?: string;
  'base-result'?: string;
  'base-ref'?: string;
  calibrate: boolean;
  quick: boolean;
  threshold: string[];
  out?: string;
  'on-inconclusive': 'warn' | 'fail';
  pairs?: number;
  'confirm-pairs'?: number;
  seed?: number;
  'max-error-rate': string;
  'base-install': 'auto' | 'ci' | 'link';
  stage: string[];
}

/** `gw-bench gate`: CI performance-regression gate (thresholds, relative A/B, calibration). */
export const gateCommand: CommandModule<object, Args> = {
  command: 'gate [scenario]',
  describe: 'CI performance gate: thresholds on a result or run, or base vs candidate (exit 0 pass, 1 fail, 3 inconclusive, 4 target failure)',
  builder: (y) => y
    .positional('scenario', { type: 'string', describe: 'Scenario YAML to run (its gate: section gives thresholds and relative settings)' })
    .option('result', { type: 'string', describe: 'Check thresholds on a recorded result.json instead of running' })
    .option('base-ref', { type: 'string', describe: 'Relative gate: compare the working tree with this git ref (built in a temporary worktree)' })
    .option('base-result', { type: 'string', describe: 'Compare with one recorded result (informational ratios; thresholds decide)' })
    .option('calibrate', { type: 'boolean', default: false, describe: 'A/A runs of the base against itself: measure noise, suggest thresholds' })
    .option('stage', { type: 'string', array: true, default: [], describe: 'Run only this stage (name or index; repeatable), e.g. the stage CI can afford' })
    .option('quick', { type: 'boolean', default: false, describe: 'Run the scenario in quick mode' })
    .option('threshold', { type: 'string', array: true, default: [], describe: 'Extra threshold, e.g. "p99 < 50ms" or "stage=1k: errors < 0.1%" (repeatable)' })
    .option('out', { type: 'string', describe: 'Output folder (default reports/gate-<timestamp>/)' })
    .option('on-inconclusive', { choices: ['warn', 'fail'] as const, default: 'warn' as const, describe: 'Inconclusive (noisy, saturated generator): warn and exit 0, or fail with exit 3' })
    .option('pairs', { type: 'number', describe: 'Pairs in the first stage (default: scenario gate.relative.pairs, 8; calibration 16)' })
    .option('confirm-pairs', { type: 'number', describe: 'Pairs of the confirmation stage, run only when a metric is suspect (default 8)' })
    .option('seed', { type: 'number', describe: 'Seed of trial order and bootstrap (default: scenario gate.relative.seed)' })
    .option('max-error-rate', { type: 'string', default: '0.1%', describe: 'Functional limit on the error rate when the scenario sets no errors threshold' })
    .option('base-install', { choices: ['auto', 'ci', 'link'] as const, default: 'auto' as const, describe: 'How the --base-ref worktree gets node_modules: npm ci, a link to ours, or link when the lock file is identical' })
    .check((a) => {
      for (const k of ['pairs', 'confirm-pairs', 'seed'] as const) {
        const v = a[k];
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new Error(`--${k}: ${v} is not a non-negative whole number`);
      }
      return true;
    }) as never,
  handler: async (a) => {
    const { runGate } = await import('../../harness/gate/run-gate.js');
    const ac = new AbortController();
    const onSig = (): void => ac.abort();
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    try {
      const run = await runGate({
        scenarioFile: a.scenario, resultFile: a.result, baseRef: a['base-ref'], baseResult: a['base-result'], calibrate: a.calibrate,
        quick: a.quick, thresholds: a.threshold, out: a.out, onInconclusive: a['on-inconclusive'], pairs: a.pairs, confirmPairs: a['confirm-pairs'],
        seed: a.seed, maxErrorRate: parsePercent(a['max-error-rate'], '--max-error-rate'), baseInstall: a['base-install'], stages: a.stage.map(String),
        log: (l) => process.stderr.write(`${l}\n`), signal: ac.signal,
      });
      const v = run.report.verdict;
      const out = process.stdout;
      for (const c of run.report.comparisons) {
        const pct = (r: number | null): string => (r === null ? 'n/a' : `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`);
        out.write(`  ${c.stageName} ${c.metric.padEnd(16)} ${pct(c.ratio).padStart(7)}  [${pct(c.lower)}, ${pct(c.upper)}]  ${c.verdict}\n`);
      }
      for (const t of run.report.thresholds) out.write(`  ${t.outcome.padEnd(12)} ${t.message}\n`);
      for (const s of run.report.calibration?.suggestions ?? []) out.write(`  calibration: ${s}\n`);
      for (const w of v.warnings) out.write(`${process.env['GITHUB_ACTIONS'] ? '::warning::' : 'warning: '}${w}\n`);
      out.write(`gate: ${v.status} (exit ${v.exitCode}) -> ${run.outDir}/summary.md\n`);
      if (v.exitCode === ExitCode.OK) return;
      if (ac.signal.aborted) throw new GwBenchError('GW_ERR_INTERRUPTED', `gate interrupted; partial outputs in ${run.outDir}`);
      if (run.error instanceof GwBenchError && run.error.exitCode === v.exitCode) throw run.error;
      const [first = v.status, ...rest] = v.reasons;
      if (v.exitCode === ExitCode.GATE_FAILED) throw new GateFailedError(`gate failed: ${first}`, rest);
      if (v.exitCode === ExitCode.INCONCLUSIVE) throw new InconclusiveError(`gate inconclusive: ${first}`, rest);
      if (v.exitCode === ExitCode.TARGET_FAILURE) throw new TargetError('GW_ERR_TARGET_ERRORS', `gate: target failure: ${first}`, rest);
      throw new InternalError(`gate: ${first}`, run.error);
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    }
  },
};
