import { createCanvas, loadImage } from '@napi-rs/canvas';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadResult } from '../harness/report/load-result.js';
import { renderReport } from '../harness/report/render.js';

/**
 * Screenshot a report the way a person sees it: headless Chromium renders report.html, then
 * the PNG is downscaled until it fits the size budget (it is committed as docs/report-screenshot.png).
 *
 *   node dist/scripts/screenshot-report.js [report.html] [--out docs/report-screenshot.png]
 *
 * Without a report.html it renders the fixture comparison (test/fixtures/results) first.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: join(REPO, 'docs/report-screenshot.png') },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '2000' },
    'max-bytes': { type: 'string', default: String(400 * 1024) },
    chromium: { type: 'string', default: process.env['CHROMIUM'] ?? '/usr/bin/chromium' },
  },
});

const work = await mkdtemp(join(tmpdir(), 'gwb-shot-'));
try {
  let html = positionals[0];
  if (!html) {
    const f = (n: string) => join(REPO, 'test/fixtures/results', n);
    const results = [
      { label: 'ts-ref', result: await loadResult(f('ours-ts-ref.json')), file: 'test/fixtures/results/ours-ts-ref.json' },
      { label: 'go', result: await loadResult(f('theirs-go.json')), file: 'test/fixtures/results/theirs-go.json' },
    ];
    html = (await renderReport({ results, outDir: join(work, 'report') })).html;
  }
  if (!existsSync(html)) throw new Error(`${html}: no such file`);
  if (!existsSync(values.chromium)) throw new Error(`${values.chromium} not found: apt-get install -y chromium (or set --chromium)`);
  const raw = join(work, 'raw.png');
  // Flags keep Chromium off the network and out of any profile; the report needs neither.
  await execa(values.chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${raw}`,
    `--window-size=${values.width},${values.height}`, pathToFileURL(resolve(html)).href,
  ], { timeout: 60_000, forceKillAfterDelay: 2_000, reject: true, stdout: 'ignore', stderr: 'ignore' });
  const image = await loadImage(await readFile(raw));
  const maxBytes = Number(values['max-bytes']);
  let png: Buffer | null = null;
  for (let scale = 0.75; scale >= 0.3; scale -= 0.05) {
    const canvas = createCanvas(Math.round(image.width * scale), Math.round(image.height * scale));
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    png = await canvas.encode('png');
    if (png.length <= maxBytes) {
      console.log(`${values.out}: ${canvas.width}x${canvas.height}, ${png.length} bytes (scale ${scale.toFixed(2)} of ${image.width}x${image.height})`);
      break;
    }
    png = null;
  }
  if (!png) throw new Error(`could not fit the screenshot in ${maxBytes} bytes`);
  await writeFile(values.out, png);
} finally {
  await rm(work, { recursive: true, force: true });
}
