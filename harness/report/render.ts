import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { RunResult } from '../../core/result.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildModel } from './model.js';
import { renderChartPng } from './render-chart.js';
import { uniqueLabels } from './steps.js';

/**
 * Render a report of one or more results into outDir: report.html (self-contained),
 * report.md (charts linked) and charts/*.png. Returns the paths written.
 * `primary` is the index of "ours" in comparisons (default 0).
 */
export async function renderReport(opts: { results: Array<{ label: string; result: RunResult; file?: string }>; outDir: string; title?: string; primary?: number }): Promise<{ html: string; md: string; charts: string[] }> {
  if (opts.results.length === 0) throw new UsageError('report: no results to render');
  const primary = opts.primary ?? 0;
  if (!Number.isInteger(primary) || primary < 0 || primary >= opts.results.length) {
    throw new UsageError(`report: primary ${primary} is not an index of the ${opts.results.length} result(s) (0..${opts.results.length - 1})`);
  }
  // Two results under one label would merge in charts and tables.
  const model = buildModel(uniqueLabels(opts.results), { title: opts.title, primary });
  const chartDir = join(opts.outDir, 'charts');
  await mkdir(chartDir, { recursive: true });
  const images = new Map<string, Buffer>();
  const charts: string[] = [];
  for (const spec of model.charts) {
    const png = await renderChartPng(spec);
    const file = join(chartDir, `${spec.id}.png`);
    await writeFile(file, png);
    images.set(spec.id, png);
    charts.push(file);
  }
  const html = join(opts.outDir, 'report.html');
  const md = join(opts.outDir, 'report.md');
  await writeFile(html, renderHtml(model, images));
  await writeFile(md, renderMarkdown(model));
  return { html, md, charts };
}
