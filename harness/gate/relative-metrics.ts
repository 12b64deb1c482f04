import type { StageResult } from '../../core/result.js';
import type { Direction } from './stats.js';

/**
 * Metrics the relative gate compares between base and candidate, with their direction and
 * default warn/fail thresholds (fractions: 0.10 = 10% worse). Defaults follow
 * docs/gate.md: on a shared 2-core runner p99 is noisier than p50, so it gets more room.
 */

export interface RelativeMetric {
  name: string;
  better: Direction;
  warn: number;
  fail: number;
  /** In the default set. Others can be listed under gate.relative.metrics. */
  byDefault: boolean;
  unit: string;
  read: (s: StageResult) => number | null;
  /**
   * Tail percentiles: the share of a stage's requests above the percentile (p99: 1%). Such
   * a metric is compared only when every trial holds MIN_TAIL_SAMPLES requests beyond it.
   */
  tailShare?: number;
}

/**
 * Requests a trial must hold beyond a tail percentile for the gate to compare it: 50 beyond
 * the p99 means 5,000 requests per trial stage. Measured (docs/gate-power.md): with 600
 * requests per trial (p99 from its 6 slowest) identical builds gave p99 intervals of
 * [-44%, +217%] and 2 false fails in 12 gates, while p50, CPU and rate stayed decidable.
 */
export const MIN_TAIL_SAMPLES = 50;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const list: RelativeMetric[] = [
  { name: 'p50', better: 'lower', warn: 0.05, fail: 0.10, byDefault: true, unit: 'ms', read: (s) => num(s.latencyMs?.p50) },
  { name: 'p90', better: 'lower', warn: 0.05, fail: 0.15, byDefault: false, unit: 'ms', tailShare: 0.1, read: (s) => num(s.latencyMs?.p90) },
  { name: 'p99', better: 'lower', warn: 0.05, fail: 0.15, byDefault: true, unit: 'ms', tailShare: 0.01, read: (s) => num(s.latencyMs?.p99) },
  { name: 'p999', better: 'lower', warn: 0.10, fail: 0.25, byDefault: false, unit: 'ms', tailShare: 0.001, read: (s) => num(s.latencyMs?.p999) },
  { name: 'max', better: 'lower', warn: 0.15, fail: 0.50, byDefault: false, unit: 'ms', read: (s) => num(s.latencyMs?.max) },
  { name: 'achieved_rps', better: 'higher', warn: 0.05, fail: 0.10, byDefault: true, unit: 'req/s', read: (s) => num(s.achievedRps) },
  // Target CPU (whole process tree, /proc) per request in the window: independent of the
  // generator's timing, so a CPU regression shows even when latency at the gate's rate barely moves.
  { name: 'cpu_per_request', better: 'lower', warn: 0.05, fail: 0.10, byDefault: true, unit: 'us', read: (s) => num(s.cpu?.perRequestUs) },
  { name: 'rss', better: 'lower', warn: 0.05, fail: 0.15, byDefault: false, unit: 'B', read: (s) => num(s.memory?.rssBytes) },
  { name: 'rss_per_connection', better: 'lower', warn: 0.05, fail: 0.15, byDefault: false, unit: 'B', read: (s) => num(s.memory?.rssPerConnectionBytes) },
];

/** Relative metrics by name. */
export const RELATIVE_METRICS: ReadonlyMap<string, RelativeMetric> = new Map(list.map((m) => [m.name, m]));
export const RELATIVE_METRIC_NAMES: readonly string[] = list.map((m) => m.name);
