import type { Problem } from './problem.js';
import { parseYamlInput, YamlInputError, type InputLimits } from './yaml-input.js';

/**
 * A user's YAML file (scenario, gateway or upstream config) parsed within the input limits
 * (yaml-input.ts, linear in the input), as problems: its data, its syntax or limit problems
 * (path `(yaml)` with line and column, or `(file)` for a file-level limit), and a way to give
 * later validation problems their lines.
 */
export function parseYamlWithLines(text: string, file: string, what: string, opts: { limits?: InputLimits; allowEmpty?: boolean } = {}): { data: unknown; problems: Problem[]; addLines(problems: Problem[]): void } {
  try {
    const input = parseYamlInput(text, file, what, opts);
    return {
      data: input.data,
      problems: [],
      addLines(problems) {
        for (const p of problems) p.line ??= input.lineOf(p.path);
        problems.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9));
      },
    };
  } catch (e) {
    if (!(e instanceof YamlInputError)) throw e;
    const problems: Problem[] = e.problems.length
      ? e.problems.map((p) => ({ path: '(yaml)', ...p }))
      : [{ path: '(file)', message: e.message.replace(/^[^:]*: /, '') }];
    return { data: undefined, problems, addLines: () => {} };
  }
}
