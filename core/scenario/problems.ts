import { Ajv, type ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { scenarioSchema } from './schema.js';

/** One thing wrong with a scenario: where, what was there, what was expected. */
export interface Problem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

const UNIT_EXPECTATION: Record<string, string> = {
  duration: 'a duration like 500ms, 20s or 2m',
  count: 'a non-negative whole count like 500, 1k or 100k',
  rate: 'a rate like 2000/s or 120k/min',
  size: 'a size like 512B, 2KB or 1MiB',
  percent: 'a percentage like 0.1% (or a fraction 0..1)',
  cpulist: 'a CPU list like "1", "0-1", "0,2", or "auto"/"none"',
  workers: '"auto" or a positive integer',
  'rate-or-capacity': 'a rate like 2000/s, or "capacity"',
};

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
    ajv.addVocabulary(['x-unit']);
    compiled = ajv.compile(scenarioSchema);
  }
  return compiled;
}

/** JSON pointer `/load/stages/0/rate` -> `load.stages[0].rate`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Check a parsed scenario document against the schema; every problem, not just the first. */
export function schemaProblems(doc: unknown): Problem[] {
  const validate = validator();
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  const problems: Problem[] = [];
  const unitPaths = new Set<string>();

  // Unit-typed fields fail as an `anyOf`: report them once, with the expected format.
  for (const e of errors) {
    const unitKind = (e.parentSchema as Record<string, unknown> | undefined)?.['x-unit'];
    if (e.keyword === 'anyOf' && typeof unitKind === 'string') {
      unitPaths.add(e.instancePath);
      problems.push({ path: pointerToPath(e.instancePath), message: `${show(e.data)} is not ${UNIT_EXPECTATION[unitKind] ?? unitKind}` });
    }
  }
  // Prefix lookups, not a scan of every unit path per error: linear in the number of errors.
  const underUnit = (p: string): boolean => {
    for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) { if (unitPaths.has(q)) return true; if (!q) return false; }
  };

  const seen = new Set<string>();
  for (const e of errors) {
    if (underUnit(e.instancePath) || e.keyword === 'anyOf') continue;
    const path = pointerToPath(e.instancePath);
    let p: Problem;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
        const guess = allowed.length ? closest(key, allowed) : undefined;
        const hint = guess && distance(key, guess) <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${guess}"?)` : '';
        const at = e.instancePath ? `${path}.${key}` : key;
        p = { path: at, message: `unknown key${hint}; allowed here: ${allowed.join(', ')}` };
        break;
      }
      case 'required':
        p = { path: e.instancePath ? `${path}.${(e.params as { missingProperty: string }).missingProperty}` : (e.params as { missingProperty: string }).missingProperty, message: 'is required' };
        break;
      case 'enum':
        p = { path, message: `${show(e.data)} is not one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map(show).join(', ')}` };
        break;
      case 'const':
        p = { path, message: `${show(e.data)} must be ${show((e.params as { allowedValue: unknown }).allowedValue)}` };
        break;
      case 'maximum':
        // Seeds are the only capped integers: say why, since a bigger one would be truncated.
        p = { path, message: `${show(e.data)} is above ${(e.params as { limit: number }).limit}${/seed$/.test(path) ? ' (seeds are 32-bit unsigned)' : ''}` };
        break;
      case 'type':
        p = { path, message: `${show(e.data)} must be ${(e.params as { type: string }).type}` };
        break;
      case 'pattern':
        p = { path, message: `${show(e.data)} has the wrong format${(e.parentSchema as { description?: string })?.description ? ` (${(e.parentSchema as { description: string }).description})` : ''}` };
        break;
      default:
        p = { path, message: `${show(e.data)} ${e.message ?? 'is invalid'}` };
    }
    const key = `${p.path}|${p.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(p); }
  }
  return problems;
}
