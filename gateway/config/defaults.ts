/**
 * Built-in defaults in the raw (YAML-shaped) form. Environment variables and then the
 * YAML file are merged over these, and the result is validated once.
 */
export const DEFAULT_RAW_CONFIG = {
  listen: { host: '127.0.0.1', port: 8080, backlog: 65535 },
  workers: 1,
  // SCHED_NONE: the kernel spreads accepts over workers. Round-robin makes the primary
  // accept every socket and hand it over IPC: ~5k accepted connections in 20 s during a
  // storm against ~66k in 50 s with SCHED_NONE (docs/architecture.md, machine facts).
  // Our own check (scripts/accept-storm.ts, 2 workers, 16000 connections opened at
  // once, each counted when its first GET /healthz is answered; machine shared and at
  // load ~15 on 2 cores, so only the order is meaningful): none served all 16000 in
  // 29.0 s; rr served 10417 in 40 s. At 8000 connections both finished in ~5 s.
  // balance: a worker holding more than 1.2x the mean connections (+32) stops accepting
  // until it is back at the mean (cluster-balance.ts); null leaves the spread to the kernel.
  cluster: { scheduling: 'none', balance: 1.2 },
  upstreams: {
    'user-status': { instances: 'http://127.0.0.1:19001' },
    barrage: { instances: 'http://127.0.0.1:19002' },
    user: { instances: 'http://127.0.0.1:19003' },
    interact: { instances: 'http://127.0.0.1:19004*80,http://127.0.0.1:19005*20' },
  },
  // 128 sockets per instance bounds bursts (undici's default is unbounded); 4 s idle is
  // below Node's 5 s server keep-alive default, so we never write on a socket the
  // upstream is closing (nodejs/node#47130).
  // lean: about half undici's CPU per upstream call (docs/gateway-performance.md).
  pool: { connections: 128, keepAliveTimeout: '4s', client: 'lean' },
  jwt: {
    alg: 'HS256',
    secret: 'gw-bench-dev-secret-change-me-0123456789',
    publicKeyFile: null,
    issuer: 'gw-bench',
    cacheSize: 100_000,
    negativeCacheSize: 10_000,
    negativeTtl: '60s',
  },
  deadlines: { fanout: '150ms', upstream: '1000ms' },
  breaker: { failures: 5, cooldown: '2000ms', errorRate: null },
  limits: { maxBodyBytes: 1_048_576, maxHeaderBytes: 16_384 },
  server: {
    // 120 s keeps idle benchmark connections open between stages.
    keepAliveTimeout: '120s',
    // Node 20 starts the headers timer when a request's first bytes arrive, not while a
    // keep-alive socket idles; we still keep it above keepAliveTimeout so the classic
    // "idle socket killed by headersTimeout" race cannot happen on any Node version.
    headersTimeout: null,
    // 0 = no whole-request limit; slow uploads are bounded by maxBodyBytes instead.
    requestTimeout: 0,
    shutdownTimeout: '5s',
  },
  routes: [
    { method: 'GET', path: '/healthz', type: 'health', auth: false },
    { method: 'GET', path: '/metrics', type: 'metrics', auth: false },
    { method: 'GET', path: '/api/feed', type: 'feed', auth: true },
    { method: 'GET', path: '/api/user/:uid', type: 'proxy', upstream: 'user', auth: true },
    { method: 'POST', path: '/api/interact', type: 'proxy', upstream: 'interact', auth: true },
  ],
  debug: { delay: 0, cpu: 0 },
};
