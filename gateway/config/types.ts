/** The validated, frozen configuration of one reference gateway (see docs/gateway-contract.md §1). */
import type { EtcdSourceConfig, NegativeBloomConfig, RegionConfig, ShadowConfig, ShadowRouteConfig } from './feature-types.js';

export type JwtAlg = 'HS256' | 'RS256';
export type RouteType = 'proxy' | 'feed' | 'health' | 'metrics';
export type SchedulingPolicy = 'none' | 'rr';

export interface InstanceConfig {
  /** Origin only, e.g. `http://127.0.0.1:19003`. */
  readonly origin: string;
  readonly weight: number;
}

export interface UpstreamConfig {
  readonly name: string;
  readonly instances: readonly InstanceConfig[];
  /** Bounded undici Pool size per instance. */
  readonly connections: number;
  /** Idle upstream socket lifetime; must stay below the upstream server's own keep-alive timeout. */
  readonly keepAliveTimeoutMs: number;
  /** Client for body-less calls (`pool.client`): the lean HTTP/1.1 client or undici's dispatch. */
  readonly client: 'lean' | 'undici';
}

export interface RouteConfig {
  readonly method: string | null;
  /** `/exact`, `/prefix/*` or `/with/:param`. */
  readonly path: string;
  readonly type: RouteType;
  readonly upstream: string | null;
  readonly auth: boolean;
  /** Optional traffic mirroring (config/features.ts). */
  readonly shadow?: ShadowRouteConfig | null;
}

export interface BreakerConfig {
  readonly failures: number;
  readonly cooldownMs: number;
  /** Optional second trigger: error ratio over a sliding window. */
  readonly errorRate: { readonly threshold: number; readonly windowMs: number; readonly minRequests: number } | null;
}

export interface JwtConfig {
  readonly alg: JwtAlg;
  readonly secret: string;
  readonly publicKeyFile: string | null;
  /** PEM read from publicKeyFile at load time, so a reload picks up a rotated key. */
  readonly publicKeyPem: string | null;
  readonly issuer: string;
  readonly cacheSize: number;
  readonly negativeCacheSize: number;
  readonly negativeTtlMs: number;
  readonly negativeBloom?: NegativeBloomConfig | null;
}

export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number; readonly backlog: number };
  /** Resolved process count (`auto` already replaced by the CPU count). */
  readonly workers: number;
  readonly scheduling: SchedulingPolicy;
  /** Connection balancing across workers (cluster-balance.ts): pause ratio, null = off. */
  readonly balance: number | null;
  readonly upstreams: Readonly<Record<string, UpstreamConfig>>;
  readonly jwt: JwtConfig;
  readonly fanoutDeadlineMs: number;
  readonly upstreamTimeoutMs: number;
  readonly breaker: BreakerConfig;
  readonly limits: { readonly maxBodyBytes: number; readonly maxHeaderBytes: number };
  readonly server: {
    readonly keepAliveTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly routes: readonly RouteConfig[];
  readonly debugDelayMs: number;
  /** Optional features (config/features.ts); absent = off. */
  readonly shadow?: ShadowConfig;
  readonly regions?: RegionConfig | null;
  readonly etcd?: EtcdSourceConfig | null;
  /** CPU burnt before each proxied/fan-out request (ms); applied at startup only, not on reload. */
  readonly debugCpuMs: number;
}

/** Names of the contract's services, as used in YAML `upstreams:` and in metric labels. */
export const CONTRACT_SERVICES = {
  'user-status': 'GW_UPSTREAM_USER_STATUS',
  barrage: 'GW_UPSTREAM_BARRAGE',
  user: 'GW_UPSTREAM_USER',
  interact: 'GW_UPSTREAM_INTERACT',
} as const;

/** The fan-out route always calls these two services (contract §2). */
export const FEED_SERVICES = ['user-status', 'barrage'] as const;
