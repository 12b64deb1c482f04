import type { StageResult, TimelinePoint } from '../../../core/result.js';
import { GREY, withAlpha } from '../palette.js';
import type { LabeledResult } from '../steps.js';
import { chartSpec, logMsAxis } from './common.js';
import type { ChartSpec, MarksOptions } from './types.js';

type XY = { x: number; y: number | null };

/** Is this point a result (measurement phase of an ok stage)? */
function counts(p: TimelinePoint, byIndex: Map<number, StageResult>): boolean {
  return p.phase === 'measure' && byIndex.get(p.stage)?.status === 'ok';
}

/**
 * Chart 7 (one per implementation): per-second p50 / p99 from the timeline, stage
 * boundaries as vertical lines, warm-up shaded grey, stages that are not results shaded
 * red and their points drawn grey.
 */
export function latencyOverTimeChart(entry: LabeledResult, index: number, colour: string): ChartSpec {
  const { label, result } = entry;
  const byIndex = new Map(result.stages.map((s) => [s.index, s]));
  const points = result.stages.flatMap((s) => s.timeline).sort((a, b) => a.t - b.t);
  const pick = (want: boolean, key: 'p50' | 'p99'): XY[] => points.map((p) => ({ x: p.t, y: counts(p, byIndex) === want ? p[key] : null }));
  const marks: MarksOptions = { bands: [], lines: [] };
  const notes: string[] = [];
  for (const s of result.stages) {
    const tl = [...s.timeline].sort((a, b) => a.t - b.t);
    if (tl.length === 0) {
      if (s.status !== 'ok') notes.push(`${s.name}: ${s.status}, no timeline`);
      continue;
    }
    marks.lines.push({ x: tl[0]!.t, label: s.name });
    const warm = tl.filter((p) => p.phase === 'warmup');
    if (warm.length) marks.bands.push({ from: warm[0]!.t, to: warm[warm.length - 1]!.t + 1, colour: 'rgba(120,120,120,0.15)', label: 'warm-up' });
    if (s.status !== 'ok') {
      marks.bands.push({ from: tl[0]!.t, to: tl[tl.length - 1]!.t + 1, colour: 'rgba(198,40,40,0.12)', label: s.status });
      notes.push(`${s.name}: ${s.status} (drawn grey, not a result)`);
    }
  }
  const datasets = [
    { label: 'p99', data: pick(true, 'p99'), borderColor: colour, backgroundColor: colour, borderWidth: 2, pointRadius: 0, spanGaps: false },
    { label: 'p50', data: pick(true, 'p50'), borderColor: colour, backgroundColor: withAlpha(colour, 0.5), borderDash: [4, 3], borderWidth: 1.5, pointRadius: 0, spanGaps: false },
    { label: 'p99 during warm-up or in stages that are not results', data: pick(false, 'p99'), borderColor: GREY, backgroundColor: GREY, borderWidth: 1.5, pointRadius: 0, spanGaps: false },
  ];
  const title = `Latency over time: ${label} (per-second p50 / p99)`;
  return chartSpec({
    id: `latency-over-time-${index}`,
    title,
    caption: 'Per-second percentiles of intended-send-time latency. Vertical lines start stages; grey bands are warm-up (discarded), red bands stages that are not results.',
    notes,
    type: 'line',
    data: { datasets },
    options: { parsing: false, scales: { x: { type: 'linear', title: { display: true, text: 'seconds since run start' } }, y: logMsAxis('latency (ms, log)') } },
    plugins: { gwMarks: marks },
  });
}
