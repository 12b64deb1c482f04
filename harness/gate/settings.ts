import { ConfigError } from '../../core/errors.js';
import { parseCount, parsePercent } from '../../core/units.js';
import { RELATIVE_METRICS, RELATIVE_METRIC_NAMES } from './relative-metrics.js';

/**
 * Settings of the relative gate (scenario `gate.relative:`), validated once with every
 * problem named, then frozen. CLI flags override single fields afterwards.
 */

export interface MetricLimits { warn: number; fail: number }

export interface RelativeSettings {
  /** Pairs in the first stage. */
  pairs: number;
  /** Extra pairs run only when a metric looks suspect (0 = no confirmation: suspect fails). */
  confirmPairs: number;
  seed: number;
  resamples: number;
  /** One-sided confidence of each bootstrap bound. */
  confidence: number;
  /** Achieved/offered below this in any trial stage makes the gate inconclusive (open model). */
  minAchievedRatio: number;
  /** Re-runs of a trial that came out invalid before the gate gives up as inconclusive. */
  rerunInvalid: number;
  /** Gated metrics and their warn/fail fractions. */
  metrics: Record<string, MetricLimits>;
  /** 'scenario': listed in gate.relative.metrics (one without data is inconclusive); 'default': the default set. */
  metricsFrom: 'default' | 'scenario';
}

export const DEFAULT_RELATIVE: Readonly<Omit<RelativeSettings, 'metrics' | 'metricsFrom'>> = Object.freeze({
  pairs: 8, confirmPairs: 8, seed: 42, resamples: 10_000, confidence: 0.95, minAchievedRatio: 0.99, rerunInvalid: 2,
});

/** The default metric set with its default limits. */
export function defaultMetricLimits(): Record<string, MetricLimits> {
  const out: Record<string, MetricLimits> = {};
  for (const m of RELATIVE_METRICS.values()) if (m.byDefault) out[m.name] = { warn: m.warn, fail: m.fail };
  return out;
}

const KEYS = ['pairs', 'confirmPairs', 'seed', 'resamples', 'confidence', 'minAchievedRatio', 'rerunInvalid', 'metrics'];

/** Validate `gate.relative` (undefined = all defaults). Collects every problem before throwing. */
export function parseRelativeSettings(raw: unknown, field = 'gate.relative'): RelativeSettings {
  const problems: string[] = [];
  const out: RelativeSettings = { ...DEFAULT_RELATIVE, metrics: defaultMetricLimits(), metricsFrom: 'default' };
  if (raw === undefined || raw === null) return Object.freeze(out);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${field}: expected a mapping`, [`${field}: ${JSON.stringify(raw)} is not a mapping`]);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) problems.push(`${field}.${k}: unknown key (valid: ${KEYS.join(', ')})`);
  const take = <T>(key: string, parse: (v: unknown, f: string) => T, check: (v: T) => string | null): T | undefined => {
    if (o[key] === undefined) return undefined;
    try {
      const v = parse(o[key], `${field}.${key}`);
      const bad = check(v);
      if (bad) { problems.push(`${field}.${key}: ${JSON.stringify(o[key])} ${bad}`); return undefined; }
      return v;
    } catch (e) { problems.push((e as Error).message); return undefined; }
  };
  out.pairs = take('pairs', parseCount, (v) => (v >= 2 && v <= 200 ? null : 'must be between 2 and 200')) ?? out.pairs;
  out.confirmPairs = take('confirmPairs', parseCount, (v) => (v <= 200 ? null : 'must be at most 200')) ?? out.confirmPairs;
  out.seed = take('seed', parseCount, (v) => (v <= 0xffffffff ? null : 'must fit in 32 bits')) ?? out.seed;
  out.resamples = take('resamples', parseCount, (v) => (v >= 1000 && v <= 1_000_000 ? null : 'must be between 1000 and 1000000')) ?? out.resamples;
  out.confidence = take('confidence', parsePercent, (v) => (v >= 0.5 && v < 1 ? null : 'must be in [50%, 100%)')) ?? out.confidence;
  out.rerunInvalid = take('rerunInvalid', parseCount, (v) => (v <= 10 ? null : 'must be at most 10')) ?? out.rerunInvalid;
  out.minAchievedRatio = take('minAchievedRatio', parsePercent, (v) => (v > 0 && v <= 1 ? null : 'must be in (0, 100%]')) ?? out.minAchievedRatio;
  if (o['metrics'] !== undefined) {
    const mr = o['metrics'];
    if (!mr || typeof mr !== 'object' || Array.isArray(mr)) problems.push(`${field}.metrics: expected a mapping of metric -> { warn, fail }`);
    else {
      const metrics: Record<string, MetricLimits> = {};
      for (const [name, lim] of Object.entries(mr as Record<string, unknown>)) {
        const def = RELATIVE_METRICS.get(name);
        const f = `${field}.metrics.${name}`;
        if (!def) { problems.push(`${f}: unknown metric (valid: ${RELATIVE_METRIC_NAMES.join(', ')})`); continue; }
        const l = (lim ?? {}) as Record<string, unknown>;
        if (typeof l !== 'object' || Array.isArray(l)) { problems.push(`${f}: expected { warn, fail }`); continue; }
        for (const k of Object.keys(l)) if (k !== 'warn' && k !== 'fail') problems.push(`${f}.${k}: unknown key (valid: warn, fail)`);
        const one = (k: 'warn' | 'fail', dflt: number): number => {
          if (l[k] === undefined) return dflt;
          try {
            const v = parsePercent(l[k], `${f}.${k}`);
            if (v <= 0 || v > 1) { problems.push(`${f}.${k}: ${JSON.stringify(l[k])} must be above 0% and at most 100% (2x)`); return dflt; }
            return v;
          } catch (e) { problems.push((e as Error).message); return dflt; }
        };
        const warn = one('warn', def.warn);
        const fail = one('fail', def.fail);
        if (warn > fail) problems.push(`${f}: warn (${warn}) must not exceed fail (${fail})`);
        metrics[name] = { warn, fail };
      }
      if (Object.keys(metrics).length === 0 && problems.length === 0) problems.push(`${field}.metrics: lists no metric`);
      out.metrics = metrics;
      out.metricsFrom = 'scenario';
    }
  }
  if (problems.length) throw new ConfigError(`${field}: ${problems.length} problem(s)`, problems);
  return Object.freeze(out);
}

/**
 * --on-inconclusive when not given: in CI (CI=true, as GitHub Actions, GitLab and most
 * runners set it) an inconclusive gate exits 3, so a gate that could not measure never
 * passes silently; on a developer's machine it warns and exits 0.
 */
export function defaultOnInconclusive(env: Readonly<Record<string, string | undefined>> = process.env): 'warn' | 'fail' {
  const ci = (env['CI'] ?? '').trim().toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0' ? 'fail' : 'warn';
}
