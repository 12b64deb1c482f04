import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatProblems, notUnder } from '../problems/problem.js';
import { parseYamlWithLines } from '../problems/yaml-lines.js';
import { ScenarioError } from '../errors.js';
import { normalizeScenario, type ThresholdChecker } from './normalize.js';
import { schemaProblems, type Problem } from './problems.js';
import type { Scenario } from './types.js';

/** Deep-freeze so nothing downstream can change a validated scenario by accident. */
function freeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) freeze(v);
  }
  return o;
}

/** Format problems as the lines users see: `path (line N): message; suggestion`. */
export { formatProblems };

/**
 * Rules core cannot check by itself, passed in by the caller (the harness passes the same
 * ones to `validate` and `run`, so both give the same verdict on a file).
 */
export interface ScenarioChecks {
  /** The gate's threshold parser. */
  threshold?: ThresholdChecker;
  /** Rules over the normalized scenario (known implementations, the load plan); problems carry scenario paths. */
  scenario?: (s: Scenario) => Problem[];
}

/** Validate scenario text; returns every problem found, or the frozen scenario. */
export function parseScenario(text: string, file: string, checks: ScenarioChecks = {}): { scenario?: Scenario; problems: Problem[] } {
  const yaml = parseYamlWithLines(text);
  if (yaml.problems.length) return { problems: yaml.problems };
  const data = yaml.data;
  const problems = schemaProblems(data);
  let scenario: Scenario | undefined;
  // Cross-field rules run even when the schema failed, so the user sees everything at once;
  // a path the schema already reported is not reported twice.
  try {
    const n = normalizeScenario((data ?? {}) as Record<string, unknown>, file, checks.threshold);
    problems.push(...notUnder(problems, n.problems));
    scenario = n.scenario;
    if (scenario && !problems.length && checks.scenario) problems.push(...checks.scenario(scenario));
  } catch (e) {
    // Normalization assumes the schema's shapes; with schema problems it may not get far.
    if (!problems.length) throw e;
  }
  yaml.addLines(problems);
  return problems.length ? { problems } : { scenario: freeze(scenario!), problems: [] };
}

/** Load, validate and freeze a scenario file; throws ScenarioError (exit 2) listing every problem. */
export async function loadScenario(file: string, checks: ScenarioChecks = {}): Promise<Scenario> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read scenario ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, [], 'GW_ERR_SCENARIO_READ');
  }
  const { scenario, problems } = parseScenario(text, abs, checks);
  if (!scenario) {
    throw new ScenarioError(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, formatProblems(problems));
  }
  return scenario;
}
