import { availableParallelism } from 'node:os';
import { ConfigError } from '../../core/errors.js';
import { formatProblems, Problems, reportedAt } from '../../core/problems/problem.js';
import { coerceNumericStrings, schemaProblems } from '../../core/problems/schema.js';
import { parseCount, parseDuration, parsePercent, parseSize } from '../../core/units.js';
import { instancesOf, publicKeyOf, routesOf } from './rules.js';
import { gatewayConfigSchema } from './schema.js';
import type { BreakerConfig, GatewayConfig, JwtAlg, SchedulingPolicy, UpstreamConfig } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Unit values the schema accepted parse; a broken one (already reported) becomes NaN. */
const unit = (parse: (v: unknown) => number) => (v: unknown): number => { try { return parse(v); } catch { return Number.NaN; } };
const ms = unit((v) => parseDuration(v));
const n = unit((v) => parseCount(v));
const bytes = unit((v) => parseSize(v));
const frac = unit((v) => parsePercent(v));

function upstreamsOf(p: Problems, raw: Obj, pool: Obj, clean: (path: string) => boolean): Record<string, UpstreamConfig> {
  const out: Record<string, UpstreamConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    const path = `upstreams.${name}`;
    if (!clean(path)) continue;
    const u = isObj(value) ? value : { instances: value };
    out[name] = Object.freeze({
      name,
      instances: Object.freeze(instancesOf(p, `${path}.instances`, u.instances)),
      connections: n(u.connections ?? pool.connections),
      keepAliveTimeoutMs: ms(u.keepAliveTimeout ?? pool.keepAliveTimeout),
      client: pool.client === 'undici' ? 'undici' : 'lean',
    });
  }
  return out;
}

function breakerOf(p: Problems, b: Obj): BreakerConfig {
  const e = isObj(b.errorRate) ? b.errorRate : null;
  if (e && frac(e.threshold) <= 0) p.value('breaker.errorRate.threshold', e.threshold, 'must be above 0%');
  return Object.freeze({
    failures: n(b.failures),
    cooldownMs: ms(b.cooldown),
    errorRate: e ? Object.freeze({ threshold: frac(e.threshold), windowMs: ms(e.window ?? '10s'), minRequests: n(e.minRequests ?? 20) }) : null,
  });
}

/**
 * Validate a merged raw config (defaults < env < YAML) into a frozen GatewayConfig: the
 * schema (schema.ts, numeric strings from the environment read as numbers), then the rules across
 * fields (rules.ts) where the schema found nothing. Throws one ConfigError listing every
 * problem with its path, value and expectation.
 */
export function validateConfig(raw: Obj, source = 'configuration'): GatewayConfig {
  const doc = coerceNumericStrings(gatewayConfigSchema, structuredClone(raw)) as Obj;
  const p = new Problems();
  p.list.push(...schemaProblems(gatewayConfigSchema, doc));
  const clean = (path: string): boolean => !reportedAt(p.list, path);
  const sec = (k: string): Obj => (isObj(doc[k]) ? doc[k] : {});

  const upstreamsRaw = sec('upstreams');
  const ups = upstreamsOf(p, upstreamsRaw, sec('pool'), clean);
  const jwtRaw = sec('jwt');
  const alg = jwtRaw.alg as JwtAlg;
  const publicKeyFile = typeof jwtRaw.publicKeyFile === 'string' ? jwtRaw.publicKeyFile : null;
  const publicKeyPem = alg === 'RS256' && clean('jwt.publicKeyFile') ? publicKeyOf(p, publicKeyFile) : null;
  if (alg === 'HS256' && jwtRaw.secret === '') p.value('jwt.secret', jwtRaw.secret, 'is empty; HS256 needs a secret (env GW_JWT_SECRET)');
  const limitsRaw = sec('limits');
  const limits = Object.freeze({ maxBodyBytes: bytes(limitsRaw.maxBodyBytes), maxHeaderBytes: bytes(limitsRaw.maxHeaderBytes) });
  if (limits.maxHeaderBytes < 1024) p.value('limits.maxHeaderBytes', limitsRaw.maxHeaderBytes, 'must be at least 1024 bytes');
  const serverRaw = sec('server');
  const keepAliveTimeoutMs = ms(serverRaw.keepAliveTimeout);
  const headersTimeoutMs = serverRaw.headersTimeout === null || serverRaw.headersTimeout === undefined ? keepAliveTimeoutMs + 1000 : ms(serverRaw.headersTimeout);
  const requestTimeoutMs = ms(serverRaw.requestTimeout);
  // Node refuses headersTimeout > requestTimeout when requestTimeout is set.
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) p.value('server.requestTimeout', serverRaw.requestTimeout, `must be 0 or at least server.headersTimeout (${headersTimeoutMs}ms)`);
  const routes = Array.isArray(doc.routes) ? routesOf(p, doc.routes, Object.keys(upstreamsRaw), clean) : [];
  const listen = sec('listen');
  const deadlines = sec('deadlines');
  const breaker = breakerOf(p, sec('breaker'));

  if (p.length > 0) throw new ConfigError(`${source}: ${p.length} problem(s)`, formatProblems(p.list));
  return Object.freeze({
    listen: Object.freeze({ host: listen.host as string, port: listen.port as number, backlog: listen.backlog as number }),
    workers: doc.workers === 'auto' ? availableParallelism() : doc.workers as number,
    scheduling: sec('cluster').scheduling as SchedulingPolicy,
    balance: (sec('cluster').balance ?? null) as number | null,
    upstreams: Object.freeze(ups),
    jwt: Object.freeze({
      alg, secret: String(jwtRaw.secret ?? ''), publicKeyFile, publicKeyPem, issuer: jwtRaw.issuer as string,
      cacheSize: n(jwtRaw.cacheSize), negativeCacheSize: n(jwtRaw.negativeCacheSize), negativeTtlMs: ms(jwtRaw.negativeTtl),
    }),
    fanoutDeadlineMs: ms(deadlines.fanout),
    upstreamTimeoutMs: ms(deadlines.upstream),
    breaker,
    limits,
    server: Object.freeze({ keepAliveTimeoutMs, headersTimeoutMs, requestTimeoutMs, shutdownTimeoutMs: ms(serverRaw.shutdownTimeout) }),
    routes: Object.freeze(routes),
    debugDelayMs: ms(sec('debug').delay),
    debugCpuMs: ms(sec('debug').cpu),
  });
}
