import type { RunResult } from '../../core/result.js';
import { decide, MIN_PAIRS, type MetricVerdict } from './decide.js';
import type { Variant } from './order.js';
import { deriveSeed } from '../../core/prng.js';
import type { Comparison } from './report-model.js';
import { MIN_TAIL_SAMPLES, RELATIVE_METRICS, type RelativeMetric } from './relative-metrics.js';
import type { RelativeSettings } from './settings.js';
import { bootstrapMedianRatio, median, pairedLogRatio } from './stats.js';

/**
 * Turn paired trial results into one Comparison per (stage, gated metric): oriented
 * log-ratios per pair, median ratio, seeded bootstrap bounds and the decision.
 */

export interface TrialPair { pair: number; base: RunResult | null; candidate: RunResult | null }

/** Group trial results into complete pairs, in pair order. */
export function pairUp(trials: readonly { pair: number; variant: Variant; result: RunResult | null }[]): TrialPair[] {
  const byPair = new Map<number, TrialPair>();
  for (const t of trials) {
    const p = byPair.get(t.pair) ?? { pair: t.pair, base: null, candidate: null };
    p[t.variant] = t.result;
    byPair.set(t.pair, p);
  }
  return [...byPair.values()].filter((p) => p.base && p.candidate).sort((a, b) => a.pair - b.pair);
}

/** Why a metric has no value: the result's own reason where it gives one (CPU). */
function missingReason(pairs: readonly TrialPair[], stageIndex: number, name: string): string {
  if (name !== 'cpu_per_request') return '';
  for (const p of pairs) {
    const st = p.base!.stages.find((s) => s.index === stageIndex) ?? p.candidate!.stages.find((s) => s.index === stageIndex);
    if (!st) continue;
    return st.cpu ? (st.cpu.reason ? `: ${st.cpu.reason}` : '') : ': the results carry no stages[].cpu (written by an older gw-bench)';
  }
  return '';
}

/**
 * Why a tail metric cannot be compared in this stage: some trial holds too few requests
 * beyond the percentile (null = enough everywhere, or not a tail metric).
 */
export function tooFewForTail(def: RelativeMetric, pairs: readonly TrialPair[], stageIndex: number): string | null {
  if (def.tailShare === undefined) return null;
  const needed = Math.ceil(MIN_TAIL_SAMPLES / def.tailShare);
  let fewest = Infinity;
  for (const p of pairs) {
    for (const r of [p.base!, p.candidate!]) {
      const s = r.stages.find((x) => x.index === stageIndex);
      if (s && s.status === 'ok') fewest = Math.min(fewest, s.latencyMs?.count ?? 0);
    }
  }
  if (fewest === Infinity || fewest >= needed) return null;
  const beyond = Math.floor(fewest * def.tailShare);
  return `${def.name}: a trial holds ${fewest} requests, so its ${def.name} rests on its ${beyond} slowest; comparing it needs ${needed} per trial (${MIN_TAIL_SAMPLES} beyond it): raise load.duration or the rate`;
}

/** Compare every gated metric on every stage both variants measured validly. */
export function comparePairs(pairs: readonly TrialPair[], settings: RelativeSettings, opts: { gateStage: 1 | 2; final: boolean; suspectBefore?: ReadonlySet<string> }): Comparison[] {
  const stageNames = new Map<number, string>();
  for (const p of pairs) for (const s of p.base!.stages) if (s.status === 'ok') stageNames.set(s.index, s.name);
  const out: Comparison[] = [];
  for (const [stageIndex, stageName] of [...stageNames].sort((a, b) => a[0] - b[0])) {
    for (const [name, lim] of Object.entries(settings.metrics)) {
      const def = RELATIVE_METRICS.get(name)!;
      const baseVals: number[] = [];
      const candVals: number[] = [];
      const logRatios = pairs.map((p) => {
        const b = p.base!.stages.find((s) => s.index === stageIndex);
        const c = p.candidate!.stages.find((s) => s.index === stageIndex);
        if (!b || !c || b.status !== 'ok' || c.status !== 'ok') return null;
        const bv = def.read(b);
        const cv = def.read(c);
        if (bv !== null) baseVals.push(bv);
        if (cv !== null) candVals.push(cv);
        return pairedLogRatio(bv, cv, def.better);
      });
      const usable = logRatios.filter((r): r is number => r !== null);
      const common = {
        stage: stageIndex, stageName, metric: name, better: def.better, unit: def.unit, logRatios, n: usable.length,
        baseMedian: baseVals.length ? median(baseVals) : null, candidateMedian: candVals.length ? median(candVals) : null,
        warn: lim.warn, fail: lim.fail, gateStage: opts.gateStage, pairsWorse: usable.filter((r) => r > 0).length,
      };
      const thin = usable.length > 0 ? tooFewForTail(def, pairs, stageIndex) : null;
      if (thin !== null) {
        // Listed explicitly: the user asked for it and it could not be judged. By default:
        // not gated, said once, and the other metrics decide.
        out.push({ ...common, ratio: null, lower: null, upper: null, verdict: settings.metricsFrom === 'scenario' ? 'inconclusive' : 'unavailable', reason: thin });
        continue;
      }
      if (usable.length === 0) {
        // A metric the scenario names must be measured: without data it cannot pass.
        // The default set holds only metrics result.json produces; one that is null here
        // (e.g. no target pid for CPU) is reported with the result's own reason.
        const why = missingReason(pairs, stageIndex, name);
        out.push(settings.metricsFrom === 'scenario'
          ? { ...common, ratio: null, lower: null, upper: null, verdict: 'inconclusive', reason: `${name} is gated (gate.relative.metrics) but was not measured in stage ${stageName}${why}` }
          : { ...common, ratio: null, lower: null, upper: null, verdict: 'unavailable', reason: `${name} not measured in stage ${stageName}${why}` });
        continue;
      }
      const iv = bootstrapMedianRatio(usable, { resamples: settings.resamples, confidence: settings.confidence, seed: deriveSeed(settings.seed, `bootstrap/${stageIndex}/${name}/${opts.gateStage}`) });
      const key = `${stageIndex}/${name}`;
      let d = usable.length < MIN_PAIRS
        ? { verdict: 'inconclusive' as MetricVerdict, reason: `only ${usable.length} usable pair(s)` }
        : decide(iv, lim, { final: opts.final, wasSuspect: opts.suspectBefore?.has(key) });
      // Confirmation confirms stage-1 suspects only. A metric that crosses the limit just
      // with the extra pairs had a second look at the data: a warning, never a failure.
      if (opts.suspectBefore && !opts.suspectBefore.has(key) && d.verdict === 'regression') {
        d = { verdict: 'warn', reason: `${d.reason.replace(/: worse than the fail limit.*$/, '')}: beyond the fail limit only after the confirmation pairs (not suspect in stage 1): not a confirmed regression` };
      }
      out.push({ ...common, ratio: iv.ratio, lower: iv.lower, upper: iv.upper, verdict: d.verdict, reason: d.reason });
    }
  }
  return out;
}
