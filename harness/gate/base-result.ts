import type { RunResult } from '../../core/result.js';
import type { Comparison } from './report-model.js';
import { RELATIVE_METRICS } from './relative-metrics.js';
import type { RelativeSettings } from './settings.js';
import { pairedLogRatio } from './stats.js';

/**
 * `--base-result`: the candidate against one recorded base run. One sample each has no
 * pairing and no measure of its own noise (research: 24-37% false positives for a naive
 * one-run ratio at a 10% limit), so these ratios inform and never fail the gate.
 */

/** Single-sample comparison against a recorded base: informational, never gating. */
export function singleSampleComparisons(base: RunResult, cand: RunResult, s: RelativeSettings): { comparisons: Comparison[]; warnings: string[] } {
  const comparisons: Comparison[] = [];
  const warnings: string[] = [];
  for (const bs of base.stages) {
    const cs = cand.stages.find((x) => x.name === bs.name);
    if (!cs || bs.status !== 'ok' || cs.status !== 'ok') continue;
    for (const [name, lim] of Object.entries(s.metrics)) {
      const def = RELATIVE_METRICS.get(name)!;
      const bv = def.read(bs);
      const cv = def.read(cs);
      const r = pairedLogRatio(bv, cv, def.better);
      const ratio = r === null ? null : Math.exp(r);
      const over = ratio !== null && ratio > 1 + lim.fail;
      if (over) warnings.push(`stage ${bs.name} ${name}: ${((ratio - 1) * 100).toFixed(1)}% worse than the recorded base (beyond the ${(lim.fail * 100).toFixed(0)}% fail limit), but one sample each cannot separate a regression from noise: not failing`);
      comparisons.push({
        stage: cs.index, stageName: cs.name, metric: name, better: def.better, unit: def.unit, logRatios: [r], n: r === null ? 0 : 1,
        ratio, lower: null, upper: null, pairsWorse: r !== null && r > 0 ? 1 : 0, baseMedian: bv, candidateMedian: cv,
        warn: lim.warn, fail: lim.fail, gateStage: 1,
        verdict: ratio === null ? 'unavailable' : 'info',
        reason: ratio === null ? `${name} not measured` : `single sample vs recorded base: ${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}% (informational, no interval)`,
      });
    }
  }
  return { comparisons, warnings };
}

/** Environment fields that make two results incomparable when they differ. */
export function envMismatch(a: RunResult, b: RunResult): string[] {
  const out: string[] = [];
  const cmp = (name: string, x: unknown, y: unknown): void => { if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${name}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`); };
  cmp('cpu', a.env?.cpuModel, b.env?.cpuModel);
  cmp('cores', a.env?.cores, b.env?.cores);
  cmp('node', a.env?.node, b.env?.node);
  cmp('placement', a.env?.placement, b.env?.placement);
  return out;
}
