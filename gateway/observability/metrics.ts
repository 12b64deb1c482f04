import cluster from 'node:cluster';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from '../../core/version.js';
import { DurationHistogram } from './duration-histogram.js';
import type { UpstreamErrorReason } from './upstream-errors.js';

/** prom-client default metrics whose collection costs time in proportion to the open sockets. */
const O_N_DEFAULT_METRICS = ['process_open_fds', 'nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total'];

/** Names of the JWT caches in `gateway_jwt_cache_total{cache}`. */
export type JwtCacheKind = 'positive' | 'negative';

/**
 * Every metric of one gateway instance, in its own Registry so several gateways (tests)
 * can live in one process. Label children are cached: prom-client hashes labels on each
 * `.labels()` call, which is measurable on the hot path.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly duration: DurationHistogram;
  private readonly downstreamCx: Counter;
  private readonly downstreamRq: Counter;
  private readonly upstreamCx: Counter<'upstream'>;
  private readonly upstreamRq: Counter<'upstream'>;
  private readonly upstreamRqChildren = new Map<string, { inc(): void }>();
  private readonly upstreamErrors: Counter<'upstream' | 'reason'>;
  private readonly breakerState: Gauge<'upstream'>;
  private readonly jwtCache: Counter<'cache' | 'result'>;
  private readonly jwtChildren: Record<string, { inc(): void }>;
  private readonly reloads: Counter<'result'>;
  private readonly shadowRq: Counter<'upstream' | 'result'>;
  private readonly regionBreakerState: Gauge<'upstream' | 'region'>;
  private connectionCount: (() => Promise<number>) | null = null;

  constructor() {
    const registers = [this.registry];
    // Event-loop lag sampled every 100 ms, not prom-client's 10 ms: an idle worker woke 100
    // times a second for it (17 ms of CPU a second each, 17% of a core for ten workers).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    // Left out: each walks every socket of the process on every scrape (at 10k connections
    // 13 ms to read /proc/self/fd, 5 ms for the handles, 2 ms for the resources), and every
    // worker does it at once. gateway_downstream_connections counts the sockets for free.
    for (const name of O_N_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    this.duration = new DurationHistogram(
      'gateway_request_duration_seconds',
      'Time from request start to response end, by route pattern and status',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    );
    // A prom-client metric by interface (name, help, type, get()), not by class.
    this.registry.registerMetric(this.duration as unknown as Histogram);
    this.downstreamCx = new Counter({ name: 'gateway_downstream_cx_total', help: 'Client connections accepted', registers });
    this.downstreamRq = new Counter({ name: 'gateway_downstream_rq_total', help: 'Client requests received', registers });
    this.upstreamCx = new Counter({ name: 'gateway_upstream_cx_total', help: 'Upstream connections opened', labelNames: ['upstream'], registers });
    this.upstreamRq = new Counter({ name: 'gateway_upstream_rq_total', help: 'Upstream requests sent', labelNames: ['upstream'], registers });
    this.upstreamErrors = new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Failed upstream calls by reason: timeout, breaker_open (not sent), refused, reset, status_5xx, bad_body (2xx fan-out part that is not JSON), other',
      labelNames: ['upstream', 'reason'], registers,
    });
    this.breakerState = new Gauge({
      name: 'gateway_breaker_state', help: 'Circuit breaker state per upstream service (0 closed, 1 open, 2 half-open)',
      labelNames: ['upstream'], registers, aggregator: 'max',
    });
    this.jwtCache = new Counter({ name: 'gateway_jwt_cache_total', help: 'JWT cache lookups by cache and result', labelNames: ['cache', 'result'], registers });
    this.jwtChildren = {
      'positive:hit': this.jwtCache.labels('positive', 'hit'),
      'positive:miss': this.jwtCache.labels('positive', 'miss'),
      'negative:hit': this.jwtCache.labels('negative', 'hit'),
      'negative:miss': this.jwtCache.labels('negative', 'miss'),
    };
    this.reloads = new Counter({ name: 'gateway_config_reloads_total', help: 'Config reload attempts by result', labelNames: ['result'], registers });
    this.shadowRq = new Counter({
      name: 'gateway_shadow_requests_total', help: 'Mirrored (shadow) requests: mirrored = sent, dropped = not sent (in-flight bound, body too large, client aborted), failed = error, timeout or 5xx',
      labelNames: ['upstream', 'result'], registers,
    });
    this.regionBreakerState = new Gauge({
      name: 'gateway_region_breaker_state', help: 'Per-region circuit breaker state (0 closed, 1 open, 2 half-open)',
      labelNames: ['upstream', 'region'], registers, aggregator: 'max',
    });
    // One series per process (worker 0: a single-process gateway), so a reader sees how
    // evenly the cluster holds its connections; the sum over workers is the total.
    const worker = String(cluster.worker?.id ?? 0);
    const self = this;
    new Gauge({
      name: 'gateway_downstream_connections', help: 'Client connections held now, by process (worker 0 = a single-process gateway)',
      labelNames: ['worker'], registers, aggregator: 'sum',
      async collect() { if (self.connectionCount) this.labels(worker).set(await self.connectionCount()); },
    });
    // Summed across cluster workers by the aggregator: tells a reader how many processes answered.
    new Gauge({ name: 'gateway_workers_reporting', help: 'Processes whose metrics are included in this scrape', registers, aggregator: 'sum' }).set(1);
    new Gauge({ name: 'gateway_info', help: 'Implementation and version', labelNames: ['impl', 'version'], registers, aggregator: 'max' })
      .labels('reference', VERSION).set(1);
  }

  /** One finished client request. */
  observeRequest(route: string, status: number, seconds: number): void {
    this.duration.observe(route, status, seconds);
  }

  downstreamConnection(): void { this.downstreamCx.inc(); }
  /** Where gateway_downstream_connections reads the count (set once the server exists). */
  countConnections(count: () => Promise<number>): void { this.connectionCount = count; }
  downstreamRequest(): void { this.downstreamRq.inc(); }
  upstreamConnection(upstream: string): void { this.upstreamCx.labels(upstream).inc(); }

  upstreamRequest(upstream: string): void {
    let child = this.upstreamRqChildren.get(upstream);
    if (!child) {
      child = this.upstreamRq.labels(upstream);
      this.upstreamRqChildren.set(upstream, child);
    }
    child.inc();
  }

  /** One failed upstream call (error paths only, so a label lookup per call is fine). */
  upstreamError(upstream: string, reason: UpstreamErrorReason): void { this.upstreamErrors.labels(upstream, reason).inc(); }

  breaker(upstream: string, value: number): void { this.breakerState.labels(upstream).set(value); }
  jwt(cache: JwtCacheKind, hit: boolean): void {
    // No key string per call: this runs twice per authenticated request (1% of the gateway's CPU in a profile when it built one).
    const c = this.jwtChildren;
    (cache === 'positive' ? (hit ? c['positive:hit'] : c['positive:miss']) : hit ? c['negative:hit'] : c['negative:miss'])!.inc();
  }
  /** One shadow request outcome (only called while mirroring is configured). */
  shadow(upstream: string, result: 'mirrored' | 'dropped' | 'failed'): void { this.shadowRq.labels(upstream, result).inc(); }
  regionBreaker(upstream: string, region: string, value: number): void { this.regionBreakerState.labels(upstream, region).set(value); }
  reload(ok: boolean): void { this.reloads.labels(ok ? 'applied' : 'rejected').inc(); }
}
