import { HEIGHT, WIDTH, basePlugins } from '../report/charts/common.js';
import { implColour } from '../report/palette.js';
import type { ChartSpec } from '../report/charts/types.js';
import type { SoakResult } from './soak.js';

/** The soak curves: gateway RSS (left axis) and p99 latency (right axis) per window. */
export function soakChart(r: SoakResult): ChartSpec {
  const labels = r.windows.map((w) => `${w.minute.toFixed(w.minute % 1 ? 2 : 0)}`);
  const title = `Soak: ${r.minutes} min at ${r.rateRps}/s - RSS and p99 per ${r.windowS} s window (${r.verdict})`;
  const behind = r.windows.filter((w) => w.generatorValid === false).length;
  // The reasons can be long (the lag-bound rule in full); the chart says what and how many, the doc the rest.
  const notes = ['first minute left out of the drift (warm-up)', ...(behind ? [`hollow points: windows whose generator lag bound exceeded the allowance (${behind} of ${r.windows.length}), p99 not judged`] : [])];
  return {
    id: 'soak', title, caption: 'RSS of the gateway process tree (median of 5 s samples) and p99 latency from intended send time, per window.', notes,
    width: WIDTH, height: HEIGHT,
    config: {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'RSS (MiB)', data: r.windows.map((w) => w.rssMiB), borderColor: implColour(0), backgroundColor: implColour(0), yAxisID: 'rss' },
          {
            label: 'p99 (ms)', data: r.windows.map((w) => w.p99Ms), borderColor: implColour(1), backgroundColor: implColour(1), yAxisID: 'p99',
            pointBackgroundColor: r.windows.map((w) => (w.generatorValid === false ? '#ffffff' : implColour(1))), pointRadius: 5,
          },
        ],
      },
      options: {
        plugins: basePlugins(title, notes),
        scales: {
          x: { title: { display: true, text: 'minute (end of window)' } },
          rss: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'RSS (MiB)' } },
          p99: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: 'p99 (ms)' }, grid: { drawOnChartArea: false } },
        },
      },
    },
  };
}
