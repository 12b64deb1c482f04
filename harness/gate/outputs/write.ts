import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateReport } from '../report-model.js';
import { renderBmf } from './bmf.js';
import { renderJunit } from './junit.js';
import { renderSummary } from './summary-md.js';

/** Write gate.json, junit.xml, summary.md and bmf.json into `dir`; returns their paths. */
export async function writeGateOutputs(dir: string, report: GateReport): Promise<Record<'gate' | 'junit' | 'summary' | 'bmf', string>> {
  await mkdir(dir, { recursive: true });
  const files = { gate: join(dir, 'gate.json'), junit: join(dir, 'junit.xml'), summary: join(dir, 'summary.md'), bmf: join(dir, 'bmf.json') };
  await writeFile(files.gate, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.junit, renderJunit(report));
  await writeFile(files.summary, renderSummary(report));
  await writeFile(files.bmf, `${JSON.stringify(renderBmf(report), null, 2)}\n`);
  return files;
}
