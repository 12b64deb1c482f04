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

/**
 * An implementation's heap metrics, as its `impl.json` declares them (`heapMetrics`): a
 * metric name with optional label matchers, e.g. `jvm_memory_used_bytes{area="heap"}`
 * (summed over the series that match); null when the runtime publishes none.
 */
export interface HeapMetrics { used: string | null; total: string | null }

/** `name{a="b",c="d"}` -> [name, {a: b, c: d}]. */
export function parseSelector(selector: string): [string, Record<string, string>] {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(selector.trim());
  if (!m) return [selector, {}];
  const labels: Record<string, string> = {};
  for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
  return [m[1]!, labels];
}

export interface HeapReading { usedBytes: number | null; totalBytes: number | null; source: string }

/** Heap used/total from the first candidate whose `used` metric is present (docs/gateway-contract.md section 6). */
export function heapFrom(samples: Sample[], candidates: readonly HeapMetrics[]): HeapReading {
  const declared = candidates.filter((c): c is { used: string; total: string | null } => c.used !== null);
  if (declared.length === 0) return { usedBytes: null, totalBytes: null, source: 'not available: the implementation publishes no heap metric (impl.json heapMetrics)' };
  for (const h of declared) {
    const used = sumMetric(samples, ...parseSelector(h.used));
    if (used !== null) return { usedBytes: used, totalBytes: h.total === null ? null : sumMetric(samples, ...parseSelector(h.total)), source: `${h.used} / ${h.total ?? 'no total'}` };
  }
  return { usedBytes: null, totalBytes: null, source: `not available: the target exposes none of ${declared.map((h) => h.used).join(', ')}` };
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
