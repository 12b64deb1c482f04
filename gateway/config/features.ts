import { ConfigError, GwBenchError } from '../../core/errors.js';
import { parseCount, parseDuration, parsePercent, parseSize } from '../../core/units.js';
import { parseCidr } from './cidr.js';
import type { CidrRange, EtcdSourceConfig, NegativeBloomConfig, RegionConfig, ShadowConfig, ShadowRouteConfig } from './feature-types.js';
import type { GatewayConfig, RouteConfig } from './types.js';
import { validateConfig } from './validate.js';

/**
 * The optional features' config keys (`shadow`, `regions`, `etcd`, `routes[].shadow`,
 * `jwt.negativeBloom`): taken out of the raw config before the core validation and
 * validated here, then merged into the frozen config. One ConfigError lists the problems
 * of both parts. Kept apart from validate.ts so the core schema can evolve on its own.
 */

type Obj = Record<string, unknown>;
const REGION_RE = /^[a-z0-9][a-z0-9_.-]{0,31}$/;
const SHADOW_UPSTREAM = 'shadow';

/** GW_* variables of the optional features (reference gateway only; gateway-contract.md "Optional capabilities"). */
export function rawFeaturesFromEnv(env: Readonly<Record<string, string | undefined>>): Obj {
  const raw: Obj = {};
  const v = (k: string): string | undefined => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  if (v('GW_SHADOW_UPSTREAM')) raw.shadow = { upstream: v('GW_SHADOW_UPSTREAM'), ...(v('GW_SHADOW_SHARE') ? { share: v('GW_SHADOW_SHARE') } : {}) };
  if (v('GW_BREAKER_REGION_HEADER')) raw.regions = { header: v('GW_BREAKER_REGION_HEADER') };
  if (v('GW_ETCD_ENDPOINTS')) raw.etcd = { endpoints: v('GW_ETCD_ENDPOINTS'), ...(v('GW_ETCD_PREFIX') ? { prefix: v('GW_ETCD_PREFIX') } : {}) };
  if (v('GW_JWT_NEGATIVE_BLOOM')) raw.jwt = { negativeBloom: { capacity: v('GW_JWT_NEGATIVE_BLOOM') } };
  return raw;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, value: unknown, expected: string): void { this.list.push(`${path}: ${JSON.stringify(value)} ${expected}`); }
  unit<T>(path: string, value: unknown, parse: (v: unknown, field: string) => T, fallback: T): T {
    try { return parse(typeof value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value, path); } catch (err) {
      if (err instanceof GwBenchError) { this.list.push(err.message); return fallback; }
      throw err;
    }
  }
  obj(path: string, v: unknown, known: readonly string[]): Obj {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) { this.add(path, v, 'is not a mapping'); return {}; }
    for (const k of Object.keys(v)) if (!known.includes(k)) this.add(`${path}.${k}`, (v as Obj)[k], `is not a known key (known: ${known.join(', ')})`);
    return v as Obj;
  }
  range(path: string, v: unknown, min: number, max: number, parse: (v: unknown, f: string) => number = parseCount): number {
    const n = this.unit(path, v, parse, min);
    if (n < min || n > max) this.add(path, v, `is out of range ${min}..${max}`);
    return n;
  }
}

/** Split the feature keys off a raw config: `core` goes to validate.ts, `feat` stays here. */
function split(raw: Obj): { core: Obj; feat: { shadow: unknown; regions: unknown; etcd: unknown; bloom: unknown; routeShadow: unknown[] } } {
  const { shadow, regions, etcd, ...core } = raw;
  let bloom: unknown;
  if (core.jwt && typeof core.jwt === 'object' && !Array.isArray(core.jwt)) {
    const { negativeBloom, ...jwt } = core.jwt as Obj;
    bloom = negativeBloom;
    core.jwt = jwt;
  }
  const routeShadow: unknown[] = [];
  if (Array.isArray(core.routes)) {
    core.routes = core.routes.map((r: unknown, i) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) return r;
      const { shadow: s, ...rest } = r as Obj;
      routeShadow[i] = s;
      return rest;
    });
  }
  return { core, feat: { shadow, regions, etcd, bloom, routeShadow } };
}

/** Validate a merged raw config including the optional features; throws one ConfigError with every problem. */
export function validateGatewayConfig(raw: Obj, source = 'configuration'): GatewayConfig {
  const p = new Problems();
  const { core, feat } = split(raw);
  // An env/YAML shadow given as URLs defines the "shadow" upstream before the core validates upstreams.
  const top = p.obj('shadow', feat.shadow, ['upstream', 'share', 'maxInFlight', 'timeout', 'maxBodyBytes']);
  let defaultTarget: string | null = null;
  if (typeof top.upstream === 'string' && top.upstream.includes('://')) {
    core.upstreams = { ...(core.upstreams as Obj), [SHADOW_UPSTREAM]: { instances: top.upstream } };
    defaultTarget = SHADOW_UPSTREAM;
  } else if (top.upstream !== undefined) defaultTarget = typeof top.upstream === 'string' ? top.upstream : (p.add('shadow.upstream', top.upstream, 'is not an upstream name or a URL list'), null);

  let base: GatewayConfig | null = null;
  try { base = validateConfig(core, source); } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    p.list.push(...err.details);
  }
  const upstreamNames = new Set(Object.keys((core.upstreams as Obj | undefined) ?? {}));
  const shadow: ShadowConfig = Object.freeze({
    maxInFlight: p.range('shadow.maxInFlight', top.maxInFlight ?? 64, 1, 100_000),
    timeoutMs: p.range('shadow.timeout', top.timeout ?? '1s', 1, 600_000, parseDuration),
    maxBodyBytes: p.range('shadow.maxBodyBytes', top.maxBodyBytes ?? '64KiB', 0, 64 * 1024 * 1024, parseSize),
  });
  const defaultShare = top.share === undefined ? 1 : p.unit('shadow.share', top.share, parsePercent, 0);
  const checkTarget = (path: string, name: string): void => {
    if (!upstreamNames.has(name)) p.add(path, name, `is not a configured upstream (have: ${[...upstreamNames].join(', ')})`);
  };
  if (defaultTarget) checkTarget('shadow.upstream', defaultTarget);

  // Judged on the raw routes, so these problems are reported even when the core ones fail.
  const rawRoutes: unknown[] = Array.isArray(core.routes) ? core.routes : [];
  const shadows = rawRoutes.map((r, i): ShadowRouteConfig | null => {
    const path = `routes[${i}].shadow`;
    const type = r && typeof r === 'object' ? (r as Obj).type : undefined;
    const given = feat.routeShadow[i];
    let s: ShadowRouteConfig | null = null;
    if (given !== undefined && given !== null) {
      const o = p.obj(path, given, ['upstream', 'share']);
      const up = typeof o.upstream === 'string' ? o.upstream : (p.add(`${path}.upstream`, o.upstream, 'is not an upstream name'), '');
      if (up) checkTarget(`${path}.upstream`, up);
      s = Object.freeze({ upstream: up, share: o.share === undefined ? 1 : p.unit(`${path}.share`, o.share, parsePercent, 0) });
      if (type !== 'proxy' && type !== 'feed') p.add(path, given, 'is only allowed on proxy and feed routes');
    } else if (given === undefined && defaultTarget && (type === 'proxy' || type === 'feed')) {
      s = Object.freeze({ upstream: defaultTarget, share: defaultShare });
    }
    // share 0 = off: keep the hot path free of a per-request check.
    return s && s.share > 0 ? s : null;
  });
  // Routes without mirroring stay the core's objects (no `shadow` key; the handler tests it for truthiness).
  const withShadow: RouteConfig[] = (base?.routes ?? []).map((r, i) => (shadows[i] ? Object.freeze({ ...r, shadow: shadows[i] }) : r));

  const bloom = negativeBloom(p, feat.bloom);
  const regions = regionConfig(p, feat.regions);
  const etcd = etcdConfig(p, feat.etcd);
  if (p.list.length > 0 || !base) throw new ConfigError(`${source}: ${p.list.length} problem(s)`, p.list);
  return Object.freeze({ ...base, jwt: Object.freeze({ ...base.jwt, negativeBloom: bloom }), routes: Object.freeze(withShadow), shadow, regions, etcd });
}

function negativeBloom(p: Problems, v: unknown): NegativeBloomConfig | null {
  if (v === undefined || v === null || v === false) return null;
  const o = p.obj('jwt.negativeBloom', v, ['capacity', 'falsePositiveRate']);
  const rate = p.unit('jwt.negativeBloom.falsePositiveRate', o.falsePositiveRate ?? '1%', parsePercent, 0.01);
  if (rate <= 0 || rate >= 0.5) p.add('jwt.negativeBloom.falsePositiveRate', o.falsePositiveRate, 'must be above 0% and below 50%');
  return Object.freeze({ capacity: p.range('jwt.negativeBloom.capacity', o.capacity ?? 100_000, 16, 100_000_000), falsePositiveRate: rate });
}

function regionConfig(p: Problems, v: unknown): RegionConfig | null {
  if (v === undefined || v === null) return null;
  const o = p.obj('regions', v, ['header', 'cidrs', 'default', 'maxRegions']);
  let header: string | null = null;
  if (o.header !== undefined && o.header !== null) {
    if (typeof o.header !== 'string' || !/^[A-Za-z0-9-]+$/.test(o.header)) p.add('regions.header', o.header, 'is not an HTTP header name');
    else header = o.header.toLowerCase();
  }
  const cidrs: CidrRange[] = [];
  const c = p.obj('regions.cidrs', o.cidrs, Object.keys((o.cidrs as Obj | undefined) ?? {}));
  for (const [region, list] of Object.entries(c)) {
    if (!REGION_RE.test(region)) p.add(`regions.cidrs.${region}`, region, 'is not a region name (a-z, 0-9, . _ -; up to 32)');
    const items = typeof list === 'string' ? list.split(',').map((s) => s.trim()) : Array.isArray(list) ? list : [];
    if (items.length === 0) p.add(`regions.cidrs.${region}`, list, 'is not a list of ranges like 10.1.0.0/16');
    items.forEach((item, i) => {
      const r = typeof item === 'string' ? parseCidr(item, region) : 'is not a string';
      if (typeof r === 'string') p.add(`regions.cidrs.${region}[${i}]`, item, r); else cidrs.push(r);
    });
  }
  if ((o.header === undefined || o.header === null) && o.cidrs === undefined) p.add('regions', v, 'needs a header or cidrs (or both)');
  const fallback = o.default === undefined ? 'default' : String(o.default);
  if (!REGION_RE.test(fallback)) p.add('regions.default', o.default, 'is not a region name (a-z, 0-9, . _ -; up to 32)');
  cidrs.sort((a, b) => b.prefix - a.prefix);
  return Object.freeze({ header, cidrs: Object.freeze(cidrs), fallback, maxRegions: p.range('regions.maxRegions', o.maxRegions ?? 64, 1, 10_000) });
}

function etcdConfig(p: Problems, v: unknown): EtcdSourceConfig | null {
  if (v === undefined || v === null) return null;
  const o = p.obj('etcd', v, ['endpoints', 'prefix', 'maxBackoff']);
  const list = typeof o.endpoints === 'string' ? o.endpoints.split(',').map((s) => s.trim()) : Array.isArray(o.endpoints) ? o.endpoints : [];
  if (list.length === 0) p.add('etcd.endpoints', o.endpoints, 'is not a list of etcd client URLs like http://127.0.0.1:2379');
  const endpoints = list.map((e, i) => {
    try {
      const u = new URL(String(e));
      if (u.protocol !== 'http:') throw new Error('not http');
      return u.origin;
    } catch { p.add(`etcd.endpoints[${i}]`, e, 'is not an http:// URL'); return ''; }
  });
  const prefix = o.prefix === undefined ? '/gw-bench/gateway/' : o.prefix;
  if (typeof prefix !== 'string' || !prefix.endsWith('/')) p.add('etcd.prefix', prefix, 'is not a key prefix ending in /');
  return Object.freeze({ endpoints: Object.freeze(endpoints), prefix: String(prefix), maxBackoffMs: p.range('etcd.maxBackoff', o.maxBackoff ?? '2s', 10, 60_000, parseDuration) });
}
