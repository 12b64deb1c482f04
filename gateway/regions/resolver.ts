import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RegionConfig } from '../config/feature-types.js';
import { matchCidr } from '../config/cidr.js';

const REGION_RE = /^[a-z0-9][a-z0-9_.-]{0,31}$/;

/**
 * The region of a request, for per-region breakers: the configured header when it holds
 * a region name, else the client's source range (longest match), else the fallback.
 * The range lookup is done once per connection (a WeakMap keyed by the socket), since a
 * connection's peer address never changes. One resolver per config, so a reload that
 * changes the ranges starts a fresh cache.
 */
export class RegionResolver {
  private readonly bySocket = new WeakMap<Socket, string>();

  constructor(readonly cfg: RegionConfig) {}

  of(req: IncomingMessage): string {
    const { header, cidrs, fallback } = this.cfg;
    if (header !== null) {
      const v = req.headers[header];
      if (typeof v === 'string' && v !== '') {
        const r = v.toLowerCase();
        if (REGION_RE.test(r)) return r;
      }
    }
    if (cidrs.length === 0) return fallback;
    const sock = req.socket;
    let r = this.bySocket.get(sock);
    if (r === undefined) {
      r = matchCidr(cidrs, sock.remoteAddress ?? '') ?? fallback;
      this.bySocket.set(sock, r);
    }
    return r;
  }
}
