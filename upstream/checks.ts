import { Problems } from '../core/problems/problem.js';
import { schemaProblems } from '../core/problems/schema.js';
import { parseDuration, parsePercent } from '../core/units.js';
import { latencySchema } from './config-schema.js';
import type { LatencyModel } from './latency.js';

/** The parameters each latency model takes. */
const MODEL_PARAMS: Record<LatencyModel['model'], readonly string[]> = { constant: ['ms'], uniform: ['min', 'max'], lognormal: ['p50', 'p99'] };

/** Problems of a sub-document, with paths under `path`. */
export function schemaProblemsAt(schema: Record<string, unknown>, v: unknown, path: string, p: Problems): boolean {
  const found = schemaProblems(schema, v);
  for (const x of found) p.list.push({ ...x, path: x.path === '(root)' ? path : `${path}.${x.path}` });
  return found.length === 0;
}

/**
 * A latency model whose shape the schema accepted: the rules across its fields (which
 * parameters the model takes, max >= min, p99 >= p50 > 0). Undefined, with problems, when broken.
 */
export function latencyRules(v: Record<string, unknown>, path: string, p: Problems): LatencyModel | undefined {
  const model = v.model as LatencyModel['model'];
  const params = MODEL_PARAMS[model];
  const before = p.length;
  for (const k of Object.keys(v)) if (k !== 'model' && !params.includes(k)) p.add(`${path}.${k}`, `is not a parameter of model ${model}`, `model ${model} takes ${params.join(', ')}`);
  for (const k of params) if (v[k] === undefined) p.add(`${path}.${k}`, `is required for model ${model}`);
  if (p.length > before) return undefined;
  const ms = (k: string): number => parseDuration(v[k], `${path}.${k}`);
  switch (model) {
    case 'constant': return { model, ms: ms('ms') };
    case 'uniform': {
      const [min, max] = [ms('min'), ms('max')];
      if (max < min) { p.value(`${path}.max`, v.max, `is not >= min (${min})`); return undefined; }
      return { model, min, max };
    }
    case 'lognormal': {
      const [p50, p99] = [ms('p50'), ms('p99')];
      if (p50 <= 0) { p.value(`${path}.p50`, v.p50, 'is not > 0 (a log-normal median must be positive)'); return undefined; }
      if (p99 < p50) { p.value(`${path}.p99`, v.p99, `is not >= p50 (${p50})`); return undefined; }
      return { model, p50, p99 };
    }
  }
}

/** A latency model from untrusted input (admin API): schema, then the rules. */
export function checkLatency(v: unknown, path: string, p: Problems): LatencyModel | undefined {
  return schemaProblemsAt(latencySchema, v, path, p) ? latencyRules(v as Record<string, unknown>, path, p) : undefined;
}

/** Milliseconds >= 0 from a number or a duration string. */
export function checkMs(v: unknown, path: string, p: Problems): number | undefined {
  const ms = p.parse(path, () => parseDuration(v, path), undefined);
  return ms;
}

/** Error fraction 0..1 (a number or "5%"). */
export function checkRate(v: unknown, path: string, p: Problems): number | undefined {
  return p.parse(path, () => parsePercent(v, path), undefined);
}

/** HTTP status code an upstream may answer with (100..599). */
export function checkStatus(v: unknown, path: string, p: Problems): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  p.value(path, v, 'is not an HTTP status code 100..599');
  return undefined;
}

export { Problems };
