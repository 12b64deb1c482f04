import { MAX_MARK_X, mergeHdrs, percentileSpectrum } from '../hdr.js';
import { colourOf } from '../palette.js';
import { isMeasured, stageAt, type ReportData, type Step } from '../steps.js';
import { chartSpec, logMsAxis } from './common.js';
import type { ChartSpec } from './types.js';

/** Tick positions and labels of the nines axis. */
export const NINES_TICKS: ReadonlyArray<[number, string]> = [[0, '0%'], [1, '90%'], [2, '99%'], [3, '99.9%'], [4, '99.99%'], [MAX_MARK_X, 'max']];

/**
 * The step the spectrum is drawn for: the highest-connection step that every
 * implementation measured validly, so the lines compare the same work. Null when no step
 * is valid in all results (then each line merges that implementation's valid stages).
 */
export function commonStep({ results, steps }: ReportData): Step | null {
  const candidates = steps.filter((step) => results.every(({ result }) => isMeasured(stageAt(result, step))));
  if (candidates.length === 0) return null;
  return candidates.reduce((best, s) => (s.connections > best.connections ? s : best));
}

/**
 * Chart 1: latency by percentile on a log "nines" x axis (x = -log10(1 - p)). Solid lines
 * are latency from the intended send time (what users wait), dashed lines service time
 * (what a closed-loop tool would report); the gap is coordinated omission. Max is marked.
 */
export function percentileSpectrumChart(data: ReportData): ChartSpec {
  const { results } = data;
  const step = commonStep(data);
  const notes: string[] = [];
  const datasets: unknown[] = [];
  results.forEach(({ label, result }, i) => {
    const stages = step ? [stageAt(result, step)!] : result.stages.filter(isMeasured);
    if (!step && stages.length > 0) notes.push(`${label}: merged over ${stages.length} valid stage(s): ${stages.map((s) => s.name).join(', ')}`);
    const corrected = mergeHdrs(stages.map((s) => s.hdr));
    const service = mergeHdrs(stages.map((s) => s.serviceHdr));
    const colour = colourOf(results, i);
    if (!corrected) {
      notes.push(`${label}: nothing to draw: no stage is a result (all invalid, not reached or failed)`);
      return;
    }
    datasets.push({ label: `${label} latency (intended send time)`, data: percentileSpectrum(corrected), borderColor: colour, backgroundColor: colour, borderWidth: 2, pointRadius: 0 });
    if (service) {
      datasets.push({ label: `${label} service time`, data: percentileSpectrum(service), borderColor: colour, backgroundColor: colour, borderWidth: 1.5, borderDash: [6, 4], pointRadius: 0 });
    }
    // The recorded per-stage max is exact; the max of maxes is a true max (unlike a mean of percentiles).
    const max = Math.max(...stages.map((s) => s.latencyMs.max));
    datasets.push({ label: `${label} max ${max.toFixed(2)} ms`, data: [{ x: MAX_MARK_X, y: max }], type: 'scatter', borderColor: colour, backgroundColor: colour, pointStyle: 'triangle', pointRadius: 7, showLine: false });
  });
  const scope = step ? `at ${step.label} (highest step valid in every result)` : 'merged over each implementation\'s valid stages';
  const title = `Latency by percentile ${scope}`;
  return chartSpec({
    id: 'latency-percentiles',
    title,
    caption: 'Solid: latency from the intended send time (coordinated-omission safe). Dashed: service time from the actual send. Triangles: maximum. Percentiles read from merged HdrHistograms.',
    notes,
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      scales: {
        x: {
          type: 'linear', min: 0, max: MAX_MARK_X + 0.1,
          title: { display: true, text: 'percentile' },
          afterBuildTicks: (axis: { ticks: Array<{ value: number }> }) => { axis.ticks = NINES_TICKS.map(([value]) => ({ value })); },
          ticks: { callback: (value: number) => NINES_TICKS.find(([v]) => Math.abs(v - value) < 1e-9)?.[1] ?? '' },
        },
        y: logMsAxis('latency (ms, log)'),
      },
    },
  });
}

