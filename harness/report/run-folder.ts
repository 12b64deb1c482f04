import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { GwBenchError } from '../../core/errors.js';
import type { RunResult } from '../../core/result.js';
import { loadResult } from './load-result.js';
import { renderReport } from './render.js';
import { uniqueLabels, type LabeledResult } from './steps.js';

/** Entries of a run folder's compare.json: other results this run is compared with. */
export interface CompareEntry {
  /** null or absent: the result's target impl is used. */
  label: string | null;
  file: string;
}

/** Read `<folder>/compare.json` if present ([] when absent); paths are relative to the folder. Bad content is GW_ERR_RESULT_INVALID. */
export async function readCompareList(folder: string): Promise<CompareEntry[]> {
  const file = join(folder, 'compare.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GwBenchError('GW_ERR_RESULT_INVALID', `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new GwBenchError('GW_ERR_RESULT_INVALID', `${file}: not valid JSON (${(err as Error).message})`);
  }
  const problems: string[] = [];
  if (!Array.isArray(doc)) problems.push(`(root): ${JSON.stringify(doc)} is not an array of {"label", "file"}`);
  else doc.forEach((e: unknown, i) => {
    const o = e as Record<string, unknown> | null;
    const label = o?.['label'];
    if (label !== undefined && label !== null && (typeof label !== 'string' || label === '')) problems.push(`[${i}].label: ${JSON.stringify(label)} is not a non-empty string (or null)`);
    if (typeof o?.['file'] !== 'string' || o['file'] === '') problems.push(`[${i}].file: ${JSON.stringify(o?.['file'])} is not a non-empty string`);
  });
  if (problems.length) throw new GwBenchError('GW_ERR_RESULT_INVALID', `${file}: ${problems.length} problem(s)`, { details: problems });
  return (doc as CompareEntry[]).map((e) => ({ label: e.label ?? null, file: isAbsolute(e.file) ? e.file : resolve(folder, e.file) }));
}

/** The results a run folder's report shows: its result.json first (labelled by target impl), then compare.json entries. */
export async function runFolderResults(folder: string): Promise<LabeledResult[]> {
  const file = join(folder, 'result.json');
  const result = await loadResult(file);
  const others = await readCompareList(folder);
  const out: LabeledResult[] = [{ label: result.target.impl, result, file }];
  for (const e of others) {
    const other = await loadResult(e.file);
    out.push({ label: e.label ?? other.target.impl, result: other, file: e.file });
  }
  return uniqueLabels(out);
}

/** Re-render the report of a run folder (result.json + compare.json) into outDir (default: the folder). */
export async function reportRunFolder(folder: string, outDir = folder): Promise<{ html: string; md: string; charts: string[] }> {
  return renderReport({ results: await runFolderResults(folder), outDir });
}

/**
 * The report `run` writes at its end: the run's result compared with the scenario's compare
 * list. compare.json keeps the list so `gw-bench report <folder>` re-renders the same
 * comparison; a compared result that is missing or unreadable is skipped with a log line.
 */
export async function reportRun(o: { result: RunResult; dir: string; name: string; compare: readonly CompareEntry[]; log: (line: string) => void }): Promise<void> {
  const compare = o.compare.filter((c) => existsSync(c.file)).map((c) => ({ label: c.label, file: c.file }));
  await writeFile(join(o.dir, 'compare.json'), `${JSON.stringify(compare, null, 2)}\n`);
  const results: LabeledResult[] = [{ label: o.result.target.impl, result: o.result }];
  for (const c of compare) {
    try {
      const cr = await loadResult(c.file);
      results.push({ label: c.label ?? cr.target.impl, result: cr });
    } catch (e) {
      o.log(`compare: skipped ${c.file}: ${(e as Error).message}`);
    }
  }
  await renderReport({ results, outDir: o.dir, title: `${o.name}: ${results.map((x) => x.label).join(' vs ')}` });
}
