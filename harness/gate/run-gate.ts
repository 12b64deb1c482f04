import { resolve, join } from 'node:path';
import { execa } from 'execa';
import { GwBenchError, UsageError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { RunResult } from '../../core/result.js';
import { loadScenario } from '../../core/scenario/load.js';
import { thresholdChecks } from '../scenario-checks.js';
import type { Scenario } from '../../core/scenario/types.js';
import { VERSION } from '../../core/version.js';
import { loadResult } from '../report/load-result.js';
import { summarizeThresholds, withFunctionalDefaults } from './absolute.js';
import { assessTrial } from './assess.js';
import { envMismatch, singleSampleComparisons } from './base-result.js';
import { calibrate } from './calibrate.js';
import { runRelativeGate, type GateStop } from './engine.js';
import { writeGateOutputs } from './outputs/write.js';
import type { PlannedTrial } from './order.js';
import { GATE_SCHEMA_VERSION, type GateReport, type TrialRecord } from './report-model.js';
import { parseRelativeSettings, type RelativeSettings } from './settings.js';
import { parseThresholdEntry, parseThresholdFlag, type Threshold } from './thresholds.js';
import { loadRunScenario, scenarioTrialRunner, type RunScenario, type TrialTarget } from './trial-runner.js';
import { composeVerdict } from './verdict.js';
import { prepareBaseWorktree, type BaseWorktree } from './worktree.js';

/**
 * `gw-bench gate` as a library call: pick the mode from the options, run it, write
 * gate.json / junit.xml / summary.md / bmf.json, and return the verdict's exit code.
 * Modes: absolute (thresholds on --result or one fresh run), relative (--base-ref:
 * interleaved pairs against a git ref), base-result (one recorded base: informational
 * ratios, thresholds decide), calibrate (A/A noise and suggested limits).
 */

export interface GateOptions {
  scenarioFile?: string;
  resultFile?: string;
  baseResult?: string;
  baseRef?: string;
  calibrate?: boolean;
  quick?: boolean;
  thresholds?: string[];
  out?: string;
  onInconclusive?: 'warn' | 'fail';
  pairs?: number;
  confirmPairs?: number;
  seed?: number;
  maxErrorRate?: number;
  baseInstall?: 'auto' | 'ci' | 'link';
  /** Run only these stages (names or indexes of the scenario's stages). */
  stages?: string[];
  repo?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Injection points (tests): the scenario runner and the variants' targets. */
  runScenario?: RunScenario;
  targets?: { base?: TrialTarget; candidate?: TrialTarget };
}

export interface GateRun { report: GateReport; exitCode: number; outDir: string; files: Record<string, string>; error?: unknown }

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');

function validateMode(o: GateOptions): GateReport['mode'] {
  const problems: string[] = [];
  if (o.baseRef && o.baseResult) problems.push('--base-ref and --base-result are alternatives; give one');
  if (o.calibrate && o.baseResult) problems.push('--calibrate measures a live target against itself; it cannot use --base-result');
  if (o.calibrate && o.resultFile) problems.push('--calibrate runs trials; it cannot use --result');
  if (o.baseRef && o.resultFile) problems.push('--result is a recorded candidate; --base-ref needs live interleaved trials');
  if (!o.scenarioFile && !o.resultFile) problems.push('name a scenario file (to run) or --result <result.json> (to check)');
  if ((o.baseRef || o.calibrate || o.targets?.base) && !o.scenarioFile) problems.push(`${o.calibrate ? '--calibrate' : '--base-ref'} needs a scenario file to run`);
  if (problems.length) throw new UsageError(`gate: ${problems.length} problem(s) with the options`, problems);
  // An injected base target (tests, library callers) is a relative gate without a git ref.
  return o.calibrate ? 'calibrate' : o.baseRef || o.targets?.base ? 'relative' : o.baseResult ? 'base-result' : 'absolute';
}

function scenarioThresholds(sc: Scenario | null, result: RunResult | null): Threshold[] {
  if (sc) return sc.gate.thresholds.map((t, i) => parseThresholdEntry(t.stage === null ? t.expr : { expr: t.expr, stage: t.stage }, `gate.thresholds[${i}]`));
  // A result file carries its scenario; use its thresholds when no scenario file is named.
  const spec = result?.scenario?.spec as { gate?: { thresholds?: unknown[] } } | undefined;
  return (spec?.gate?.thresholds ?? []).map((t, i) => {
    const o = t as { expr?: string; stage?: string | number | null };
    return parseThresholdEntry(typeof t === 'string' ? t : o.stage == null ? o.expr : { expr: o.expr, stage: o.stage }, `result scenario.spec.gate.thresholds[${i}]`);
  });
}

function relativeSettings(sc: Scenario | null, o: GateOptions, calibrating: boolean): RelativeSettings {
  const rel = sc?.gate.relative;
  const raw: Record<string, unknown> = {};
  if (rel) {
    raw['pairs'] = rel.pairs; raw['confirmPairs'] = rel.confirmPairs; raw['seed'] = rel.seed;
    if (Object.keys(rel.metrics).length) raw['metrics'] = rel.metrics;
  }
  if (o.pairs !== undefined) raw['pairs'] = o.pairs;
  if (o.confirmPairs !== undefined) raw['confirmPairs'] = o.confirmPairs;
  if (o.seed !== undefined) raw['seed'] = o.seed;
  // Calibration defaults to 16 A/A pairs (twice a gate's first stage) unless --pairs says otherwise.
  if (calibrating && o.pairs === undefined) raw['pairs'] = 16;
  return parseRelativeSettings(raw, sc ? 'gate.relative' : 'gate options');
}

async function gitState(repo: string): Promise<{ sha: string | null; dirty: boolean | null }> {
  const r = await execa('git', ['-C', repo, 'rev-parse', 'HEAD'], { reject: false });
  const st = await execa('git', ['-C', repo, 'status', '--porcelain', '--untracked-files=no'], { reject: false });
  return { sha: r.exitCode === 0 ? r.stdout.trim() : null, dirty: st.exitCode === 0 ? st.stdout.trim().length > 0 : null };
}

/** --stage names/indexes -> a stage filter for runScenario; unknown ones are a usage error listing the stages. */
export function selectStages(sc: Scenario | null, wanted: readonly string[] | undefined): ((index: number) => boolean) | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  if (!sc) throw new UsageError('--stage selects stages of a scenario to run; name a scenario file');
  const picked = new Set<number>();
  const unknown: string[] = [];
  for (const w of wanted) {
    const st = sc.load.stages.find((s) => s.name === w || String(s.index) === w);
    if (st) picked.add(st.index); else unknown.push(w);
  }
  if (unknown.length) throw new UsageError(`--stage: no stage ${unknown.map((u) => JSON.stringify(u)).join(', ')} in ${sc.name}; stages are ${sc.load.stages.map((s) => `${s.index}=${JSON.stringify(s.name)}`).join(', ')}`);
  return (index) => picked.has(index);
}

/** Run the gate and write its outputs; never throws for a gate verdict, only for usage/internal errors. */
export async function runGate(o: GateOptions): Promise<GateRun> {
  const log = o.log ?? (() => {});
  const mode = validateMode(o);
  const onInconclusive = o.onInconclusive ?? 'warn';
  const repo = resolve(o.repo ?? process.cwd());
  const outDir = resolve(o.out ?? join('reports', `gate-${stamp()}`));
  const startedAt = new Date().toISOString();
  const scenario = o.scenarioFile ? await loadScenario(o.scenarioFile, thresholdChecks) : null;
  const resultIn = o.resultFile ? await loadResult(o.resultFile) : null;
  const baseIn = o.baseResult ? await loadResult(o.baseResult) : null;
  const flagThresholds = (o.thresholds ?? []).map((t, i) => parseThresholdFlag(t, `--threshold[${i}]`));
  const thresholds = [...scenarioThresholds(scenario, resultIn), ...flagThresholds];
  const functionalTh = withFunctionalDefaults(thresholds.filter((t) => ['errors', 'error_count', 'http_5xx'].includes(t.metric)), o.maxErrorRate ?? 0.001);
  const allThresholds = withFunctionalDefaults(thresholds, o.maxErrorRate ?? 0.001);
  const settings = relativeSettings(scenario, o, mode === 'calibrate');
  const scenarioName = scenario?.name ?? resultIn?.scenario?.name ?? 'unknown';
  const stageFilter = selectStages(scenario, o.stages);

  const report: GateReport = {
    schemaVersion: GATE_SCHEMA_VERSION, tool: { name: 'gw-bench', version: VERSION }, mode, startedAt, finishedAt: startedAt,
    scenario: { name: scenarioName, file: scenario?.file ?? resultIn?.scenario?.file ?? null },
    base: mode === 'relative' ? (o.baseRef ? { kind: 'git-ref', ref: o.baseRef } : { kind: 'working-tree' }) : mode === 'base-result' ? { kind: 'result', resultFile: resolve(o.baseResult!) } : mode === 'calibrate' ? (o.baseRef ? { kind: 'git-ref', ref: o.baseRef } : { kind: 'working-tree' }) : { kind: 'none' },
    candidate: resultIn ? { kind: 'result', resultFile: resolve(o.resultFile!) } : { kind: 'working-tree', ...(await gitState(repo)) },
    design: null, trials: [], comparisons: [], thresholds: [], calibration: null, env: null,
    verdict: { status: 'error', exitCode: ExitCode.INTERNAL, reasons: ['not finished'], warnings: [] },
  };
  const notes: string[] = [];
  let stop: GateStop | null = null;
  let worktree: BaseWorktree | null = null;

  try {
    if (mode === 'relative' || mode === 'calibrate') {
      if (scenario && scenario.target.impl !== 'reference' && !o.targets) throw new UsageError(`gate: the relative gate compares revisions of the reference gateway; scenario target.impl is ${JSON.stringify(scenario.target.impl)}`);
      const runScenario = o.runScenario ?? (await loadRunScenario());
      let baseTarget: TrialTarget = o.targets?.base ?? { impl: 'reference' };
      if (o.baseRef && !o.targets?.base) {
        worktree = await prepareBaseWorktree({ repo, ref: o.baseRef, install: o.baseInstall ?? 'auto', log, signal: o.signal });
        report.base.sha = worktree.sha;
        baseTarget = { impl: 'reference', command: worktree.command };
      }
      const candTarget: TrialTarget = mode === 'calibrate' ? baseTarget : (o.targets?.candidate ?? { impl: 'reference' });
      const runTrial = scenarioTrialRunner({ runScenario, scenarioFile: o.scenarioFile!, quick: o.quick, outDir, targets: { base: baseTarget, candidate: candTarget }, stageFilter, signal: o.signal });
      const out = await runRelativeGate({ settings, runTrial, functional: functionalTh, calibrate: mode === 'calibrate', log, signal: o.signal });
      stop = out.stop;
      report.trials = out.trials;
      report.comparisons = out.comparisons;
      report.design = { ...settings, order: out.order, onInconclusive };
      report.env = out.results[0]?.result.env ?? null;
      // Performance thresholds in a relative run apply to the candidate's trials (majority rule).
      const candResults = out.results.filter((r) => r.trial.variant === 'candidate').map((r) => r.result);
      if (!stop && mode === 'relative') report.thresholds = summarizeThresholds(allThresholds, candResults);
      if (mode === 'calibrate') {
        report.calibration = calibrate(out.comparisons, { gatePairs: relativeSettings(scenario, { ...o, pairs: undefined }, false).pairs, resamples: settings.resamples, seed: settings.seed });
        for (const s of report.calibration.suggestions) log(`calibration: ${s}`);
      }
      for (const c of out.comparisons) if (c.verdict === 'unavailable' && c.metric === 'cpu_per_request') { notes.push('cpu_per_request is not in these results (result.json v1 has no target CPU per request); not gated'); break; }
    } else {
      // absolute or base-result: one candidate result (recorded or fresh), thresholds decide.
      let cand = resultIn;
      let dir: string | null = null;
      if (!cand) {
        const runScenario = o.runScenario ?? (await loadRunScenario());
        log(`gate: running ${o.scenarioFile}${o.quick ? ' (quick)' : ''}`);
        try {
          const r = await runScenario({ scenarioFile: o.scenarioFile!, quick: o.quick, out: join(outDir, 'run'), quiet: true, target: o.targets?.candidate, stageFilter, signal: o.signal });
          cand = r.result; dir = r.dir;
        } catch (err) {
          if (err instanceof GwBenchError && err.exitCode === ExitCode.TARGET_FAILURE) stop = { kind: 'target-failure', reason: err.message, exitCode: err.exitCode, error: err };
          else throw err;
        }
      }
      if (cand) {
        const planned: PlannedTrial = { index: 0, pair: 0, position: 0, variant: 'candidate', seed: 0, gateStage: 1 };
        const a = assessTrial(cand, 'candidate', [], 0);
        const rec: TrialRecord = { ...planned, startedAt: cand.startedAt, durationS: (Date.parse(cand.finishedAt) - Date.parse(cand.startedAt)) / 1000 || 0, dir, status: a.status, notes: a.notes, stages: a.stages };
        report.trials = [rec];
        report.env = cand.env ?? null;
        report.thresholds = summarizeThresholds(allThresholds, [cand]);
        if (a.status === 'functional-failure') stop = { kind: 'target-failure', reason: a.notes.join('; '), exitCode: ExitCode.TARGET_FAILURE };
        else if (a.status === 'error') stop = { kind: 'error', reason: a.notes.join('; '), exitCode: a.exitCode ?? ExitCode.INTERNAL };
        else if (cand.stages.every((s) => s.status !== 'ok')) stop = { kind: 'inconclusive', reason: `no stage was measured validly: ${a.notes.join('; ')}`, exitCode: ExitCode.INCONCLUSIVE };
        else if (a.status === 'invalid') notes.push(...a.notes.map((n) => `${n} (its thresholds are not evaluated)`));
        if (baseIn) {
          notes.push('base is one recorded result: single-sample ratios are informational only (no interval, no pairing); thresholds decide this gate. Use --base-ref for a real relative gate.');
          const mism = envMismatch(baseIn, cand);
          if (mism.length) notes.push(`environment mismatch with the recorded base: ${mism.join('; ')}`);
          const single = singleSampleComparisons(baseIn, cand, settings);
          report.comparisons = single.comparisons;
          notes.push(...single.warnings);
        }
      }
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof GwBenchError && err.exitCode === ExitCode.USAGE)) throw err;
    const code = err instanceof GwBenchError ? err.exitCode : ExitCode.INTERNAL;
    stop = { kind: code === ExitCode.TARGET_FAILURE ? 'target-failure' : 'error', reason: err instanceof Error ? err.message : String(err), exitCode: code, error: err };
  } finally {
    if (worktree) { log(`base: removing worktree ${worktree.dir}`); await worktree.cleanup(); }
  }

  report.verdict = composeVerdict({ stop, comparisons: report.comparisons, thresholds: report.thresholds, onInconclusive, notes });
  if (mode === 'calibrate' && !stop && report.calibration) {
    // A/A comparisons are the measurement, not a verdict: a "regression" or a too-wide
    // interval between identical builds says the limits are too tight for this machine.
    const alarms = report.comparisons.filter((c) => c.verdict === 'regression' || c.verdict === 'inconclusive');
    report.verdict = alarms.length
      ? { status: 'warn', exitCode: ExitCode.OK, reasons: [`A/A: ${alarms.map((c) => `${c.stageName} ${c.metric} came out ${c.verdict}`).join('; ')}: the current limits are too tight for this machine (see suggestions)`], warnings: report.calibration.suggestions }
      : { status: 'pass', exitCode: ExitCode.OK, reasons: ['A/A within the current limits'], warnings: report.calibration.suggestions };
  }
  report.finishedAt = new Date().toISOString();
  const files = await writeGateOutputs(outDir, report);
  return { report, exitCode: report.verdict.exitCode, outDir, files, error: stop?.error };
}
