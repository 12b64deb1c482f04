import type { LatencySummary, StageResult } from '../../core/result.js';

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

/** Rows of one kind, in order: name -> [description, reading]. */
function rows(kind: MetricKind, defs: Record<string, [string, StageMetric['read']]>, functional = false): StageMetric[] {
  return Object.entries(defs).map(([name, [describe, read]]) => ({ name, kind, describe, read, ...(functional ? { functional } : {}) }));
}

const latency = (key: keyof LatencySummary) => (s: StageResult): number | null => num(s.latencyMs?.[key]);
const service = (key: keyof LatencySummary) => (s: StageResult): number | null => num(s.serviceTimeMs?.[key]);

const list: StageMetric[] = [
  ...rows('duration', {
    p50: ['latency p50 from intended send time', latency('p50')],
    p90: ['latency p90', latency('p90')],
    p99: ['latency p99', latency('p99')],
    p999: ['latency p99.9', latency('p999')],
    max: ['latency max', latency('max')],
    mean: ['latency mean', latency('mean')],
    service_p50: ['service time p50 (from actual send)', service('p50')],
    service_p99: ['service time p99 (from actual send)', service('p99')],
  }),
  ...rows('fraction', { errors: ['error rate (all kinds) over requests', (s) => num(s.errorRate)] }, true),
  ...rows('count', {
    // Same rule as harness/stage-result.ts errorTotal: expected_* outcomes (planned 401s) are
    // not errors, and status_NNN keys are a breakdown of http_4xx/http_5xx, not extra errors.
    error_count: ['errors of every kind (expected_* outcomes such as planned 401s excluded)', (s) => Object.entries(s.errors ?? {}).filter(([k]) => !k.startsWith('expected_') && !/^status_\d+$/.test(k)).reduce((a, [, v]) => a + v, 0)],
    http_5xx: ['5xx responses', (s) => count5xx(s.errors ?? {})],
  }, true),
  ...rows('rate', { achieved_rps: ['achieved request rate (limit may be "N% offered")', (s) => num(s.achievedRps)] }),
  ...rows('fraction', {
    'reuse.client': ['client-side connection reuse ratio', (s) => num(s.reuse?.client)],
    'reuse.upstream': ['upstream-side connection reuse ratio', (s) => num(s.reuse?.upstream)],
    'reuse.gateway': ["reuse ratio from the gateway's /metrics", (s) => num(s.reuse?.gateway)],
  }),
  ...rows('size', {
    rss: ['target RSS at stage end (process tree)', (s) => num(s.memory?.rssBytes)],
    rss_max: ['highest target RSS during the stage', (s) => num(s.memory?.rssMaxBytes)],
    heap_used: ['target heap used', (s) => num(s.memory?.heapUsedBytes)],
    rss_per_connection: ['RSS / established connections', (s) => num(s.memory?.rssPerConnectionBytes)],
  }),
  ...rows('fraction', { residency: ['heap used / RSS', (s) => num(s.memory?.residency)] }),
  ...rows('count', { connections_failed: ['connections that failed to open', (s) => num(s.connectionCounts?.failed)] }),
  ...rows('duration', { send_lag_p99: ['generator send lag p99', (s) => num(s.generator?.sendLagP99Ms)] }),
  ...rows('count', {
    listen_overflows: ['kernel ListenOverflows during the stage', (s) => num(s.kernel?.listenOverflows)],
    retrans: ['kernel retransmitted segments during the stage', (s) => num(s.kernel?.retransSegs)],
  }),
];

/** Every stage metric by name. */
export const STAGE_METRICS: ReadonlyMap<string, StageMetric> = new Map(list.map((m) => [m.name, m]));

/** Names accepted in thresholds, in table order (for error messages and docs). */
export const STAGE_METRIC_NAMES: readonly string[] = list.map((m) => m.name);
