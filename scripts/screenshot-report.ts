import { createCanvas, loadImage } from '@napi-rs/canvas';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCharts } from '../harness/report/charts/index.js';
import { referenceIndex } from '../harness/report/headline-ratios.js';
import { loadRecorded } from '../harness/report/recorded-table.js';
import { renderChartPng } from '../harness/report/render-chart.js';
import { renderReport } from '../harness/report/render.js';
import { reportData, type LabeledResult } from '../harness/report/steps.js';

/**
 * The README's two pictures, from the committed results in baselines/recorded/ (the
 * `headline` scenario when recorded, else the scenario with the most implementations):
 *
 * - docs/report-charts.png: the six headline charts, one above the other, each drawn at
 *   900 px wide (the README's display width), so their 14 px labels stay 14 px;
 * - docs/report-screenshot.png: the top of report.html (summary, ratios against the
 *   reference, the list of cells that are not results), photographed by headless Chromium
 *   at 1000 px wide and kept at full scale.
 *
 *   node dist/scripts/screenshot-report.js [--dir baselines/recorded] [--scenario name]
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(REPO, 'baselines/recorded') },
    scenario: { type: 'string' },
    charts: { type: 'string', default: join(REPO, 'docs/report-charts.png') },
    out: { type: 'string', default: join(REPO, 'docs/report-screenshot.png') },
    width: { type: 'string', default: '1000' },
    height: { type: 'string', default: '1400' },
    chromium: { type: 'string', default: process.env['CHROMIUM'] ?? '/usr/bin/chromium' },
  },
});

function pickGroup(groups: Map<string, LabeledResult[]>): [string, LabeledResult[]] {
  if (values.scenario) {
    const g = groups.get(values.scenario);
    if (!g) throw new Error(`no recorded results of scenario ${values.scenario} in ${values.dir} (have: ${[...groups.keys()].join(', ')})`);
    return [values.scenario, g];
  }
  const headline = groups.get('headline');
  if (headline) return ['headline', headline];
  const best = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  if (!best) throw new Error(`no recorded results in ${values.dir}`);
  return best;
}

/** The six headline charts stacked, at 1x (the renderer draws at 2x; halving keeps text crisp). */
async function chartsImage(results: LabeledResult[]): Promise<Buffer> {
  const specs = buildCharts(reportData(results)).filter((c) => c.id.startsWith('headline-'));
  // Every recorded result is gw-bench's open-model engine (the README says so): the long engine line would only shrink the titles' room.
  if (results.every((r) => r.result.stages.every((s) => (s.engine ?? 'gw-bench') === 'gw-bench'))) {
    for (const s of specs) (s.config.options.plugins as Record<string, { display?: boolean }>)['subtitle']!.display = false;
  }
  const images = await Promise.all(specs.map(async (s) => loadImage(await renderChartPng(s))));
  const width = specs[0]!.width;
  const height = specs.reduce((n, s) => n + s.height, 0);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  let y = 0;
  specs.forEach((s, i) => { ctx.drawImage(images[i]!, 0, y, s.width, s.height); y += s.height; });
  return canvas.encode('png');
}

const work = await mkdtemp(join(tmpdir(), 'gwb-shot-'));
try {
  const [name, results] = pickGroup(await loadRecorded(values.dir));
  const files = results.map((r) => ({ ...r, file: `baselines/recorded/${r.file}` }));
  const charts = await chartsImage(files);
  await writeFile(values.charts, charts);
  console.log(`${values.charts}: six headline charts of ${name} (${results.map((r) => r.label).join(', ')}), ${charts.length} bytes`);

  const { html } = await renderReport({ results: files, outDir: join(work, 'report'), title: `gw-bench: ${name}, recorded results`, primary: referenceIndex(files, 0) });
  if (!existsSync(values.chromium)) throw new Error(`${values.chromium} not found: apt-get install -y chromium (or set --chromium)`);
  const raw = join(work, 'raw.png');
  // Flags keep Chromium off the network and out of any profile; the report needs neither.
  await execa(values.chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${raw}`,
    `--window-size=${values.width},${values.height}`, pathToFileURL(resolve(html)).href,
  ], { timeout: 120_000, forceKillAfterDelay: 2_000, reject: true, stdout: 'ignore', stderr: 'ignore' });
  // Full scale: a downscaled page is what made the old picture's text about 5 px high.
  const image = await loadImage(await readFile(raw));
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  const png = await canvas.encode('png');
  await writeFile(values.out, png);
  console.log(`${values.out}: ${image.width}x${image.height}, ${png.length} bytes`);
} finally {
  await rm(work, { recursive: true, force: true });
}
