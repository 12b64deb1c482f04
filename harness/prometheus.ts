/**
 * Minimal reader of the Prometheus text format: enough to pick heap and connection
 * counters out of any gateway's /metrics (Node prom-client, JVM Micrometer, Go
 * client_golang). Sums a metric over label sets that match.
 */
export interface Sample { name: string; labels: Record<string, string>; value: number }

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+([^\s]+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = Number(m[4]);
    if (!Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Sum of a metric over samples whose labels include `match`; null when absent. */
export function sumMetric(samples: Sample[], name: string, match: Record<string, string> = {}): number | null {
  let found = false;
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    found = true;
    total += s.value;
  }
  return found ? total : null;
}

/** Heap metric pairs by runtime, tried in order (see docs/gateway-contract.md section 6). */
const HEAP_SOURCES: Array<{ runtime: string; used: [string, Record<string, string>]; total: [string, Record<string, string>]; processes?: string }> = [
  // Go baseline: the sum over every process (go_memstats_* below describe one worker only).
  { runtime: 'go', used: ['gateway_heap_inuse_bytes_all_processes', {}], total: ['gateway_heap_sys_bytes_all_processes', {}], processes: 'gateway_heap_processes' },
  { runtime: 'node', used: ['nodejs_heap_size_used_bytes', {}], total: ['nodejs_heap_size_total_bytes', {}] },
  { runtime: 'jvm', used: ['jvm_memory_used_bytes', { area: 'heap' }], total: ['jvm_memory_committed_bytes', { area: 'heap' }] },
  { runtime: 'go', used: ['go_memstats_heap_inuse_bytes', {}], total: ['go_memstats_heap_sys_bytes', {}] },
];

export interface HeapReading {
  usedBytes: number | null;
  totalBytes: number | null;
  source: string;
  /** Runtime the metric names belong to (node, jvm, go); null when none matched. */
  runtime?: string | null;
  /** Processes the figures are summed over, when the target says. */
  processes?: number | null;
}

export function heapFrom(samples: Sample[]): HeapReading {
  for (const h of HEAP_SOURCES) {
    const used = sumMetric(samples, h.used[0], h.used[1]);
    if (used !== null) {
      return { usedBytes: used, totalBytes: sumMetric(samples, h.total[0], h.total[1]), source: `${h.used[0]} / ${h.total[0]}`, runtime: h.runtime, processes: h.processes ? sumMetric(samples, h.processes) : null };
    }
  }
  return { usedBytes: null, totalBytes: null, source: 'not available: the target exposes no known heap metric', runtime: null };
}

export interface GatewayCounters { downstreamCx: number | null; downstreamRq: number | null; upstreamCx: number | null; upstreamRq: number | null }

export function gatewayCounters(samples: Sample[]): GatewayCounters {
  return {
    downstreamCx: sumMetric(samples, 'gateway_downstream_cx_total'),
    downstreamRq: sumMetric(samples, 'gateway_downstream_rq_total'),
    upstreamCx: sumMetric(samples, 'gateway_upstream_cx_total'),
    upstreamRq: sumMetric(samples, 'gateway_upstream_rq_total'),
  };
}
