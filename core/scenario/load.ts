import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
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

/** Find the YAML node a problem path points at (`load.stages[0].rate`) to report its line. */
function lineOf(root: Node | null, path: string, lc: LineCounter): number | undefined {
  let node: unknown = root;
  let lastGood: unknown = root;
  for (const seg of path.split(/\.|(?=\[)/)) {
    if (!seg || seg === '(root)') continue;
    const idx = /^\[(\d+)\]$/.exec(seg);
    if (idx && isSeq(node)) node = node.items[Number(idx[1])];
    else if (!idx && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === seg);
      node = pair ? (pair.value ?? pair.key) : undefined;
      if (pair && !pair.value) node = pair.key;
    } else node = undefined;
    if (!node) break;
    lastGood = node;
  }
  const range = (lastGood as { range?: [number, number, number] } | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

/** Format problems as the lines users see: `path (line N): message`. */
export function formatProblems(problems: Problem[]): string[] {
  return problems.map((p) => `${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
}

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
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({ path: '(yaml)', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0]! })),
    };
  }
  const data = doc.toJS() as unknown;
  const problems = schemaProblems(data);
  let scenario: Scenario | undefined;
  // Cross-field rules run even when the schema failed, so the user sees everything at once;
  // a path the schema already reported is not reported twice.
  try {
    const n = normalizeScenario((data ?? {}) as Record<string, unknown>, file, checks.threshold);
    const reported = problems.map((p) => p.path);
    problems.push(...n.problems.filter((p) => !reported.some((r) => p.path === r || p.path.startsWith(`${r}.`) || p.path.startsWith(`${r}[`))));
    scenario = n.scenario;
    if (scenario && !problems.length && checks.scenario) problems.push(...checks.scenario(scenario));
  } catch (e) {
    // Normalization assumes the schema's shapes; with schema problems it may not get far.
    if (!problems.length) throw e;
  }
  for (const p of problems) p.line ??= lineOf(doc.contents as Node | null, p.path, lc);
  problems.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9));
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
