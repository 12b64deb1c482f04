import type { RouteConfig } from '../config/types.js';

/** A route match: the configured route plus the values of its `:param` segments. */
export interface RouteMatch {
  readonly route: RouteConfig;
  readonly params: Readonly<Record<string, string>>;
}

interface ParamRoute {
  readonly route: RouteConfig;
  /** Literal segment or null where a parameter goes. */
  readonly segments: readonly (string | null)[];
  readonly names: readonly string[];
}

interface PrefixRoute {
  readonly route: RouteConfig;
  /** Path up to and including the trailing slash of `/prefix/*`. */
  readonly prefix: string;
}

/** Immutable routing table, compiled once per config and swapped whole on reload. */
export interface RouteTable {
  match(method: string, path: string): RouteMatch | null;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function methodOk(route: RouteConfig, method: string): boolean {
  return route.method === null || route.method === method || (route.method === 'GET' && method === 'HEAD');
}

/**
 * Compile routes into a table: exact paths in a Map (one lookup for the hot contract
 * routes), then `:param` routes by segment count, then prefixes longest first. Within a
 * kind, the first configured route whose method fits wins.
 */
export function compileRoutes(routes: readonly RouteConfig[]): RouteTable {
  const exact = new Map<string, RouteConfig[]>();
  const params = new Map<number, ParamRoute[]>();
  const prefixes: PrefixRoute[] = [];
  for (const route of routes) {
    if (route.path.endsWith('/*')) {
      prefixes.push({ route, prefix: route.path.slice(0, -1) });
    } else if (route.path.includes('/:')) {
      const segs = route.path.split('/').slice(1);
      const list = params.get(segs.length) ?? [];
      list.push({
        route,
        segments: segs.map((s) => (s.startsWith(':') ? null : s)),
        names: segs.filter((s) => s.startsWith(':')).map((s) => s.slice(1)),
      });
      params.set(segs.length, list);
    } else {
      const list = exact.get(route.path) ?? [];
      list.push(route);
      exact.set(route.path, list);
    }
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);

  return Object.freeze({
    match(method: string, path: string): RouteMatch | null {
      const ex = exact.get(path);
      if (ex) for (const route of ex) if (methodOk(route, method)) return { route, params: NO_PARAMS };
      if (params.size > 0) {
        const segs = path.split('/');
        const candidates = params.get(segs.length - 1);
        if (candidates) {
          for (const c of candidates) {
            if (!methodOk(c.route, method)) continue;
            const values: Record<string, string> = {};
            let ok = true;
            let n = 0;
            for (let i = 0; i < c.segments.length; i++) {
              const want = c.segments[i];
              const got = segs[i + 1]!;
              if (want === null) {
                if (got === '') { ok = false; break; }
                values[c.names[n++]!] = safeDecode(got);
              } else if (want !== got) { ok = false; break; }
            }
            if (ok) return { route: c.route, params: values };
          }
        }
      }
      for (const p of prefixes) if (path.startsWith(p.prefix) && methodOk(p.route, method)) return { route: p.route, params: NO_PARAMS };
      return null;
    },
  });
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
