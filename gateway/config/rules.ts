import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Problems } from '../../core/problems/problem.js';
import { FEED_SERVICES, type InstanceConfig, type RouteConfig, type RouteType } from './types.js';

/**
 * The gateway config rules a schema cannot say: parsing instance lists, route path syntax
 * and references, the RS256 key file. Each runs on a value whose shape the schema accepted.
 */

type Obj = Record<string, unknown>;

/** Parse `URL` / `URL*WEIGHT` lists (contract §1) or a list of strings / {url, weight}. */
export function instancesOf(p: Problems, path: string, v: unknown): InstanceConfig[] {
  const items: unknown[] = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : Array.isArray(v) ? v : [];
  if (items.length === 0 || items.every((i) => i === '')) p.value(path, v, 'is not a list of instances like "http://127.0.0.1:19004*80,http://127.0.0.1:19005*20"');
  return items.map((item, i) => {
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
    const w = typeof weight === 'string' && /^[0-9]+$/.test(weight.trim()) ? Number(weight) : weight;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 1_000_000) p.value(`${ip}.weight`, weight, 'is not a whole number 1..1000000');
    let origin = '';
    try {
      const u = new URL(String(url));
      if (u.protocol !== 'http:') p.value(ip, url, 'must be an http:// URL');
      if (u.pathname !== '/' || u.search || u.hash || u.username) p.value(ip, url, 'must be an origin only (no path, query or credentials)');
      origin = u.origin;
    } catch {
      p.value(ip, url, 'is not a URL');
    }
    return Object.freeze({ origin, weight: typeof w === 'number' ? w : 1 });
  });
}

function pathRule(p: Problems, path: string, v: string): void {
  if (!v.startsWith('/')) { p.value(path, v, 'must start with /'); return; }
  const segs = v.split('/').slice(1);
  segs.forEach((s, i) => {
    if (s === '*' && i !== segs.length - 1) p.value(path, v, 'may use * only as the last segment');
    if (s.startsWith(':') && !/^:[A-Za-z_][A-Za-z0-9_]*$/.test(s)) p.value(path, v, `has an invalid parameter segment ${s}`);
  });
}

/**
 * Routes: path syntax, duplicates, the upstreams they name; each rule only on fields the
 * schema found nothing wrong with (`clean`).
 */
export function routesOf(p: Problems, raw: unknown[], upstreams: readonly string[], clean: (path: string) => boolean): RouteConfig[] {
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const o = (item && typeof item === 'object' ? item : {}) as Obj;
    const path = `routes[${i}]`;
    const routePath = String(o.path ?? '');
    if (clean(`${path}.path`)) pathRule(p, `${path}.path`, routePath);
    const type = o.type as RouteType;
    const method = o.method === undefined || o.method === null || o.method === '*' ? null : String(o.method).toUpperCase();
    const key = `${method ?? '*'} ${routePath}`;
    if (seen.has(key)) p.value(path, key, 'duplicates an earlier route');
    seen.add(key);
    let upstream: string | null = null;
    if (!clean(`${path}.type`) || !clean(`${path}.upstream`)) { /* reported by the schema */ } else if (type === 'proxy') {
      if (typeof o.upstream !== 'string') p.value(`${path}.upstream`, o.upstream, 'is required on a proxy route');
      else if (!upstreams.includes(o.upstream)) p.value(`${path}.upstream`, o.upstream, `is not a configured upstream (have: ${upstreams.join(', ')})`);
      else upstream = o.upstream;
    } else if (o.upstream !== undefined) {
      p.value(`${path}.upstream`, o.upstream, 'is only allowed on proxy routes');
    }
    if (type === 'feed' && clean(`${path}.type`)) {
      for (const s of FEED_SERVICES) if (!upstreams.includes(s)) p.value(`${path}.type`, 'feed', `needs upstream "${s}" to be configured`);
    }
    return Object.freeze({ method, path: routePath, type, upstream, auth: o.auth === undefined ? type === 'proxy' || type === 'feed' : o.auth === true });
  });
}

/** The RS256 public key: required, readable, an RSA key in PEM (SPKI) form. */
export function publicKeyOf(p: Problems, file: string | null): string | null {
  if (!file) { p.value('jwt.publicKeyFile', file, 'is required when jwt.alg is RS256 (env GW_JWT_PUBLIC_KEY_FILE)'); return null; }
  let pem: string;
  try { pem = readFileSync(file, 'utf8'); } catch (err) { p.value('jwt.publicKeyFile', file, `cannot be read (${(err as Error).message})`); return null; }
  let type: string | undefined;
  try { type = createPublicKey(pem).asymmetricKeyType; } catch { /* reported below */ }
  if (type !== 'rsa') p.value('jwt.publicKeyFile', file, `does not hold an RSA public key in PEM (SPKI) form${type ? ` (found ${type})` : ''}`);
  return pem;
}
