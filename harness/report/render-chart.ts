import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type Plugin } from 'chart.js';
import type { ChartSpec, MarksOptions } from './charts/types.js';

/** Pixels per CSS pixel: 2 keeps text sharp when the PNG is shown at its CSS size. */
export const PIXEL_RATIO = 2;

/** White background: PNGs are transparent by default and unreadable on dark viewers. */
const background: Plugin = {
  id: 'gwBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Draws options.plugins.gwMarks: shaded x-ranges (warm-up, invalid stages) and labelled vertical lines (stage starts). */
const marks: Plugin = {
  id: 'gwMarks',
  beforeDatasetsDraw(chart, _args, opts) {
    const m = opts as Partial<MarksOptions> | undefined;
    const x = chart.scales['x'];
    if (!m || !x) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    for (const band of m.bands ?? []) {
      const from = Math.max(x.getPixelForValue(band.from), chartArea.left);
      const to = Math.min(x.getPixelForValue(band.to), chartArea.right);
      if (to <= from) continue;
      ctx.fillStyle = band.colour;
      ctx.fillRect(from, chartArea.top, to - from, chartArea.bottom - chartArea.top);
    }
    ctx.strokeStyle = '#555555';
    ctx.fillStyle = '#333333';
    ctx.setLineDash([3, 3]);
    ctx.font = '11px sans-serif';
    for (const line of m.lines ?? []) {
      const px = x.getPixelForValue(line.x);
      if (px < chartArea.left - 1 || px > chartArea.right + 1) continue;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(line.label, px + 3, chartArea.top + 12);
    }
    ctx.restore();
  },
};

/** Draws options.plugins.gwEmpty.text in the middle of the plot area of a chart with no figure at all. */
const empty: Plugin = {
  id: 'gwEmpty',
  afterDraw(chart, _args, opts) {
    const text = (opts as { text?: string } | undefined)?.text;
    if (!text) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.fillStyle = '#5d4037';
    ctx.font = 'italic 15px sans-serif';
    ctx.textAlign = 'center';
    const words = text.split(' ');
    const lines: string[] = [];
    for (const w of words) {
      const last = lines[lines.length - 1];
      if (last !== undefined && ctx.measureText(`${last} ${w}`).width < chartArea.right - chartArea.left - 40) lines[lines.length - 1] = `${last} ${w}`;
      else lines.push(w);
    }
    const mid = (chartArea.top + chartArea.bottom) / 2 - ((lines.length - 1) * 20) / 2;
    lines.forEach((l, i) => ctx.fillText(l, (chartArea.left + chartArea.right) / 2, mid + i * 20));
    ctx.restore();
  },
};

Chart.register(...registerables, background, marks, empty);

/** Draw one chart spec with chart.js on a @napi-rs/canvas and return the PNG bytes. */
export async function renderChartPng(spec: ChartSpec): Promise<Buffer> {
  const canvas = createCanvas(spec.width, spec.height);
  const { config } = spec;
  const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
    ...config,
    options: { ...config.options, animation: false, responsive: false, devicePixelRatio: PIXEL_RATIO },
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
