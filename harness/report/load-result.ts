import { readFile } from 'node:fs/promises';
import { GwBenchError } from '../../core/errors.js';
import { READABLE_SCHEMA_VERSIONS, RESULT_SCHEMA_VERSION, type RunResult } from '../../core/result.js';
import { decodeHdr } from './hdr.js';
import { upgradeResult } from './upgrade-result.js';

const STATUSES = new Set(['ok', 'invalid', 'not-reached', 'failed', 'interrupted']);

function invalid(file: string, what: string, details?: string[]): never {
  throw new GwBenchError('GW_ERR_RESULT_INVALID', `${file}: ${what}`, { details });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The fields the report reads, checked once here so rendering never meets a half result.
 * Returns one line per problem: path, value, expectation.
 */
export function resultProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const need = (path: string, value: unknown, ok: boolean, expected: string) => {
    if (!ok) problems.push(`${path}: ${JSON.stringify(value) ?? 'undefined'} is not ${expected}`);
  };
  need('target', doc['target'], isObject(doc['target']), 'an object');
  need('env', doc['env'], isObject(doc['env']), 'an object');
  need('scenario', doc['scenario'], isObject(doc['scenario']), 'an object');
  const stages = doc['stages'];
  need('stages', Array.isArray(stages) ? `[${(stages as unknown[]).length} items]` : stages, Array.isArray(stages), 'an array');
  if (!Array.isArray(stages)) return problems;
  stages.forEach((s: unknown, i: number) => {
    const at = `stages[${i}]`;
    if (!isObject(s)) { need(at, s, false, 'an object'); return; }
    need(`${at}.name`, s['name'], typeof s['name'] === 'string', 'a string');
    need(`${at}.status`, s['status'], STATUSES.has(s['status'] as string), `one of ${[...STATUSES].join(', ')}`);
    need(`${at}.connections`, s['connections'], typeof s['connections'] === 'number', 'a number');
    need(`${at}.serviceTimeMs`, s['serviceTimeMs'], s['serviceTimeMs'] === null || isObject(s['serviceTimeMs']), 'an object or null (engine cannot measure it)');
    for (const key of ['latencyMs', 'reuse', 'memory', 'generator', 'kernel', 'errors', 'connectionCounts']) {
      need(`${at}.${key}`, s[key], isObject(s[key]), 'an object');
    }
    need(`${at}.timeline`, s['timeline'], Array.isArray(s['timeline']), 'an array');
    for (const key of ['hdr', 'serviceHdr']) {
      const v = s[key];
      if (typeof v !== 'string') { need(`${at}.${key}`, v, false, 'a string (compressed base64 HdrHistogram, may be empty)'); continue; }
      if (v === '') continue;
      try {
        decodeHdr(v);
      } catch (err) {
        problems.push(`${at}.${key}: "${v.slice(0, 16)}..." is not a compressed base64 HdrHistogram (${(err as Error).message})`);
      }
    }
  });
  return problems;
}

/** Read a result.json and check its schemaVersion and shape; a bad file throws GW_ERR_RESULT_INVALID (exit 2) naming the file. */
export async function loadResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    invalid(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    invalid(file, `not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) invalid(file, 'not a JSON object');
  if (!READABLE_SCHEMA_VERSIONS.includes(doc['schemaVersion'] as number)) {
    invalid(file, `schemaVersion is ${JSON.stringify(doc['schemaVersion'])}, this gw-bench reads versions ${READABLE_SCHEMA_VERSIONS.join(' and ')} (writes ${RESULT_SCHEMA_VERSION})`);
  }
  const problems = resultProblems(doc);
  if (problems.length > 0) invalid(file, `${problems.length} problem(s) in the result`, problems);
  return upgradeResult(doc as unknown as RunResult);
}
