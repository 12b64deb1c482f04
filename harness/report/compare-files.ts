import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { envDifferences, type EnvRow } from './compare.js';
import { renderReport } from './render.js';
import { loadResult } from './load-result.js';
import { uniqueLabels, type LabeledResult } from './steps.js';

export interface CompareOptions {
  files: string[];
  /** One label per file; default: each result's target impl (made unique). */
  labels?: string[];
  /** Which result is "ours": a label or a 0-based index; default the first file. */
  primary?: string;
  outDir?: string;
  title?: string;
}

/** Default output folder of `gw-bench compare`: reports/compare-YYYYMMDD-HHMMSS. */
export function defaultCompareDir(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('reports', `compare-${stamp}`);
}

/** Resolve --primary (label or index) to an index; a bad value is a usage error naming the choices. */
export function resolvePrimary(primary: string | undefined, labels: readonly string[]): number {
  if (primary === undefined) return 0;
  const byLabel = labels.indexOf(primary);
  if (byLabel >= 0) return byLabel;
  if (/^\d+$/.test(primary) && Number(primary) < labels.length) return Number(primary);
  throw new UsageError(`--primary: ${JSON.stringify(primary)} is neither a label (${labels.join(', ')}) nor an index 0..${labels.length - 1}`);
}

/** Load recorded results and render their comparison report. Every file is checked before anything is written. */
export async function compareFiles(opts: CompareOptions): Promise<{ html: string; md: string; charts: string[]; outDir: string; results: LabeledResult[]; primary: number; envDiffs: EnvRow[] }> {
  if (opts.files.length === 0) throw new UsageError('compare: name at least one result file');
  if (opts.labels && opts.labels.length !== opts.files.length) {
    throw new UsageError(`--labels: ${opts.labels.length} label(s) (${opts.labels.join(',')}) for ${opts.files.length} file(s); give one per file`);
  }
  const loaded: LabeledResult[] = [];
  for (const [i, file] of opts.files.entries()) {
    const result = await loadResult(file);
    loaded.push({ label: opts.labels?.[i] ?? result.target.impl, result, file });
  }
  const results = uniqueLabels(loaded);
  const primary = resolvePrimary(opts.primary, results.map((r) => r.label));
  const outDir = opts.outDir ?? defaultCompareDir();
  const paths = await renderReport({ results, outDir, title: opts.title, primary });
  return { ...paths, outDir, results, primary, envDiffs: envDifferences(results) };
}
