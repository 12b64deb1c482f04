import type { GatewayConfig } from './config/types.js';
import { JwtVerifier } from './auth/jwt.js';
import { compileRoutes, type RouteTable } from './routes/router.js';
import { UpstreamService, upstreamKey } from './pools/service.js';
import type { GatewayMetrics } from './observability/metrics.js';
import type { BreakerFactory } from './pools/breaker.js';

/**
 * Everything a request needs, built from one config and never mutated. A request reads
 * the current state once at its start and keeps that snapshot, so a reload (which swaps
 * the whole object) never changes the rules under an in-flight request.
 */
export interface GatewayState {
  readonly config: GatewayConfig;
  readonly routes: RouteTable;
  readonly services: ReadonlyMap<string, UpstreamService>;
  readonly jwt: JwtVerifier;
}

/** Build a state for `config`, reusing unchanged services and the JWT caches of `prev`. */
export function buildState(config: GatewayConfig, metrics: GatewayMetrics, prev: GatewayState | null, breakers?: BreakerFactory): { state: GatewayState; retired: UpstreamService[] } {
  const services = new Map<string, UpstreamService>();
  for (const [name, cfg] of Object.entries(config.upstreams)) {
    const old = prev?.services.get(name);
    services.set(name, old && old.key === upstreamKey(cfg, config.breaker) ? old : new UpstreamService(cfg, config.breaker, metrics, breakers));
  }
  const retired = prev ? [...prev.services.values()].filter((s) => services.get(s.name) !== s) : [];
  const jwt = prev && JSON.stringify(prev.config.jwt) === JSON.stringify(config.jwt)
    ? prev.jwt
    : new JwtVerifier(config.jwt, (cache, hit) => metrics.jwt(cache, hit));
  const state: GatewayState = Object.freeze({ config, routes: compileRoutes(config.routes), services, jwt });
  return { state, retired };
}
