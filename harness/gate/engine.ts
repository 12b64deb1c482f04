import { GwBenchError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { RunResult } from '../../core/result.js';
import { assessTrial } from './assess.js';
import { comparePairs, pairUp } from './compare.js';
import { orderString, planTrials, type PlannedTrial, type Variant } from './order.js';
import type { Comparison, TrialRecord } from './report-model.js';
import type { RelativeSettings } from './settings.js';
import type { Threshold } from './thresholds.js';

/**
 * The relative gate's flow: stage 1 (interleaved ABBA pairs) -> comparisons -> stage 2
 * only when something is suspect -> final comparisons. Exactly one optional confirmation,
 * decided by the rule, never "rerun until green". The trial runner is injected, so the
 * flow is testable with fixture results and no load.
 */

export type TrialOutput = RunResult | { result: RunResult; dir: string | null };
/** Run one trial of `variant`; `i` is its position in the whole gate's sequence, `ctx.attempt` > 0 a re-run. */
export type RunTrial = (variant: Variant, i: number, ctx: PlannedTrial & { attempt?: number }) => Promise<TrialOutput>;

export interface RelativeGateOptions {
  settings: RelativeSettings;
  runTrial: RunTrial;
  /** Functional thresholds (errors, 5xx, incl. defaults), checked on every trial. */
  functional: readonly Threshold[];
  /** A/A calibration: no confirmation stage, comparisons are for noise only. */
  calibrate?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface GateStop {
  kind: 'target-failure' | 'inconclusive' | 'error';
  reason: string;
  exitCode: number;
  error?: unknown;
}

export interface RelativeOutcome {
  trials: TrialRecord[];
  results: { trial: PlannedTrial; result: RunResult }[];
  comparisons: Comparison[];
  order: string[];
  stop: GateStop | null;
  confirmed: boolean;
}

/** Run the relative gate (or an A/A calibration) and return every trial and comparison. */
export async function runRelativeGate(opts: RelativeGateOptions): Promise<RelativeOutcome> {
  const log = opts.log ?? (() => {});
  const s = opts.settings;
  const trials: TrialRecord[] = [];
  const results: { trial: PlannedTrial; result: RunResult }[] = [];
  const order: string[] = [];

  /** One attempt at a planned trial: its record, and its result when the run produced one. */
  const attempt = async (t: PlannedTrial, n: number): Promise<{ rec: TrialRecord; result: RunResult | null; stop: GateStop | null }> => {
    const started = Date.now();
    const rec: TrialRecord = { ...t, attempt: n, startedAt: new Date(started).toISOString(), durationS: 0, dir: null, status: 'ok', notes: [], stages: [] };
    trials.push(rec);
    let out: TrialOutput;
    try {
      out = await opts.runTrial(t.variant, t.index, { ...t, attempt: n });
    } catch (err) {
      rec.durationS = (Date.now() - started) / 1000;
      rec.status = 'error';
      const msg = err instanceof Error ? err.message : String(err);
      rec.notes.push(msg);
      const code = err instanceof GwBenchError ? err.exitCode : ExitCode.INTERNAL;
      const kind = code === ExitCode.TARGET_FAILURE ? 'target-failure' : code === ExitCode.INCONCLUSIVE ? 'inconclusive' : 'error';
      return { rec, result: null, stop: { kind, reason: `trial ${t.index} (${t.variant}): ${msg}`, exitCode: code, error: err } };
    }
    const result = 'result' in out && 'dir' in out ? out.result : (out as RunResult);
    rec.dir = 'result' in out && 'dir' in out ? out.dir : null;
    rec.durationS = (Date.now() - started) / 1000;
    const a = assessTrial(result, t.variant, opts.functional, s.minAchievedRatio);
    rec.status = a.status;
    rec.notes.push(...a.notes);
    rec.stages = a.stages;
    const p50 = a.stages.map((x) => `${x.name} p50=${x.metrics['p50']?.toFixed(2) ?? 'n/a'}ms p99=${x.metrics['p99']?.toFixed(2) ?? 'n/a'}ms cpu=${x.metrics['cpu_per_request']?.toFixed(0) ?? 'n/a'}us/req`).join(', ');
    log(`  trial ${t.index}${n > 0 ? ` (re-run ${n})` : ''} pair ${t.pair} ${t.variant.padEnd(9)} ${a.status} in ${rec.durationS.toFixed(1)}s: ${p50}`);
    if (a.status === 'error') return { rec, result, stop: { kind: 'error', reason: a.notes.join('; '), exitCode: a.exitCode ?? ExitCode.INTERNAL } };
    if (a.status === 'functional-failure') return { rec, result, stop: { kind: 'target-failure', reason: a.notes.join('; '), exitCode: ExitCode.TARGET_FAILURE } };
    if (a.status === 'invalid') return { rec, result, stop: { kind: 'inconclusive', reason: a.notes.join('; '), exitCode: ExitCode.INCONCLUSIVE } };
    return { rec, result, stop: null };
  };

  const runStage = async (plan: PlannedTrial[]): Promise<GateStop | null> => {
    order.push(orderString(plan));
    log(`gate stage ${plan[0]?.gateStage}: ${plan.length / 2} pairs, order ${orderString(plan)} (A = base, B = candidate)`);
    for (const t of plan) {
      // An invalid trial (the generator fell behind, a base that could not carry the load)
      // is a disturbed measurement, not an answer: run the same trial again, at most
      // `rerunInvalid` times, in the same place of the sequence. Only a trial that stays
      // invalid makes the gate inconclusive. Its invalid attempts stay in gate.json.
      for (let n = 0; ; n++) {
        if (opts.signal?.aborted) return { kind: 'error', reason: 'interrupted', exitCode: ExitCode.INTERNAL };
        const { rec, result, stop } = await attempt(t, n);
        if (!stop) { results.push({ trial: t, result: result! }); break; }
        if (stop.kind !== 'inconclusive' || result === null) return stop;
        if (n >= s.rerunInvalid) return { ...stop, reason: `${stop.reason} (still invalid after ${n} re-run${n === 1 ? '' : 's'})` };
        rec.notes.push(`re-run ${n + 1} of at most ${s.rerunInvalid}: an invalid trial is measured again, never used`);
      }
    }
    return null;
  };

  const compareNow = (gateStage: 1 | 2, final: boolean, suspectBefore?: Set<string>): Comparison[] =>
    comparePairs(pairUp(results.map((r) => ({ pair: r.trial.pair, variant: r.trial.variant, result: r.result }))), s, { gateStage, final, suspectBefore });

  const stage1 = planTrials({ pairs: s.pairs, seed: s.seed, gateStage: 1 });
  let stop = await runStage(stage1);
  const confirmAllowed = !opts.calibrate && s.confirmPairs > 0;
  let comparisons = stop ? [] : compareNow(1, !confirmAllowed);
  let confirmed = false;
  const suspects = comparisons.filter((c) => c.verdict === 'suspect');
  if (!stop && confirmAllowed && suspects.length > 0) {
    log(`suspect: ${suspects.map((c) => `${c.stageName}/${c.metric} ${c.reason}`).join('; ')}`);
    const stage2 = planTrials({ pairs: s.confirmPairs, seed: s.seed, gateStage: 2, firstPair: s.pairs, firstIndex: stage1.length });
    stop = await runStage(stage2);
    confirmed = true;
    if (!stop) comparisons = compareNow(2, true, new Set(suspects.map((c) => `${c.stage}/${c.metric}`)));
  }
  return { trials, results, comparisons, order, stop, confirmed };
}
