import { CONTRACT_SERVICES } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The contract's environment variables (docs/gateway-contract.md §1) as a partial raw
 * config. Values stay strings; validation converts and names `env GW_...` on problems.
 */
export function rawConfigFromEnv(env: Env): Record<string, unknown> {
  const raw: Record<string, Record<string, unknown> | unknown> = {};
  const section = (name: string): Record<string, unknown> =>
    (raw[name] ??= {}) as Record<string, unknown>;
  const set = (variable: string, apply: (v: string) => void): void => {
    const v = env[variable];
    if (v !== undefined && v !== '') apply(v);
  };
  set('GW_LISTEN_HOST', (v) => { section('listen').host = v; });
  set('GW_LISTEN_PORT', (v) => { section('listen').port = v; });
  set('GW_WORKERS', (v) => { raw.workers = v; });
  set('GW_CLUSTER_SCHEDULING', (v) => { section('cluster').scheduling = v; });
  set('GW_CLUSTER_BALANCE', (v) => { section('cluster').balance = v === 'off' ? null : v; });
  for (const [service, variable] of Object.entries(CONTRACT_SERVICES)) {
    set(variable, (v) => { section('upstreams')[service] = { instances: v }; });
  }
  set('GW_UPSTREAM_CONNECTIONS', (v) => { section('pool').connections = v; });
  set('GW_UPSTREAM_KEEPALIVE_MS', (v) => { section('pool').keepAliveTimeout = v; });
  set('GW_UPSTREAM_CLIENT', (v) => { section('pool').client = v; });
  set('GW_JWT_ALG', (v) => { section('jwt').alg = v; });
  set('GW_JWT_SECRET', (v) => { section('jwt').secret = v; });
  set('GW_JWT_PUBLIC_KEY_FILE', (v) => { section('jwt').publicKeyFile = v; });
  set('GW_JWT_ISSUER', (v) => { section('jwt').issuer = v; });
  set('GW_FANOUT_DEADLINE_MS', (v) => { section('deadlines').fanout = v; });
  set('GW_UPSTREAM_TIMEOUT_MS', (v) => { section('deadlines').upstream = v; });
  set('GW_BREAKER_FAILURES', (v) => { section('breaker').failures = v; });
  set('GW_BREAKER_COOLDOWN_MS', (v) => { section('breaker').cooldown = v; });
  set('GW_MAX_BODY_BYTES', (v) => { section('limits').maxBodyBytes = v; });
  set('GW_MAX_HEADER_BYTES', (v) => { section('limits').maxHeaderBytes = v; });
  set('GW_IDLE_TIMEOUT_MS', (v) => { section('server').keepAliveTimeout = v; });
  set('GW_DEBUG_DELAY_MS', (v) => { section('debug').delay = v; });
  // Microseconds: a bare number is us here (not ms), a value with a unit is taken as written.
  set('GW_DEBUG_CPU_US', (v) => { section('debug').cpu = /^\d+(\.\d+)?$/.test(v.trim()) ? `${v.trim()}us` : v; });
  return raw as Record<string, unknown>;
}
