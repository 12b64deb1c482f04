import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseCount, parseDuration, parsePercent, parseSize } from '../../core/units.js';
import { ConfigError, GwBenchError } from '../../core/errors.js';
import {
  FEED_SERVICES, type BreakerConfig, type GatewayConfig, type InstanceConfig, type JwtAlg,
  type RouteConfig, type RouteType, type SchedulingPolicy, type UpstreamConfig,
} from './types.js';

type Obj = Record<string, unknown>;
const ROUTE_TYPES: readonly RouteType[] = ['proxy', 'feed', 'health', 'metrics'];
const KNOWN_TOP = new Set(['listen', 'workers', 'cluster', 'upstreams', 'pool', 'jwt', 'deadlines', 'breaker', 'limits', 'server', 'routes', 'debug']);
const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** Collects every problem instead of stopping at the first, so one run tells the user all of them. */
class Problems {
  readonly list: string[] = [];
  add(path: string, value: unknown, expected: string): void {
    this.list.push(`${path}: ${JSON.stringify(value)} ${expected}`);
  }
  /** Run a core/units parser, recording its message instead of throwing. */
  unit<T>(path: string, value: unknown, parse: (v: unknown, field: string) => T, fallback: T): T {
    try {
      return parse(numeric(value), path);
    } catch (err) {
      if (err instanceof GwBenchError) { this.list.push(err.message); return fallback; }
      throw err;
    }
  }
}

/** Env values are strings; "1000" means the number 1000 (ms, bytes, count). */
function numeric(v: unknown): unknown {
  return typeof v === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(v.trim()) ? Number(v) : v;
}

function obj(p: Problems, path: string, v: unknown): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) { p.add(path, v, 'is not a mapping'); return {}; }
  return v as Obj;
}

function unknownKeys(p: Problems, path: string, o: Obj, known: readonly string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) p.add(`${path}.${k}`, o[k], `is not a known key (known: ${known.join(', ')})`);
}

function int(p: Problems, path: string, v: unknown, min: number, max: number): number {
  const n = p.unit(path, v, parseCount, min);
  if (n < min || n > max) p.add(path, v, `is out of range ${min}..${max}`);
  return n;
}

function ms(p: Problems, path: string, v: unknown, min = 0): number {
  const n = p.unit(path, v, parseDuration, min);
  if (n < min) p.add(path, v, `must be at least ${min}ms`);
  return n;
}

function str(p: Problems, path: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') { p.add(path, v, 'is not a non-empty string'); return ''; }
  return v;
}

/** Parse `URL` / `URL*WEIGHT` lists (contract §1) or a YAML list of strings / {url, weight}. */
function instances(p: Problems, path: string, v: unknown): InstanceConfig[] {
  const items: unknown[] = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : Array.isArray(v) ? v : [];
  if (items.length === 0) p.add(path, v, 'is not a list of instances like "http://127.0.0.1:19004*80,http://127.0.0.1:19005*20"');
  const out: InstanceConfig[] = [];
  items.forEach((item, i) => {
    const ip = `${path}[${i}]`;
    let url: unknown = item;
    let weight: unknown = 1;
    if (typeof item === 'string') {
      const star = item.lastIndexOf('*');
      if (star >= 0) { url = item.slice(0, star); weight = item.slice(star + 1); }
    } else if (item && typeof item === 'object') {
      url = (item as Obj).url;
      weight = (item as Obj).weight ?? 1;
    }
    const w = numeric(weight);
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 1_000_000) p.add(`${ip}.weight`, weight, 'is not a whole number 1..1000000');
    let origin = '';
    try {
      const u = new URL(String(url));
      if (u.protocol !== 'http:') p.add(ip, url, 'must be an http:// URL');
      if (u.pathname !== '/' || u.search || u.hash || u.username) p.add(ip, url, 'must be an origin only (no path, query or credentials)');
      origin = u.origin;
    } catch {
      p.add(ip, url, 'is not a URL');
    }
    out.push(Object.freeze({ origin, weight: typeof w === 'number' ? w : 1 }));
  });
  return out;
}

function upstreams(p: Problems, raw: Obj, poolRaw: Obj): Record<string, UpstreamConfig> {
  unknownKeys(p, 'pool', poolRaw, ['connections', 'keepAliveTimeout']);
  const defConnections = int(p, 'pool.connections', poolRaw.connections ?? 128, 1, 4096);
  const defKeepAlive = ms(p, 'pool.keepAliveTimeout', poolRaw.keepAliveTimeout ?? '4s', 1);
  const out: Record<string, UpstreamConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    const path = `upstreams.${name}`;
    if (!NAME_RE.test(name)) p.add(path, name, 'is not a valid service name (lower-case letters, digits, - and _)');
    const u = typeof value === 'string' || Array.isArray(value) ? { instances: value } : obj(p, path, value);
    unknownKeys(p, path, u, ['instances', 'connections', 'keepAliveTimeout']);
    out[name] = Object.freeze({
      name,
      instances: Object.freeze(instances(p, `${path}.instances`, u.instances)),
      connections: u.connections === undefined ? defConnections : int(p, `${path}.connections`, u.connections, 1, 4096),
      keepAliveTimeoutMs: u.keepAliveTimeout === undefined ? defKeepAlive : ms(p, `${path}.keepAliveTimeout`, u.keepAliveTimeout, 1),
    });
  }
  return out;
}

function compilePathCheck(p: Problems, path: string, v: string): void {
  if (!v.startsWith('/')) { p.add(path, v, 'must start with /'); return; }
  const segs = v.split('/').slice(1);
  segs.forEach((s, i) => {
    if (s === '*' && i !== segs.length - 1) p.add(path, v, 'may use * only as the last segment');
    if (s.startsWith(':') && !/^:[A-Za-z_][A-Za-z0-9_]*$/.test(s)) p.add(path, v, `has an invalid parameter segment ${s}`);
  });
}

function routes(p: Problems, raw: unknown, ups: Record<string, UpstreamConfig>): RouteConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) { p.add('routes', raw, 'is not a non-empty list of routes'); return []; }
  const seen = new Set<string>();
  return raw.map((r, i) => {
    const path = `routes[${i}]`;
    const o = obj(p, path, r);
    unknownKeys(p, path, o, ['method', 'path', 'type', 'upstream', 'auth']);
    const routePath = str(p, `${path}.path`, o.path);
    if (routePath) compilePathCheck(p, `${path}.path`, routePath);
    const type = o.type as RouteType;
    if (!ROUTE_TYPES.includes(type)) p.add(`${path}.type`, o.type, `is not one of ${ROUTE_TYPES.join(', ')}`);
    let method: string | null = null;
    if (o.method !== undefined && o.method !== null && o.method !== '*') {
      if (typeof o.method !== 'string' || !/^[A-Za-z]+$/.test(o.method)) p.add(`${path}.method`, o.method, 'is not an HTTP method name (or *)');
      else method = o.method.toUpperCase();
    }
    const key = `${method ?? '*'} ${routePath}`;
    if (seen.has(key)) p.add(`${path}`, key, 'duplicates an earlier route');
    seen.add(key);
    let upstream: string | null = null;
    if (type === 'proxy') {
      upstream = str(p, `${path}.upstream`, o.upstream);
      if (upstream && !ups[upstream]) p.add(`${path}.upstream`, o.upstream, `is not a configured upstream (have: ${Object.keys(ups).join(', ')})`);
    } else if (o.upstream !== undefined) {
      p.add(`${path}.upstream`, o.upstream, `is only allowed on proxy routes`);
    }
    if (type === 'feed') {
      for (const s of FEED_SERVICES) if (!ups[s]) p.add(`${path}.type`, 'feed', `needs upstream "${s}" to be configured`);
    }
    if (o.auth !== undefined && typeof o.auth !== 'boolean') p.add(`${path}.auth`, o.auth, 'is not true or false');
    return Object.freeze({ method, path: routePath, type, upstream, auth: o.auth === undefined ? type === 'proxy' || type === 'feed' : o.auth === true });
  });
}

function breaker(p: Problems, raw: Obj): BreakerConfig {
  unknownKeys(p, 'breaker', raw, ['failures', 'cooldown', 'errorRate']);
  let errorRate: BreakerConfig['errorRate'] = null;
  if (raw.errorRate !== undefined && raw.errorRate !== null) {
    const e = obj(p, 'breaker.errorRate', raw.errorRate);
    unknownKeys(p, 'breaker.errorRate', e, ['threshold', 'window', 'minRequests']);
    const threshold = p.unit('breaker.errorRate.threshold', e.threshold, parsePercent, 0.5);
    if (threshold <= 0) p.add('breaker.errorRate.threshold', e.threshold, 'must be above 0%');
    errorRate = Object.freeze({
      threshold,
      windowMs: ms(p, 'breaker.errorRate.window', e.window ?? '10s', 100),
      minRequests: int(p, 'breaker.errorRate.minRequests', e.minRequests ?? 20, 1, 1e9),
    });
  }
  return Object.freeze({
    failures: int(p, 'breaker.failures', raw.failures, 1, 1e9),
    cooldownMs: ms(p, 'breaker.cooldown', raw.cooldown, 1),
    errorRate,
  });
}

function workers(p: Problems, v: unknown): number {
  if (v === 'auto') return availableParallelism();
  return int(p, 'workers', v, 1, 256);
}

/**
 * Validate a merged raw config (defaults < env < YAML) into a frozen GatewayConfig.
 * Throws one ConfigError listing every problem with its path, value and expectation.
 */
export function validateConfig(raw: Obj, source = 'configuration'): GatewayConfig {
  const p = new Problems();
  for (const k of Object.keys(raw)) if (!KNOWN_TOP.has(k)) p.add(k, raw[k], `is not a known key (known: ${[...KNOWN_TOP].join(', ')})`);

  const listenRaw = obj(p, 'listen', raw.listen);
  unknownKeys(p, 'listen', listenRaw, ['host', 'port', 'backlog']);
  const listen = Object.freeze({
    host: str(p, 'listen.host', listenRaw.host),
    port: int(p, 'listen.port', listenRaw.port, 0, 65535),
    backlog: int(p, 'listen.backlog', listenRaw.backlog, 1, 1_000_000),
  });

  const clusterRaw = obj(p, 'cluster', raw.cluster);
  unknownKeys(p, 'cluster', clusterRaw, ['scheduling']);
  const scheduling = clusterRaw.scheduling as SchedulingPolicy;
  if (scheduling !== 'none' && scheduling !== 'rr') p.add('cluster.scheduling', clusterRaw.scheduling, 'is not "none" (kernel spreads accepts) or "rr" (primary round-robin)');

  const ups = upstreams(p, obj(p, 'upstreams', raw.upstreams), obj(p, 'pool', raw.pool));

  const jwtRaw = obj(p, 'jwt', raw.jwt);
  unknownKeys(p, 'jwt', jwtRaw, ['alg', 'secret', 'publicKeyFile', 'issuer', 'cacheSize', 'negativeCacheSize', 'negativeTtl']);
  const alg = jwtRaw.alg as JwtAlg;
  if (alg !== 'HS256' && alg !== 'RS256') p.add('jwt.alg', jwtRaw.alg, 'is not HS256 or RS256');
  const publicKeyFile = jwtRaw.publicKeyFile === undefined || jwtRaw.publicKeyFile === null ? null : str(p, 'jwt.publicKeyFile', jwtRaw.publicKeyFile);
  let publicKeyPem: string | null = null;
  if (alg === 'RS256') {
    if (!publicKeyFile) p.add('jwt.publicKeyFile', jwtRaw.publicKeyFile, 'is required when jwt.alg is RS256 (env GW_JWT_PUBLIC_KEY_FILE)');
    else {
      try { publicKeyPem = readFileSync(publicKeyFile, 'utf8'); } catch (err) { p.add('jwt.publicKeyFile', publicKeyFile, `cannot be read (${(err as Error).message})`); }
      if (publicKeyPem !== null) {
        let type: string | undefined;
        try { type = createPublicKey(publicKeyPem).asymmetricKeyType; } catch { /* reported below */ }
        if (type !== 'rsa') p.add('jwt.publicKeyFile', publicKeyFile, `does not hold an RSA public key in PEM (SPKI) form${type ? ` (found ${type})` : ''}`);
      }
    }
  }
  const jwt = Object.freeze({
    alg,
    secret: alg === 'HS256' ? str(p, 'jwt.secret', jwtRaw.secret) : String(jwtRaw.secret ?? ''),
    publicKeyFile,
    publicKeyPem,
    issuer: str(p, 'jwt.issuer', jwtRaw.issuer),
    cacheSize: int(p, 'jwt.cacheSize', jwtRaw.cacheSize, 1, 10_000_000),
    negativeCacheSize: int(p, 'jwt.negativeCacheSize', jwtRaw.negativeCacheSize, 1, 10_000_000),
    negativeTtlMs: ms(p, 'jwt.negativeTtl', jwtRaw.negativeTtl, 1),
  });

  const deadlines = obj(p, 'deadlines', raw.deadlines);
  unknownKeys(p, 'deadlines', deadlines, ['fanout', 'upstream']);
  const limitsRaw = obj(p, 'limits', raw.limits);
  unknownKeys(p, 'limits', limitsRaw, ['maxBodyBytes', 'maxHeaderBytes']);
  const limits = Object.freeze({
    maxBodyBytes: p.unit('limits.maxBodyBytes', limitsRaw.maxBodyBytes, parseSize, 0),
    maxHeaderBytes: p.unit('limits.maxHeaderBytes', limitsRaw.maxHeaderBytes, parseSize, 0),
  });
  if (limits.maxHeaderBytes < 1024) p.add('limits.maxHeaderBytes', limitsRaw.maxHeaderBytes, 'must be at least 1024 bytes');

  const serverRaw = obj(p, 'server', raw.server);
  unknownKeys(p, 'server', serverRaw, ['keepAliveTimeout', 'headersTimeout', 'requestTimeout', 'shutdownTimeout']);
  const keepAliveTimeoutMs = ms(p, 'server.keepAliveTimeout', serverRaw.keepAliveTimeout, 1);
  const headersTimeoutMs = serverRaw.headersTimeout === null || serverRaw.headersTimeout === undefined
    ? keepAliveTimeoutMs + 1000
    : ms(p, 'server.headersTimeout', serverRaw.headersTimeout, 1);
  const requestTimeoutMs = ms(p, 'server.requestTimeout', serverRaw.requestTimeout);
  // Node refuses headersTimeout > requestTimeout when requestTimeout is set.
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) p.add('server.requestTimeout', serverRaw.requestTimeout, `must be 0 or at least server.headersTimeout (${headersTimeoutMs}ms)`);
  const server = Object.freeze({
    keepAliveTimeoutMs, headersTimeoutMs, requestTimeoutMs,
    shutdownTimeoutMs: ms(p, 'server.shutdownTimeout', serverRaw.shutdownTimeout),
  });

  const debugRaw = obj(p, 'debug', raw.debug);
  unknownKeys(p, 'debug', debugRaw, ['delay', 'cpu']);

  const config: GatewayConfig = {
    listen,
    workers: workers(p, numeric(raw.workers)),
    scheduling,
    upstreams: Object.freeze(ups),
    jwt,
    fanoutDeadlineMs: ms(p, 'deadlines.fanout', deadlines.fanout, 1),
    upstreamTimeoutMs: ms(p, 'deadlines.upstream', deadlines.upstream, 1),
    breaker: breaker(p, obj(p, 'breaker', raw.breaker)),
    limits,
    server,
    routes: Object.freeze(routes(p, raw.routes, ups)),
    debugDelayMs: ms(p, 'debug.delay', debugRaw.delay),
    debugCpuMs: ms(p, 'debug.cpu', debugRaw.cpu),
  };
  if (p.list.length > 0) throw new ConfigError(`${source}: ${p.list.length} problem(s)`, p.list);
  return Object.freeze(config);
}
