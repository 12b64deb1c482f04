import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import type { RouteConfig } from '../config/types.js';
import type { ShadowConfig, ShadowRouteConfig } from '../config/feature-types.js';
import { upstreamRequestHeaders } from '../http/headers.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { LiteAbort } from '../pools/abort.js';
import type { UpstreamService } from '../pools/service.js';

/** Mirrored requests in flight in this process; survives config swaps so the bound holds across a reload. */
export interface ShadowGate { inFlight: number }

/** Wraps the request body of a mirrored proxied request: passes it through and keeps a copy. */
export interface ShadowTap { wrap(body: Readable): Readable }

/**
 * Traffic mirroring ("shadow traffic"): a share of a route's requests is sent again to a
 * shadow upstream, fire and forget. The client's answer never waits for the shadow, and
 * the shadow's status, errors and latency are only counted
 * (`gateway_shadow_requests_total{upstream,result}`).
 *
 * The share is exact, not random: an accumulator per route adds `share` per request and
 * mirrors each time it passes 1 (10% = every 10th request). At most `maxInFlight`
 * mirrored requests run per process; past that a mirror is dropped, not queued, so a slow
 * shadow cannot grow memory or steal sockets. Each has its own timeout.
 * Routes without `shadow` never reach this code (the handler tests one field).
 */
export class ShadowMirror {
  private readonly acc = new Map<RouteConfig, number>();

  constructor(
    private readonly cfg: ShadowConfig,
    private readonly services: ReadonlyMap<string, UpstreamService>,
    private readonly metrics: GatewayMetrics,
    readonly gate: ShadowGate = { inFlight: 0 },
  ) {}

  /**
   * Called for a request on a route with `shadow`. Without a body the mirror is sent now;
   * with one, a tap is returned that the proxy wraps the body with (the mirror leaves once
   * the body is complete). null when this request is not mirrored.
   */
  start(route: RouteConfig, req: IncomingMessage, requestId: string, sub: string | null): ShadowTap | null {
    const s = route.shadow!;
    const a = (this.acc.get(route) ?? 0) + s.share;
    if (a < 1 - 1e-9) { this.acc.set(route, a); return null; }
    this.acc.set(route, a - 1);
    if (this.gate.inFlight >= this.cfg.maxInFlight) { this.metrics.shadow(s.upstream, 'dropped'); return null; }
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) { this.send(s, req, requestId, sub, null); return null; }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.cfg.maxBodyBytes) { this.metrics.shadow(s.upstream, 'dropped'); return null; }
    return { wrap: (body) => this.tap(s, req, requestId, sub, body) };
  }

  private tap(s: ShadowRouteConfig, req: IncomingMessage, requestId: string, sub: string | null, body: Readable): Readable {
    this.gate.inFlight++; // reserved while the body streams in
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const max = this.cfg.maxBodyBytes;
    const t = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size <= max) chunks.push(chunk);
        cb(null, chunk);
      },
      flush: (cb) => {
        settled = true;
        this.gate.inFlight--;
        if (size > max) this.metrics.shadow(s.upstream, 'dropped');
        else this.send(s, req, requestId, sub, Buffer.concat(chunks, size));
        cb();
      },
    });
    t.once('close', () => {
      if (settled) return;
      settled = true;
      this.gate.inFlight--;
      this.metrics.shadow(s.upstream, 'dropped');
    });
    body.on('error', (err) => t.destroy(err));
    // A body that closes without ending (client gone) releases the slot even if nothing
    // downstream destroys the tap (undici does, on the aborted upstream request).
    body.once('close', () => { if (!t.writableEnded) t.destroy(); });
    body.pipe(t);
    return t;
  }

  private send(s: ShadowRouteConfig, req: IncomingMessage, requestId: string, sub: string | null, body: Buffer | null): void {
    const svc = this.services.get(s.upstream);
    if (!svc) { this.metrics.shadow(s.upstream, 'dropped'); return; }
    this.gate.inFlight++;
    this.metrics.shadow(s.upstream, 'mirrored');
    const headers = upstreamRequestHeaders(req, requestId, sub, body !== null);
    headers.push('x-gwb-shadow', '1');
    const ac = new LiteAbort();
    const timer = setTimeout(() => ac.abort(), this.cfg.timeoutMs);
    const done = (failed: boolean): void => {
      clearTimeout(timer);
      this.gate.inFlight--;
      if (failed) this.metrics.shadow(s.upstream, 'failed');
    };
    svc.pick().pool.request({ path: req.url!, method: req.method as 'GET', headers, body, signal: ac }).then(
      ({ statusCode, body: rb }) => {
        rb.on('error', () => {});
        rb.dump().then(() => done(statusCode >= 500), () => done(true));
      },
      () => done(true),
    );
  }
}
