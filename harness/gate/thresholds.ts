import { closest } from 'fastest-levenshtein';
import { ConfigError } from '../../core/errors.js';
import { parseCount, parseDuration, parsePercent, parseRate, parseSize } from '../../core/units.js';
import type { StageResult } from '../../core/result.js';
import { STAGE_METRICS, STAGE_METRIC_NAMES, type MetricKind } from './stage-metrics.js';

/**
 * Absolute thresholds, k6-style: `p99 < 50ms`, `errors < 0.1%`, `reuse.client > 0.95`,
 * `rss_per_connection < 16KB`, `achieved_rps >= 99% offered`. Pure: parse the raw YAML or
 * flag value, evaluate against one StageResult. The scenario validator calls
 * parseThreshold so a bad expression is reported before anything is measured.
 */

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface Threshold {
  /** The expression as written. */
  expr: string;
  metric: string;
  op: ThresholdOp;
  /** Limit in the metric's base unit (ms, fraction, bytes, req/s, count), or a factor of offered rate. */
  value: number;
  /** 'offered': value is a fraction of the stage's offered rate (`99% offered`). */
  relativeTo?: 'offered';
  /** Stage index or name this threshold is limited to; absent (or null) = every stage. */
  stage?: number | string | null;
}

const EXPR = /^\s*([A-Za-z_][A-Za-z0-9_.()]*)\s*(<=|>=|<|>)\s*(.+?)\s*$/;
const OFFERED = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*%\s*(?:of\s+)?offered$/i;

/** k6 spells percentiles p(99) and p(99.9); accept those as aliases of p99 and p999. */
function normalizeMetric(name: string): string {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
  if (m) return `p${m[1]!.replace('.', '')}`;
  return name.toLowerCase();
}

function parseValue(kind: MetricKind, raw: string, field: string): number {
  switch (kind) {
    case 'duration': return parseDuration(/^[0-9.]+$/.test(raw) ? Number(raw) : raw, field);
    case 'fraction': return parsePercent(/^[0-9.]+$/.test(raw) ? Number(raw) : raw, field);
    case 'size': return parseSize(/^[0-9.]+$/.test(raw) ? Number(raw) : raw, field);
    case 'rate': return parseRate(/^[0-9.]+$/.test(raw) ? Number(raw) : raw, field);
    case 'count': return parseCount(/^[0-9.]+$/.test(raw) ? Number(raw) : raw, field);
  }
}

/** Parse one expression; throws ConfigError/UnitError naming `field` and listing valid metrics. */
export function parseThreshold(expr: string, field: string): Threshold {
  if (typeof expr !== 'string') throw new ConfigError(`${field}: ${JSON.stringify(expr)} is not a threshold expression like "p99 < 50ms"`);
  const m = EXPR.exec(expr);
  if (!m) throw new ConfigError(`${field}: "${expr}" is not a threshold expression like "p99 < 50ms" (metric, one of < <= > >=, limit)`);
  const metric = normalizeMetric(m[1]!);
  const def = STAGE_METRICS.get(metric);
  if (!def) {
    const guess = closest(metric, [...STAGE_METRIC_NAMES]);
    throw new ConfigError(`${field}: unknown metric "${m[1]}" in "${expr}" (did you mean "${guess}"?); valid metrics: ${STAGE_METRIC_NAMES.join(', ')}`);
  }
  const op = m[2] as ThresholdOp;
  const raw = m[3]!;
  if (def.kind === 'rate') {
    const rel = OFFERED.exec(raw);
    if (rel) return { expr: expr.trim(), metric, op, value: Number(rel[1]) / 100, relativeTo: 'offered' };
  }
  return { expr: expr.trim(), metric, op, value: parseValue(def.kind, raw, `${field} (${metric})`) };
}

/**
 * Parse a thresholds list entry: a string, or `{ threshold: "<expr>", stage: <index|name> }`
 * (`expr` is accepted as a synonym of `threshold`).
 */
export function parseThresholdEntry(raw: unknown, field: string): Threshold {
  if (typeof raw === 'string') return parseThreshold(raw, field);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !['threshold', 'expr', 'stage'].includes(k));
    if (unknown.length) throw new ConfigError(`${field}: unknown key(s) ${unknown.join(', ')}; expected threshold and optional stage`);
    const text = o['threshold'] ?? o['expr'];
    if (typeof text !== 'string') throw new ConfigError(`${field}.threshold: ${JSON.stringify(text)} is not a threshold expression like "p99 < 50ms"`);
    const th = parseThreshold(text, `${field}.threshold`);
    const stage = o['stage'];
    if (stage === undefined) return th;
    if ((typeof stage === 'number' && Number.isInteger(stage) && stage >= 0) || (typeof stage === 'string' && stage.length > 0)) return { ...th, stage };
    throw new ConfigError(`${field}.stage: ${JSON.stringify(stage)} is not a stage index (0, 1, ...) or stage name`);
  }
  throw new ConfigError(`${field}: ${JSON.stringify(raw)} is not a threshold (a string like "p99 < 50ms" or { threshold, stage })`);
}

/**
 * Parse a --threshold flag: `p99 < 50ms` for every stage, or `stage=<index|name>: p99 < 50ms`.
 */
export function parseThresholdFlag(raw: string, field = '--threshold'): Threshold {
  const m = /^\s*stage\s*=\s*([^:]+?)\s*:(.*)$/.exec(raw);
  if (!m) return parseThreshold(raw, field);
  const stage = /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]!;
  return { ...parseThreshold(m[2]!, field), stage };
}

/** True when the threshold applies to this stage (its index or its name). */
export function appliesTo(th: Threshold, stage: Pick<StageResult, 'index' | 'name'>): boolean {
  if (th.stage === undefined || th.stage === null) return true;
  // Same rule as the scenario validator: a stage is named by its name or its index.
  return stage.name === String(th.stage) || stage.index === th.stage;
}

export interface ThresholdCheck {
  expr: string;
  metric: string;
  stage: number;
  stageName: string;
  /** 'unavailable': the stage does not carry this metric (e.g. no gateway /metrics). */
  outcome: 'pass' | 'fail' | 'unavailable';
  actual: number | null;
  limit: number;
  functional: boolean;
  message: string;
}

function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<': return actual < limit;
    case '<=': return actual <= limit;
    case '>': return actual > limit;
    case '>=': return actual >= limit;
  }
}

/** A value in the unit its metric's limits are written in. */
export function show(kind: MetricKind, v: number): string {
  switch (kind) {
    case 'duration': return `${+v.toFixed(3)}ms`;
    case 'fraction': return `${+(v * 100).toFixed(4)}%`;
    case 'size': return `${Math.round(v)}B`;
    case 'rate': return `${+v.toFixed(1)}/s`;
    case 'count': return `${v}`;
  }
}

/** Evaluate one threshold on one stage. */
export function evaluateThreshold(th: Threshold, stage: StageResult): ThresholdCheck {
  const def = STAGE_METRICS.get(th.metric);
  if (!def) throw new ConfigError(`threshold "${th.expr}": unknown metric ${th.metric}`);
  const offered = stage.offeredRps ?? NaN; // null: a closed-loop engine has no offered rate
  const limit = th.relativeTo === 'offered' ? th.value * offered : th.value;
  const actual = th.relativeTo === 'offered' && stage.offeredRps === null ? null : def.read(stage);
  const base = { expr: th.expr, metric: th.metric, stage: stage.index, stageName: stage.name, actual, limit, functional: def.functional === true };
  if (actual === null) return { ...base, outcome: 'unavailable', message: `${th.expr}: ${th.metric} not available in stage ${stage.name}` };
  const ok = compare(actual, th.op, limit);
  const lim = th.relativeTo === 'offered' ? `${show(def.kind, limit)} (${+(th.value * 100).toFixed(3)}% of offered ${show(def.kind, offered)})` : show(def.kind, limit);
  return {
    ...base,
    outcome: ok ? 'pass' : 'fail',
    message: `${th.expr}: stage ${stage.name}: ${th.metric} = ${show(def.kind, actual)}, limit ${th.op} ${lim}${ok ? '' : ' -> BREACHED'}`,
  };
}
