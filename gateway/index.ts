/** Public API of the reference gateway (used by the harness, tests and `gw-bench gateway`). */
export { startGateway, type GatewayHandle, type StartOptions } from './server.js';
export { runGateway } from './run.js';
export { loadConfig, readYamlConfig, mergeRaw, type ConfigSources } from './config/load.js';
export { validateConfig } from './config/validate.js';
export type { GatewayConfig, UpstreamConfig, RouteConfig, JwtConfig, BreakerConfig } from './config/types.js';
export { JwtVerifier } from './auth/jwt.js';

/** Implementation name reported in /healthz, /metrics (`gateway_info`) and results. */
export const IMPL_NAME = 'reference';
