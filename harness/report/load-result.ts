import { readFile } from 'node:fs/promises';
import { GwBenchError } from '../../core/errors.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../../core/result.js';
import { resultProblems } from '../../core/result-schema.js';
import { decodeHdr } from './hdr.js';

function invalid(file: string, what: string, details?: string[]): never {
  throw new GwBenchError('GW_ERR_RESULT_INVALID', `${file}: ${what}`, { details });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Histograms the schema can only check as strings: each must decode, or a chart would fail mid-render. */
function histogramProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const stages = Array.isArray(doc['stages']) ? doc['stages'] : [];
  stages.forEach((s: unknown, i: number) => {
    if (!isObject(s)) return;
    for (const key of ['hdr', 'serviceHdr']) {
      const v = s[key];
      if (typeof v !== 'string') continue;
      try {
        decodeHdr(v);
      } catch (err) {
        problems.push(`stages[${i}].${key}: "${v.slice(0, 16)}..." is not a compressed base64 HdrHistogram (${(err as Error).message})`);
      }
    }
  });
  return problems;
}

/** Read a result.json and check it against the result schema; a bad file throws GW_ERR_RESULT_INVALID (exit 2) naming the file. */
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
  if (doc['schemaVersion'] !== RESULT_SCHEMA_VERSION) {
    invalid(file, `schemaVersion is ${JSON.stringify(doc['schemaVersion'])}, this gw-bench reads version ${RESULT_SCHEMA_VERSION}`);
  }
  const problems = [...await resultProblems(doc), ...histogramProblems(doc)];
  if (problems.length > 0) invalid(file, `${problems.length} problem(s) in the result`, problems);
  return doc as unknown as RunResult;
}
