/**
 * JSON Schema pieces for the unit-typed values every gw-bench input accepts (core/units.ts
 * parses them): a number, or a string with a unit. They carry `x-unit`, which
 * schemaProblems() uses to say what was expected instead of ajv's anyOf noise.
 */

export type Json = Record<string, unknown>;

const num = '([0-9]+(\\.[0-9]+)?|\\.[0-9]+)';
const unit = (kind: string, pattern: string, numberSchema: Json, description: string): Json => ({
  'x-unit': kind,
  description,
  anyOf: [numberSchema, { type: 'string', pattern }],
});

/** The pattern of a rate string (`2000/s`, `120k/min`). */
export const RATE_PATTERN = `^${num}\\s*[kKmM]?\\s*/\\s*(s|sec|m|min|h)$`;

export const duration = (description: string, minimum = 0): Json =>
  unit('duration', `^${num}\\s*(us|ms|s|m|h)$`, { type: 'number', minimum }, `${description} (e.g. 500ms, 20s, 2m; a bare number is ms)`);
export const count = (description: string, minimum = 0, maximum?: number): Json =>
  unit('count', `^${num}\\s*[kKmM]?$`, { type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) }, `${description} (e.g. 500, 1k, 100k)`);
export const rate = (description: string): Json =>
  unit('rate', RATE_PATTERN, { type: 'number', minimum: 0 }, `${description} (e.g. 2000/s, 120k/min)`);
export const size = (description: string, maximum?: number): Json =>
  unit('size', `^${num}\\s*([bB]|[kKmMgG][bB]|[kKmMgG]i[bB])$`, { type: 'integer', minimum: 0, ...(maximum === undefined ? {} : { maximum }) }, `${description} (e.g. 512B, 2KB, 1MiB)`);
export const percent = (description: string): Json =>
  unit('percent', `^${num}\\s*%$`, { type: 'number', minimum: 0, maximum: 1 }, `${description} (e.g. 0.1%, or a fraction 0..1)`);

/** What a unit-typed field expects, by its `x-unit`. */
export const UNIT_EXPECTATION: Record<string, string> = {
  duration: 'a duration like 500ms, 20s or 2m',
  count: 'a non-negative whole count like 500, 1k or 100k',
  rate: 'a rate like 2000/s or 120k/min',
  size: 'a size like 512B, 2KB or 1MiB',
  percent: 'a percentage like 0.1% (or a fraction 0..1)',
  cpulist: 'a CPU list like "1", "0-1", "0,2", or "auto"/"none"',
  workers: '"auto" or a positive integer',
  'rate-or-capacity': 'a rate like 2000/s, or "capacity"',
};
