import { Pool } from 'undici';
import type { BreakerConfig, UpstreamConfig } from '../config/types.js';
import { SmoothWeightedBalancer } from './balancer.js';
import { BREAKER_STATE_VALUE, localBreakers, type Breaker, type BreakerFactory } from './breaker.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/** Idle time allowed between body chunks of an upstream response before it is cut. */
const UPSTREAM_BODY_TIMEOUT_MS = 30_000;

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
  private readonly pools: Pool[];
  private readonly balancer: SmoothWeightedBalancer<Pool>;

  constructor(readonly cfg: UpstreamConfig, breakerCfg: BreakerConfig, metrics: GatewayMetrics, breakers: BreakerFactory = localBreakers) {
    this.name = cfg.name;
    this.key = upstreamKey(cfg, breakerCfg);
    this.pools = cfg.instances.map((inst) => {
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
      return pool;
    });
    this.balancer = new SmoothWeightedBalancer(this.pools.map((item, i) => ({ item, weight: cfg.instances[i]!.weight })));
    metrics.breaker(cfg.name, BREAKER_STATE_VALUE.closed);
    this.breaker = breakers(cfg.name, breakerCfg, (s) => metrics.breaker(cfg.name, BREAKER_STATE_VALUE[s]));
  }

  /** The pool of the instance that should take the next request. */
  pick(): Pool { return this.balancer.pick(); }

  /** Close after in-flight requests finish (undici's close waits for them). */
  async close(): Promise<void> {
    await Promise.allSettled(this.pools.map((p) => p.close()));
  }

  /** Close now, failing whatever is still queued or running. */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.pools.map((p) => p.destroy()));
  }
}

/** Stable identity of an upstream's effective config. */
export function upstreamKey(cfg: UpstreamConfig, breakerCfg: BreakerConfig): string {
  return JSON.stringify([cfg.instances, cfg.connections, cfg.keepAliveTimeoutMs, breakerCfg]);
}
