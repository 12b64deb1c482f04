import { ScenarioError } from '../core/errors.js';
import { formatProblems, loadScenario, type ScenarioChecks } from '../core/scenario/load.js';
import type { Problem } from '../core/scenario/problems.js';
import type { Scenario, StageSpec } from '../core/scenario/types.js';
import { buildLoadPlan } from '../loadgen/plan/build.js';
import type { LoadPlan } from '../loadgen/plan/types.js';
import { parseThreshold } from './gate/thresholds.js';
import { listImpls, unknownImpl } from './processes/impls.js';

/**
 * Everything `run` checks before it starts a process, as scenario checks: `validate` and
 * `run` (and any library call to runScenario) load a file through loadCheckedScenario, so
 * they give the same verdict, with the same paths and lines.
 */

/** The gate's threshold parser, passed explicitly (no import side effect). */
export const thresholdChecks: ScenarioChecks = { threshold: (expr, field) => { parseThreshold(expr, field); } };

function targetProblems(s: Scenario): Problem[] {
  // external (a URL) and command (target.command, the user's own gateway) are not implementations gw-bench ships.
  if (s.target.impl === 'external' || s.target.impl === 'command' || listImpls().some((i) => i.name === s.target.impl)) return [];
  return [{ path: 'target.impl', message: unknownImpl(s.target.impl) }];
}

export const runChecks: ScenarioChecks = {
  ...thresholdChecks,
  scenario: (s) => [...targetProblems(s), ...buildLoadPlan(s).problems],
};

/** Load a scenario with every check `run` makes; throws ScenarioError (exit 2) listing every problem. */
export function loadCheckedScenario(file: string): Promise<Scenario> {
  return loadScenario(file, runChecks);
}

/**
 * The load plan of a run (its scenario possibly changed by --quick, --seed or a stage
 * filter after loading): throws ScenarioError, before any process starts, when it cannot run.
 * `generatorCpus`: the CPUs the generator's workers share; each stage is then carried by the
 * workers it needs (loadgen/plan/workers.ts carriers()).
 */
export function planRun(s: Scenario, stages: readonly StageSpec[], label: string, generatorCpus?: number): LoadPlan {
  const { plan, problems } = buildLoadPlan(s, { stages, generatorCpus });
  if (problems.length) throw new ScenarioError(`${label}: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the load plan`, formatProblems(problems));
  return plan;
}
