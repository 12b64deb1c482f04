/** Public API of the mock upstream services (see upstream/README.md). */
export { startUpstreams, UpstreamSet, type ServiceEndpoints } from './set.js';
export { UpstreamAdminClient, type UpstreamControl } from './admin-client.js';
export { defaultConfig, validateConfig, loadConfigFile, withEphemeralPorts, type UpstreamConfig, type ServiceConfig, DEFAULT_PORTS, DEFAULT_ADMIN_PORT } from './config.js';
export { type ControlCommand, type ControlResult, parseControl } from './controls.js';
export { type UpstreamStats, sumCounter, upstreamReuse } from './stats.js';
export { type InstanceStats, UPSTREAM_KEEP_ALIVE_MS } from './instance.js';
export { type LatencyModel, makeSampler, lognormalParams } from './latency.js';
export { upstreamEnv } from './contract-env.js';
export { runUpstreamProcess, type ReadyInfo } from './process.js';
