import { colourOf } from '../palette.js';
import { connLabel, hasFigures, headline, type Headline, type HeadlineMetric } from '../headline.js';
import type { ReportData } from '../steps.js';
import { chartSpec, invalidSeries } from './common.js';
import type { ChartSpec } from './types.js';

/**
 * The headline charts (issue 16): one per figure, connections on the x axis, one line per
 * implementation in its fixed colour. A cell that is not a result is a gap (an invalid
 * stage's figure a faded hollow point); why is listed once for the whole report
 * (headlineNotes), so these charts carry no per-cell notes.
 */
const AXES: Record<HeadlineMetric['id'], { y: Record<string, unknown>; scale?: (v: number) => number; caption: string }> = {
  capacity: {
    y: { beginAtZero: true, title: { display: true, text: 'req/s within the SLO' } },
    caption: 'Highest offered rate whose p99 (from intended send time) and error rate met the SLO, every held connection active; the dashed tick above each point is the lowest rate that failed, so the true capacity lies between. Higher is better.',
  },
  'p99-fixed': {
    y: { type: 'logarithmic', title: { display: true, text: 'p99 (ms, log)' } },
    caption: 'p99 from intended send time at the same offered rate for every implementation and step. Lower is better.',
  },
  'rss-per-connection': {
    y: { type: 'logarithmic', title: { display: true, text: 'KiB per connection (log)' } },
    caption: 'RSS of the whole process tree at the end of the window divided by the established connections. Lower is better.',
  },
  'heap-residency': {
    y: { min: 0, max: 100, title: { display: true, text: 'heap used / RSS (%)' } },
    caption: 'Share of the resident memory that is live heap (the runtime\'s own figure, summed over processes).',
  },
  'upstream-reuse': {
    y: { max: 100, title: { display: true, text: 'requests on a reused upstream connection (%)' } },
    caption: 'Gateway-to-upstream connection reuse, counted by the mock upstreams inside the window: 1 - connections opened / requests. Higher is better.',
  },
  'cpu-per-request': {
    y: { beginAtZero: true, title: { display: true, text: 'CPU per request (µs)' } },
    caption: 'CPU seconds (user + system) of the target\'s whole process tree in the window divided by its requests. Lower is better.',
  },
};

/** Bigger type than the detail charts: these are read in the README at their displayed size. */
const FONT = { size: 14 };

function metricChart(h: Headline, m: HeadlineMetric, results: ReportData['results']): ChartSpec {
  const axis = AXES[m.id];
  const datasets: unknown[] = [];
  m.cells.forEach((row, i) => {
    const colour = colourOf(results, i);
    const label = h.labels[i]!;
    datasets.push({ label, data: row.map((c) => c.value), borderColor: colour, backgroundColor: colour, borderWidth: 3, pointRadius: 4, spanGaps: false });
    if (m.id === 'capacity' && row.some((c) => c.above != null)) {
      datasets.push({ label: `${label}: first failing rate`, data: row.map((c) => (c.value === null ? null : c.above ?? null)), borderColor: colour, backgroundColor: colour, showLine: false, pointStyle: 'dash', pointRadius: 10, borderWidth: 2 });
    }
    const shadow = invalidSeries(label, row.map((c) => (c.value === null ? c.shadow ?? null : null)), colour);
    if (shadow) datasets.push(shadow);
  });
  const title = `${m.title[0]!.toUpperCase()}${m.title.slice(1)} by connections`;
  const scales = {
    x: { title: { display: true, text: 'connections held open', font: FONT }, ticks: { font: FONT } },
    y: { ...axis.y, title: { ...(axis.y['title'] as object), font: FONT }, ticks: { font: FONT } },
  };
  const spec = chartSpec({
    id: `headline-${m.id}`, title, caption: axis.caption, notes: [], type: 'line',
    data: { labels: h.steps.map(connLabel), datasets }, options: { scales },
  });
  const plugins = spec.config.options.plugins as Record<string, Record<string, unknown>>;
  plugins['title']!['font'] = { size: 18, weight: 'bold' };
  // One legend entry per implementation: the faded invalid points and capacity brackets are explained in the caption.
  plugins['legend']!['labels'] = { boxWidth: 28, font: FONT, filter: (item: { text: string }) => !/INVALID stage|first failing rate/.test(item.text) };
  // An empty chart says so in its plot area (drawn by render-chart.ts), instead of looking like zero.
  if (!hasFigures(m)) plugins['gwEmpty'] = { text: `No figure in these results: ${m.cells[0]?.[0]?.why ?? 'not recorded'}` };
  return { ...spec, caption: `${spec.caption} Faded hollow points: figures of invalid stages, not results.` };
}

/** The six headline charts, in the order. */
export function headlineCharts(data: ReportData): ChartSpec[] {
  const h = headline(data.results);
  return h.metrics.map((m) => metricChart(h, m, data.results));
}
