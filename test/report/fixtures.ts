import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResult } from '../../harness/report/load-result.js';
import type { LabeledResult } from '../../harness/report/steps.js';

/** Source folder of the committed fixture results (tests run from dist/test/report). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/results');
export const REPO = resolve(FIXTURES, '../../..');

export const OURS = resolve(FIXTURES, 'ours-ts-ref.json');
export const GO = resolve(FIXTURES, 'theirs-go.json');
export const SPRING = resolve(FIXTURES, 'other-machine-spring.json');

/** Load fixtures as labelled results: ours (ts-ref) first. */
export async function labelled(...files: string[]): Promise<LabeledResult[]> {
  const labels: Record<string, string> = { [OURS]: 'ts-ref', [GO]: 'go', [SPRING]: 'spring' };
  return Promise.all(files.map(async (file) => ({ label: labels[file] ?? file, result: await loadResult(file), file })));
}

/** A dataset of a chart config by its label (fails loudly when absent). */
export function dataset(config: { data: { datasets: Array<{ label?: string }> } }, label: string): any {
  const d = config.data.datasets.find((x) => x.label === label);
  if (!d) throw new Error(`no dataset "${label}" in [${config.data.datasets.map((x) => x.label).join(' | ')}]`);
  return d;
}
