import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem } from './problem.js';

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

/** A YAML text parsed with line positions: its data, syntax problems, and a way to give problems their lines. */
export function parseYamlWithLines(text: string): { data: unknown; problems: Problem[]; addLines(problems: Problem[]): void } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return { data: undefined, problems: doc.errors.map((e) => ({ path: '(yaml)', line: e.linePos?.[0]?.line, message: e.message.split('\n')[0]! })), addLines: () => {} };
  }
  return {
    data: doc.toJS() as unknown,
    problems: [],
    addLines(problems) {
      for (const p of problems) p.line ??= lineOf(doc.contents as Node | null, p.path, lc);
      problems.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9));
    },
  };
}
