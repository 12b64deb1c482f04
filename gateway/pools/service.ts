import { Pool } from 'undici';
import { LeanClient } from './lean-client.js';
import { UndiciClient } from './undici-client.js';
import type { UpstreamClient } from './upstream-client.js';
import type { BreakerConfig, UpstreamConfig } from '../config/types.js';
import { SmoothWeightedBalancer } from './balancer.js';
import { BREAKER_STATE_VALUE, localBreakers, type Breaker, type BreakerFactory } from './breaker.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/** Idle time allowed between body chunks of an upstream response before it is cut. */
const UPSTREAM_BODY_TIMEOUT_MS = 30_000;

/** One upstream instance: the undici Pool (requests with a body) and the client for body-less calls. */
export interface UpstreamInstance {
  readonly pool: Pool;
  /** `pool.client`: the lean client, or undici's dispatch on `pool`. */
  readonly client: UpstreamClient;
}

/**
 * One upstream service: a bounded undici Pool per instance behind a smooth weighted
 * balancer, and the service's circuit breaker. Reused across reloads when its config
 * is unchanged, so warm connections and breaker state survive.
 */
export class UpstreamService {
  readonly name: string;
  readonly breaker: Breaker;
  /** Identity of the config this service was built from; equal key = reusable on reload. */
  readonly key: string;
  private readonly instances: UpstreamInstance[];
  private readonly balancer: SmoothWeightedBalancer<UpstreamInstance>;
  /** Per-region breakers (`regions:` configured), created on first use; keyed `name@region` where shared. */
  private regional: Map<string, Breaker> | null = null;

  constructor(readonly cfg: UpstreamConfig, private readonly breakerCfg: BreakerConfig, private readonly metrics: GatewayMetrics, private readonly breakers: BreakerFactory = localBreakers) {
    this.name = cfg.name;
    this.key = upstreamKey(cfg, breakerCfg);
    this.instances = cfg.instances.map((inst) => {
      const pool = new Pool(inst.origin, {
        connections: cfg.connections,
        // No pipelining: no head-of-line blocking, and the same one-request-per-socket
        // model as the Go/Java/Python baselines (docs/architecture.md, fair comparison).
        pipelining: 1,
        keepAliveTimeout: cfg.keepAliveTimeoutMs,
        keepAliveMaxTimeout: cfg.keepAliveTimeoutMs,
        // Our own timer in proxy.ts covers queueing + headers (GW_UPSTREAM_TIMEOUT_MS).
        headersTimeout: 0,
        bodyTimeout: UPSTREAM_BODY_TIMEOUT_MS,
      });
      pool.on('connect', () => metrics.upstreamConnection(cfg.name));
      // Bounds per instance: `connections` sockets for each client (the undici pool only
      // opens sockets when a request with a body comes, so with the lean client it mostly has none).
      const client: UpstreamClient = cfg.client === 'lean'
        ? new LeanClient(inst.origin, { connections: cfg.connections, keepAliveTimeoutMs: cfg.keepAliveTimeoutMs, bodyTimeoutMs: UPSTREAM_BODY_TIMEOUT_MS, onConnect: () => metrics.upstreamConnection(cfg.name) })
        : new UndiciClient(pool);
      return { pool, client };
    });
    this.balancer = new SmoothWeightedBalancer(this.instances.map((item, i) => ({ item, weight: cfg.instances[i]!.weight })));
    metrics.breaker(cfg.name, BREAKER_STATE_VALUE.closed);
    this.breaker = breakers(cfg.name, breakerCfg, (s) => metrics.breaker(cfg.name, BREAKER_STATE_VALUE[s]));
  }

  /**
   * The breaker of this service for one client region. At most `maxRegions` are kept;
   * later regions share the `fallback` region's breaker, so a header naming endless
   * regions cannot grow memory.
   */
  breakerFor(region: string, maxRegions: number, fallback: string): Breaker {
    this.regional ??= new Map();
    let b = this.regional.get(region);
    if (b !== undefined) return b;
    if (this.regional.size >= maxRegions && region !== fallback) return this.breakerFor(fallback, maxRegions + 1, fallback);
    b = this.breakers(`${this.name}@${region}`, this.breakerCfg, (s) => this.metrics.regionBreaker(this.name, region, BREAKER_STATE_VALUE[s]));
    this.metrics.regionBreaker(this.name, region, BREAKER_STATE_VALUE.closed);
    this.regional.set(region, b);
    return b;
  }

  /** The instance that should take the next request. */
  pick(): UpstreamInstance { return this.balancer.pick(); }

  /** Close after in-flight requests finish (both clients' close waits for them). */
  async close(): Promise<void> {
    await Promise.allSettled(this.instances.flatMap((i) => (i.client instanceof UndiciClient ? [i.pool.close()] : [i.pool.close(), i.client.close()])));
  }

  /** Close now, failing whatever is still queued or running. */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.instances.flatMap((i) => (i.client instanceof UndiciClient ? [i.pool.destroy()] : [i.pool.destroy(), i.client.destroy()])));
  }
}

/** Stable identity of an upstream's effective config. */
export function upstreamKey(cfg: UpstreamConfig, breakerCfg: BreakerConfig): string {
  return JSON.stringify([cfg.instances, cfg.connections, cfg.keepAliveTimeoutMs, cfg.client, breakerCfg]);
}
