import { formatCount } from '../../../core/units.js';
import { colourOf } from '../palette.js';
import { isMeasured, omittedNotes, perStep, perStepInvalid, stageAt, type ReportData } from '../steps.js';
import { stepChart, invalidSeries } from './common.js';
import type { ChartSpec } from './types.js';

/**
 * Chart 3: offered (dashed) vs achieved (solid) request rate per step, and the capacity
 * at SLO (triangle) for stages that ran a capacity search.
 */
export function rateByStepChart({ results, steps }: ReportData): ChartSpec {
  const notes = omittedNotes(results, steps);
  const datasets: unknown[] = [];
  results.forEach(({ label, result }, i) => {
    const colour = colourOf(results, i);
    datasets.push({ label: `${label} achieved`, data: perStep(result, steps, (s) => s.achievedRps), borderColor: colour, backgroundColor: colour, borderWidth: 2.5, pointRadius: 3 });
    datasets.push({ label: `${label} offered`, data: perStep(result, steps, (s) => s.offeredRps), borderColor: colour, backgroundColor: colour, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 2 });
    const shadow = invalidSeries(`${label} achieved`, perStepInvalid(result, steps, (s) => s.achievedRps), colour);
    if (shadow) datasets.push(shadow);
    const capacity = steps.map((step) => {
      const s = stageAt(result, step);
      return isMeasured(s) && s.capacity ? s.capacity.rps : null;
    });
    if (capacity.some((v) => v !== null)) {
      datasets.push({ label: `${label} capacity at SLO`, data: capacity, type: 'line', showLine: false, borderColor: colour, backgroundColor: colour, pointStyle: 'triangle', pointRadius: 9 });
    }
    for (const step of steps) {
      const s = stageAt(result, step);
      if (isMeasured(s) && s.capacity) {
        notes.push(s.capacity.rps === null
          ? `${label} @ ${step.label}: no probe met p99 <= ${s.capacity.sloP99Ms} ms`
          : `${label} @ ${step.label}: capacity ${formatCount(s.capacity.rps)} req/s at p99 <= ${s.capacity.sloP99Ms} ms, errors <= ${(s.capacity.maxErrorRate * 100).toFixed(2)}%`);
      }
    }
  });
  const title = 'Offered vs achieved request rate by step';
  return stepChart({ id: 'rate-by-step', type: 'line', title, notes, steps, datasets, y: { beginAtZero: true, title: { display: true, text: 'requests / s' } }, caption: 'Achieved below offered means the target (or the generator) could not keep up. Triangles: highest probed rate that met the SLO. Faded hollow points: achieved rate of invalid stages (not results).' });
}
