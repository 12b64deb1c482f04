import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

/**
 * Parse a user's YAML file (scenario, gateway or upstream config) within fixed limits, so a
 * hostile or broken file fails fast with a plain message and exit 2 instead of hanging,
 * exhausting memory, or surfacing a parser's internals. Every check is linear in the input.
 */

export interface InputLimits {
  /** Largest file accepted, bytes. */
  readonly maxBytes: number;
  /** Most mapping keys plus list items in the whole document. */
  readonly maxEntries: number;
  /** Most alias references (`*name`) in the document; also bounds what `toJS` may expand. */
  readonly maxAliases: number;
  /** Deepest nesting of mappings and lists. */
  readonly maxDepth: number;
}

/** Far above any real scenario or config (the largest shipped one is ~3 KB, ~200 entries). */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxBytes: 1024 * 1024, maxEntries: 20_000, maxAliases: 100, maxDepth: 64 };

/** A syntax or limit problem, with a 1-based line and column when it has a place. */
export interface InputProblem { message: string; line?: number; column?: number }

/** Raised for any input the limits or the YAML grammar refuse; callers wrap it in their own error type. */
export class YamlInputError extends Error {
  constructor(message: string, readonly problems: readonly InputProblem[] = []) { super(message); }
}

export interface YamlInput {
  /** Null for an empty file (when allowed). */
  readonly doc: Document | null;
  /** Plain data (`null` for an empty document when allowed). */
  readonly data: unknown;
  /** 1-based line of a problem path such as `load.stages[0].rate` (its deepest existing prefix). */
  lineOf(path: string): number | undefined;
}

/** Detail lines of an input error, as `line L, column C: message`. */
export function inputProblemLines(e: YamlInputError): string[] {
  return e.problems.map((p) => `${p.line ? `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ` : ''}${p.message}`);
}

/** Bytes of a string, counted without allocating a buffer. */
export function byteLength(text: string): number { return Buffer.byteLength(text, 'utf8'); }

/** The size limit's message, shared with callers that check a file's size before reading it. */
export function sizeMessage(file: string, bytes: number, limits: InputLimits = DEFAULT_INPUT_LIMITS): string {
  return `${file}: ${bytes} bytes is above the input limit of ${limits.maxBytes} bytes`;
}

/**
 * Parse `text` as exactly one YAML document within `limits`. `what` names the file's role
 * in messages ("a scenario", "a gateway config"). An empty file throws unless `allowEmpty`.
 */
export function parseYamlInput(text: string, file: string, what: string, opts: { limits?: InputLimits; allowEmpty?: boolean } = {}): YamlInput {
  const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
  const bytes = byteLength(text);
  if (bytes > limits.maxBytes) throw new YamlInputError(sizeMessage(file, bytes, limits));
  const lc = new LineCounter();
  // uniqueKeys: the library's check scans every earlier key for each key (quadratic: 20k keys
  // took 12 s); walk() below does the same check with a Set. prettyErrors: its message
  // rendering runs out of memory on deep flow nesting such as 20k `[`.
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const list = [...docs];
  if (list.length > 1) throw new YamlInputError(`${file}: holds ${list.length} YAML documents (separated by "---"); ${what} is a single document`);
  const doc = list[0];
  // An empty stream (only comments or directives) carries its own errors.
  const errors = [...(doc?.errors ?? []), ...((docs as { errors?: Document['errors'] }).errors ?? [])];
  if (errors.length) {
    const problems = errors.map((e): InputProblem => ({ message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, ...place(lc, e.pos[0]) }));
    throw new YamlInputError(`${file}: invalid YAML (${problems.length} syntax error${problems.length === 1 ? '' : 's'})`, problems);
  }
  if (!doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    if (opts.allowEmpty) return { doc: doc ?? null, data: null, lineOf: () => undefined };
    throw new YamlInputError(`${file}: is empty; ${what} is a YAML mapping of keys`);
  }
  const index = walk(doc.contents as Node, file, limits, lc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch {
    // The library's ReferenceError for alias bombs ("resource exhaustion attack").
    throw new YamlInputError(`${file}: YAML aliases expand to too many nodes (more than ${limits.maxAliases} per alias, the input limit); write the values out instead`);
  }
  return {
    doc,
    data,
    lineOf(path: string) {
      for (let p = path; p; p = p.replace(/(\.[^.[]*|\[\d+\])$|^[^.[]*$/, '')) {
        const at = index.get(p);
        if (at !== undefined) return lc.linePos(at).line;
      }
      return doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : undefined;
    },
  };
}

function place(lc: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/** One pass over the tree: counts, depth, aliases, duplicate keys, and each path's offset. */
function walk(root: Node, file: string, limits: InputLimits, lc: LineCounter): Map<string, number> {
  const index = new Map<string, number>();
  let entries = 0;
  let aliases = 0;
  const at = (n: unknown): string => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    if (!r) return '';
    const { line, col } = lc.linePos(r[0]);
    return ` (line ${line}, column ${col})`;
  };
  const visit = (node: unknown, path: string, depth: number): void => {
    if (isAlias(node)) {
      if (++aliases > limits.maxAliases) throw new YamlInputError(`${file}: more than ${limits.maxAliases} YAML aliases (*name)${at(node)}; the limit guards against alias bombs`);
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (depth > limits.maxDepth) throw new YamlInputError(`${file}: nesting deeper than ${limits.maxDepth} levels${at(node)}`);
    entries += node.items.length;
    if (entries > limits.maxEntries) throw new YamlInputError(`${file}: more than ${limits.maxEntries} keys and list items${at(node)}; the input limit is ${limits.maxEntries}`);
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${path}[${i}]`;
        const r = (item as Node | null)?.range;
        if (r) index.set(p, r[0]);
        visit(item, p, depth + 1);
      });
      return;
    }
    const keys = new Set<unknown>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (isScalar(pair.key) && keys.has(key)) throw new YamlInputError(`${file}: duplicate key ${JSON.stringify(key)}${at(pair.key)}`);
      keys.add(key);
      if (isAlias(pair.key)) visit(pair.key, path, depth + 1);
      const p = path ? `${path}.${String(key)}` : String(key);
      const target = (pair.value ?? pair.key) as Node | null;
      if (target?.range) index.set(p, target.range[0]);
      visit(pair.value, p, depth + 1);
    }
  };
  visit(root, '', 1);
  return index;
}
