import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { show, type Problem } from './problem.js';
import { UNIT_EXPECTATION } from './units-schema.js';

/**
 * Check a document against a JSON Schema (ajv, every error, not just the first) and say
 * each problem the way a user reads it: its path, what was there, what was expected, and
 * a suggestion for a misspelt key or value. Used for scenarios, the gateway config and the
 * mock upstreams config.
 */

const compiled = new WeakMap<object, ValidateFunction>();
const RANGE = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function validator(schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
    ajv.addVocabulary(['x-unit']);
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
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

/** A close spelling among `options`, as a suggestion, or undefined. */
export function didYouMean(word: string, options: readonly string[]): string | undefined {
  const guess = options.length ? closest(word, [...options]) : undefined;
  return guess && distance(word, guess) <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean ${JSON.stringify(guess)}?` : undefined;
}

function problemOf(e: ErrorObject): Problem {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    const description = (e.parentSchema as { description?: string } | undefined)?.description;
    return { path: `${path}.${e.propertyName}`, message: `${show(e.propertyName)} is not a valid name here${description ? ` (${description})` : ''}` };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = params.additionalProperty as string;
      const allowed = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
      const hint = didYouMean(key, allowed);
      return { path: e.instancePath ? `${path}.${key}` : key, message: 'unknown key', suggestion: `${hint ? `${hint} ` : ''}allowed here: ${allowed.join(', ')}` };
    }
    case 'required':
      return { path: e.instancePath ? `${path}.${params.missingProperty as string}` : params.missingProperty as string, message: 'is required' };
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
      return { path, message: `${show(e.data)} is not one of ${allowed.map(show).join(', ')}`, ...(hint ? { suggestion: hint } : {}) };
    }
    case 'const':
      return { path, message: `${show(e.data)} must be ${show(params.allowedValue)}` };
    case 'maximum':
      // Seeds: say why, since a bigger one would once have been truncated silently.
      if (/seed$/.test(path)) return { path, message: `${show(e.data)} is above ${params.limit as number} (seeds are 32-bit unsigned)` };
      return { path, message: `${show(e.data)} ${e.message ?? 'is too large'}` };
    case 'type':
      // A list of types (`["integer", "null"]`) reads as "integer or null".
      return { path, message: `${show(e.data)} must be ${String(params.type).split(',').join(' or ')}` };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string })?.description;
      return { path, message: `${show(e.data)} has the wrong format${description ? ` (${description})` : ''}` };
    }
    default:
      return { path, message: `${show(e.data)} ${e.message ?? 'is invalid'}` };
  }
}

type Schema = Record<string, unknown>;
const NUMERIC = /^[0-9]+(\.[0-9]+)?$/;

function acceptsNumber(schema: Schema): boolean {
  const t = schema.type;
  if (t === 'number' || t === 'integer' || (Array.isArray(t) && (t.includes('number') || t.includes('integer')))) return true;
  return Array.isArray(schema.anyOf) && (schema.anyOf as Schema[]).some(acceptsNumber);
}

/**
 * Turn numeric strings into numbers wherever `schema` accepts a number, in place and in one
 * direction only (ajv's coerceTypes would also turn 0 into "0"). Environment variables are
 * strings: GW_LISTEN_PORT=9090 means the number.
 */
export function coerceNumericStrings(schema: Schema, doc: unknown): unknown {
  if (typeof doc === 'string') return NUMERIC.test(doc.trim()) && acceptsNumber(schema) ? Number(doc) : doc;
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
  for (const b of branches) {
    if (Array.isArray(doc) && b.items) doc.forEach((v, i) => { doc[i] = coerceNumericStrings(b.items as Schema, v); });
    else if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const o = doc as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const sub = (b.properties as Record<string, Schema> | undefined)?.[k] ?? (typeof b.additionalProperties === 'object' ? b.additionalProperties as Schema : undefined);
        if (sub) o[k] = coerceNumericStrings(sub, o[k]);
      }
    }
  }
  return doc;
}

/** Every problem of `doc` against `schema`. */
export function schemaProblems(schema: Record<string, unknown>, doc: unknown): Problem[] {
  const validate = validator(schema);
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  const problems: Problem[] = [];
  const unitPaths = new Set<string>();

  // Unit-typed fields fail as an `anyOf`: report them once, with the expected format.
  for (const e of errors) {
    const unitKind = (e.parentSchema as Record<string, unknown> | undefined)?.['x-unit'];
    if (e.keyword === 'anyOf' && typeof unitKind === 'string') {
      unitPaths.add(e.instancePath);
      // A number out of range also says the range (`0 ... (must be >= 1)`): 0 is a count, just not an allowed one.
      const range = typeof e.data === 'number' ? errors.find((x) => x.instancePath === e.instancePath && RANGE.has(x.keyword)) : undefined;
      problems.push({ path: pointerToPath(e.instancePath), message: `${show(e.data)} is not ${UNIT_EXPECTATION[unitKind] ?? unitKind}${range ? ` (${range.message})` : ''}` });
    }
  }
  // Prefix lookups, not a scan of every unit path per error: linear in the number of errors.
  const underUnit = (p: string): boolean => {
    for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) { if (unitPaths.has(q)) return true; if (!q) return false; }
  };
  const seen = new Set<string>();
  for (const e of errors) {
    if (underUnit(e.instancePath) || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const p = problemOf(e);
    const key = `${p.path}|${p.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(p); }
  }
  return problems;
}
