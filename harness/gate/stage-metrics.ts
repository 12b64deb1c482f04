import type { StageResult } from '../../core/result.js';

/**
 * The metrics of one stage that thresholds and the relative gate can name, each with the
 * unit its limit is written in and how to read it from a StageResult. One table, so the
 * threshold parser, its error messages and the docs list the same names.
 */

export type MetricKind = 'duration' | 'fraction' | 'size' | 'rate' | 'count';

export interface StageMetric {
  name: string;
  kind: MetricKind;
  /** Errors and 5xx are functional: breaking them is a target failure (exit 4), not a regression. */
  functional?: boolean;
  describe: string;
  read: (s: StageResult) => number | null;
}

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** 5xx count: the generator's http_5xx bucket, else the sum of status_5NN buckets (never both). */
export function count5xx(errors: Record<string, number>): number {
  if (typeof errors['http_5xx'] === 'number') return errors['http_5xx'];
  let n = 0;
  for (const [k, v] of Object.entries(errors)) if (/^status_5\d\d$/.test(k)) n += v;
  return n;
}

const list: StageMetric[] = [
  { name: 'p50', kind: 'duration', describe: 'latency p50 from intended send time', read: (s) => num(s.latencyMs?.p50) },
  { name: 'p90', kind: 'duration', describe: 'latency p90', read: (s) => num(s.latencyMs?.p90) },
  { name: 'p99', kind: 'duration', describe: 'latency p99', read: (s) => num(s.latencyMs?.p99) },
  { name: 'p999', kind: 'duration', describe: 'latency p99.9', read: (s) => num(s.latencyMs?.p999) },
  { name: 'max', kind: 'duration', describe: 'latency max', read: (s) => num(s.latencyMs?.max) },
  { name: 'mean', kind: 'duration', describe: 'latency mean', read: (s) => num(s.latencyMs?.mean) },
  { name: 'service_p50', kind: 'duration', describe: 'service time p50 (from actual send)', read: (s) => num(s.serviceTimeMs?.p50) },
  { name: 'service_p99', kind: 'duration', describe: 'service time p99 (from actual send)', read: (s) => num(s.serviceTimeMs?.p99) },
  { name: 'errors', kind: 'fraction', functional: true, describe: 'error rate (all kinds) over requests', read: (s) => num(s.errorRate) },
  // Same rule as harness/stage-result.ts errorTotal: expected_* outcomes (planned 401s) are
  // not errors, and status_NNN keys are a breakdown of http_4xx/http_5xx, not extra errors.
  { name: 'error_count', kind: 'count', functional: true, describe: 'errors of every kind (expected_* outcomes such as planned 401s excluded)', read: (s) => Object.entries(s.errors ?? {}).filter(([k]) => !k.startsWith('expected_') && !/^status_\d+$/.test(k)).reduce((a, [, v]) => a + v, 0) },
  { name: 'http_5xx', kind: 'count', functional: true, describe: '5xx responses', read: (s) => count5xx(s.errors ?? {}) },
  { name: 'achieved_rps', kind: 'rate', describe: 'achieved request rate (limit may be "N% offered")', read: (s) => num(s.achievedRps) },
  { name: 'reuse.client', kind: 'fraction', describe: 'client-side connection reuse ratio', read: (s) => num(s.reuse?.client) },
  { name: 'reuse.upstream', kind: 'fraction', describe: 'upstream-side connection reuse ratio', read: (s) => num(s.reuse?.upstream) },
  { name: 'reuse.gateway', kind: 'fraction', describe: "reuse ratio from the gateway's /metrics", read: (s) => num(s.reuse?.gateway) },
  { name: 'rss', kind: 'size', describe: 'target RSS at stage end (process tree)', read: (s) => num(s.memory?.rssBytes) },
  { name: 'rss_max', kind: 'size', describe: 'highest target RSS during the stage', read: (s) => num(s.memory?.rssMaxBytes) },
  { name: 'heap_used', kind: 'size', describe: 'target heap used', read: (s) => num(s.memory?.heapUsedBytes) },
  { name: 'rss_per_connection', kind: 'size', describe: 'RSS / established connections', read: (s) => num(s.memory?.rssPerConnectionBytes) },
  { name: 'residency', kind: 'fraction', describe: 'heap used / RSS', read: (s) => num(s.memory?.residency) },
  { name: 'connections_failed', kind: 'count', describe: 'connections that failed to open', read: (s) => num(s.connectionCounts?.failed) },
  { name: 'cpu_per_request', kind: 'duration', describe: "target CPU (process tree) per request, e.g. cpu_per_request < 300us", read: (s) => { const us = num(s.cpu?.perRequestUs); return us === null ? null : us / 1000; } },
  { name: 'send_lag_p99', kind: 'duration', describe: 'generator send lag p99', read: (s) => num(s.generator?.sendLagP99Ms) },
  { name: 'listen_overflows', kind: 'count', describe: 'kernel ListenOverflows during the stage', read: (s) => num(s.kernel?.listenOverflows) },
  { name: 'retrans', kind: 'count', describe: 'kernel retransmitted segments during the stage', read: (s) => num(s.kernel?.retransSegs) },
];

/** Every stage metric by name. */
export const STAGE_METRICS: ReadonlyMap<string, StageMetric> = new Map(list.map((m) => [m.name, m]));

/** Names accepted in thresholds, in table order (for error messages and docs). */
export const STAGE_METRIC_NAMES: readonly string[] = list.map((m) => m.name);
