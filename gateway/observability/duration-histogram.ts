/**
 * `gateway_request_duration_seconds{route,status}` without prom-client's per-observation
 * work. prom-client's `Histogram.observe` (even on a cached label child) builds a label
 * object, validates it and hashes it into a string key on every call; here an observation
 * is two Map lookups (route, then status), a bucket search and three increments, and the
 * exposition is built only when /metrics is scraped. It is registered in the gateway's
 * prom-client Registry as a metric object (`name`, `help`, `type`, `aggregator`, `get()`),
 * so the text exposition and the cluster aggregation (`AggregatorRegistry` sums workers'
 * `get()` values) are prom-client's own: same series, same format as the Histogram it
 * replaces.
 */
interface Series {
  readonly route: string;
  readonly status: string;
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf only). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair { labels: Record<string, string | number>; value: number; metricName: string }

export class DurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly byRoute = new Map<string, Map<number, Series>>();

  constructor(readonly name: string, readonly help: string, private readonly bounds: readonly number[]) {}

  observe(route: string, status: number, seconds: number): void {
    let byStatus = this.byRoute.get(route);
    if (byStatus === undefined) { byStatus = new Map(); this.byRoute.set(route, byStatus); }
    let s = byStatus.get(status);
    if (s === undefined) {
      s = { route, status: String(status), counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, s);
    }
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]!) i++;
    s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** prom-client's metric interface: the values of a Histogram's `get()`. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ValuePair[] }> {
    const values: ValuePair[] = [];
    const bucket = `${this.name}_bucket`;
    for (const byStatus of this.byRoute.values()) {
      for (const s of byStatus.values()) {
        let acc = 0;
        for (let i = 0; i < this.bounds.length; i++) {
          acc += s.counts[i]!;
          values.push({ labels: { le: this.bounds[i]!, route: s.route, status: s.status }, value: acc, metricName: bucket });
        }
        values.push({ labels: { le: '+Inf', route: s.route, status: s.status }, value: s.count, metricName: bucket });
        values.push({ labels: { route: s.route, status: s.status }, value: s.sum, metricName: `${this.name}_sum` });
        values.push({ labels: { route: s.route, status: s.status }, value: s.count, metricName: `${this.name}_count` });
      }
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void { this.byRoute.clear(); }
}
