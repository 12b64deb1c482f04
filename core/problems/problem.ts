import { GwBenchError } from '../errors.js';

/**
 * One thing wrong with a user's input (scenario, gateway config, upstream config): where
 * (a path like `load.stages[0].rate`, and its line when it came from a file), what is
 * wrong, and, when there is one, how to fix it. Every validator reports these, so every
 * config error reads the same way.
 */
export interface Problem {
  path: string;
  message: string;
  line?: number;
  suggestion?: string;
}

/** A value as it appears in a problem: JSON, cut at 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `path (line N): message; suggestion`: the line users see. */
export function formatProblem(p: Problem): string {
  return `${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}${p.suggestion ? `; ${p.suggestion}` : ''}`;
}

export function formatProblems(problems: readonly Problem[]): string[] {
  return problems.map(formatProblem);
}

const within = (path: string, root: string): boolean => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);

/** Whether a problem was reported at `path` or anywhere under it. */
export function reportedAt(problems: readonly Problem[], path: string): boolean {
  return problems.some((p) => within(p.path, path));
}

/** Drop problems at or under a path already reported (a schema error explains the rest). */
export function notUnder(reported: readonly Problem[], more: readonly Problem[]): Problem[] {
  return more.filter((p) => !reported.some((r) => within(p.path, r.path)));
}

/** Collects every problem instead of stopping at the first, so one run tells the user all of them. */
export class Problems {
  readonly list: Problem[] = [];

  add(path: string, message: string, suggestion?: string): void {
    this.list.push({ path, message, ...(suggestion ? { suggestion } : {}) });
  }

  /** `path: <value> <expected>`. */
  value(path: string, value: unknown, expected: string, suggestion?: string): void {
    this.add(path, `${show(value)} ${expected}`, suggestion);
  }

  /** Run a parser (core/units) that throws a GwBenchError naming `path`; record its message instead. */
  parse<T>(path: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof GwBenchError)) throw err;
      this.add(path, err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message);
      return fallback;
    }
  }

  get length(): number { return this.list.length; }
}
