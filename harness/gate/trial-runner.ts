import { join } from 'node:path';
import { InternalError } from '../../core/errors.js';
import type { RunResult } from '../../core/result.js';
import type { RunTrial } from './engine.js';
import type { Variant } from './order.js';

/**
 * Adapts the harness's runScenario to the gate's RunTrial: each trial is one full run of
 * the scenario against the variant's target, with the pair's load seed, its run folder
 * under the gate's output folder. Variants differ only in how their gateway starts.
 */

/** What the gate needs of harness/run.ts (kept structural so the gate builds on its own). */
export interface TrialTarget {
  impl: string;
  url?: string;
  pid?: number;
  command?: { cmd: string; args: string[]; cwd?: string; env?: Record<string, string> };
  /** target.command: the folder to start it in (a base worktree) and whether the gate already built it. */
  cwd?: string;
  skipBuild?: boolean;
  debugDelayMs?: number;
  debugCpuUs?: number;
}
export interface RunScenarioOptions {
  scenarioFile: string; quick?: boolean; out?: string; quiet?: boolean; seed?: number;
  target?: TrialTarget; stageFilter?: (stageIndex: number) => boolean; signal?: AbortSignal;
  /** Error rate above which runScenario itself calls the run a target failure. */
  maxErrorRate?: number;
  /** Render report.html per run (the gate turns it off for trials: time, not information). */
  report?: boolean;
}
export type RunScenario = (opts: RunScenarioOptions) => Promise<{ result: RunResult; dir: string; exitCode: number }>;

/** Load harness/run.ts lazily: the gate's pure parts must not pull in the whole harness. */
export async function loadRunScenario(): Promise<RunScenario> {
  const modPath = '../run.js';
  const mod = (await import(modPath)) as { runScenario?: RunScenario };
  if (typeof mod.runScenario !== 'function') throw new InternalError('harness/run.js does not export runScenario');
  return mod.runScenario;
}

export interface TrialRunnerOptions {
  runScenario: RunScenario;
  scenarioFile: string;
  quick?: boolean;
  /** Trials' run folders go to `<outDir>/trials/<index>-<variant>`. */
  outDir: string;
  targets: Record<Variant, TrialTarget>;
  stageFilter?: (stageIndex: number) => boolean;
  signal?: AbortSignal;
  maxErrorRate?: number;
}

/** A RunTrial that runs the scenario once per trial. */
export function scenarioTrialRunner(o: TrialRunnerOptions): RunTrial {
  return async (variant, i, ctx) => {
    const { result, dir } = await o.runScenario({
      scenarioFile: o.scenarioFile,
      quick: o.quick,
      // A re-run of an invalid trial gets its own folder: the invalid attempt stays inspectable.
      out: join(o.outDir, 'trials', `${String(i).padStart(2, '0')}-${variant}${ctx.attempt ? `-rerun${ctx.attempt}` : ''}`),
      quiet: true,
      seed: ctx.seed,
      target: o.targets[variant],
      stageFilter: o.stageFilter,
      signal: o.signal,
      report: false,
      ...(o.maxErrorRate !== undefined ? { maxErrorRate: o.maxErrorRate } : {}),
    });
    return { result, dir };
  };
}

// Compile-time check that the structural type above still matches harness/run.ts.
export type RunScenarioMatches = typeof import('../run.js').runScenario extends RunScenario ? true : never;
const runScenarioMatches: RunScenarioMatches = true;
void runScenarioMatches;
