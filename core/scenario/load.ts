import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ScenarioError } from '../errors.js';
import { DEFAULT_INPUT_LIMITS, parseYamlInput, sizeMessage, YamlInputError, type YamlInput } from '../yaml-input.js';
import { normalizeScenario } from './normalize.js';
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

/** Most problem lines printed; the rest are counted ("and K more"), so a huge bad file stays readable. */
export const MAX_PROBLEMS_SHOWN = 50;

/** Format problems as the lines users see: `path (line N): message`, at most `max` then "and K more". */
export function formatProblems(problems: Problem[], max = MAX_PROBLEMS_SHOWN): string[] {
  const lines = problems.slice(0, max).map((p) => `${p.path}${p.line ? ` (line ${p.line}${p.column ? `, column ${p.column}` : ''})` : ''}: ${p.message}`);
  if (problems.length > max) lines.push(`and ${problems.length - max} more`);
  return lines;
}

/** Validate scenario text; returns every problem found, or the frozen scenario. */
export function parseScenario(text: string, file: string): { scenario?: Scenario; problems: Problem[] } {
  let input: YamlInput;
  try {
    input = parseYamlInput(text, file, 'a scenario');
  } catch (e) {
    if (!(e instanceof YamlInputError)) throw e;
    return { problems: e.problems.length ? e.problems.map((p) => ({ path: '(yaml)', ...p })) : [{ path: '(file)', message: e.message.replace(/^[^:]*: /, '') }] };
  }
  const data = input.data;
  const problems = schemaProblems(data);
  let scenario: Scenario | undefined;
  // Cross-field rules run even when the schema failed, so the user sees everything at once;
  // a path the schema already reported is not reported twice.
  try {
    const n = normalizeScenario((data ?? {}) as Record<string, unknown>, file);
    const reported = problems.map((p) => p.path);
    problems.push(...n.problems.filter((p) => !reported.some((r) => p.path === r || p.path.startsWith(`${r}.`) || p.path.startsWith(`${r}[`))));
    scenario = n.scenario;
  } catch (e) {
    // Normalization assumes the schema's shapes; with schema problems it may not get far.
    if (!problems.length) throw e;
  }
  for (const p of problems) p.line ??= input.lineOf(p.path);
  problems.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9));
  return problems.length ? { problems } : { scenario: freeze(scenario!), problems: [] };
}

/** Load, validate and freeze a scenario file; throws ScenarioError (exit 2) listing every problem. */
export async function loadScenario(file: string): Promise<Scenario> {
  const abs = resolve(file);
  let text: string;
  try {
    // Refuse an oversized file before reading it into memory.
    const { size } = await stat(abs);
    if (size > DEFAULT_INPUT_LIMITS.maxBytes) throw new ScenarioError(sizeMessage(file, size), [], 'GW_ERR_SCENARIO_READ');
    text = await readFile(abs, 'utf8');
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`cannot read scenario ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, [], 'GW_ERR_SCENARIO_READ');
  }
  const { scenario, problems } = parseScenario(text, abs);
  if (!scenario) {
    // A file-level limit (empty, several documents, too large or deep): one plain line.
    if (problems.length === 1 && problems[0]!.path === '(file)') throw new ScenarioError(`${file}: ${problems[0]!.message}`);
    throw new ScenarioError(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, formatProblems(problems));
  }
  return scenario;
}
