import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import type { RequestContext } from './context.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../http/headers.js';
import { sendError } from '../http/respond.js';
import { BodyLimit } from '../http/body-limit.js';
import { LiteAbort } from '../pools/abort.js';
import type { UpstreamService } from '../pools/service.js';
import type { Breaker } from '../pools/breaker.js';
import type { CallControl, CallHandler } from '../pools/upstream-client.js';
import { downstreamRawHeaders } from '../http/raw-headers.js';
import { transportReason } from '../observability/upstream-errors.js';

/**
 * Proxy one request to a service (contract §2 "Proxied routes"): breaker check, weighted
 * instance pick, headers rewritten, both bodies streamed (`pool.stream` writes the
 * upstream body straight into the client response, no intermediate Readable).
 * Refused/reset before a response → 502; no headers within the upstream timeout → 504.
 */
export function proxyRequest(ctx: RequestContext, service: UpstreamService): void {
  const { req, res, requestId, metrics } = ctx;
  const breaker = ctx.region === null ? service.breaker : regionBreaker(ctx, service);
  if (!breaker.tryAcquire()) { metrics.upstreamError(service.name, 'breaker_open'); sendError(res, 503, 'circuit_open', requestId); return; }

  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) { new BodylessProxy(ctx, service, breaker).start(); return; }
  let body: Readable | null = null;
  let limiter: BodyLimit | null = null;
  if (hasBody) {
    if (req.headers['content-length'] !== undefined) body = req; // length already checked against the limit
    else {
      limiter = new BodyLimit(ctx.state.config.limits.maxBodyBytes);
      req.pipe(limiter);
      body = limiter;
    }
    if (ctx.shadowTap !== null) body = ctx.shadowTap.wrap(body);
  }

  const ac = new LiteAbort();
  let headersReceived = false;
  let timedOut = false;
  let clientGone = false;
  const timer = setTimeout(() => { timedOut = true; ac.abort(); }, ctx.state.config.upstreamTimeoutMs);
  const onClose = (): void => {
    if (!res.writableFinished) { clientGone = true; ac.abort(); }
  };
  res.once('close', onClose);

  metrics.upstreamRequest(service.name);
  service.pick().pool.stream(
    {
      path: req.url!,
      method: req.method as 'GET',
      headers: upstreamRequestHeaders(req, requestId, ctx.sub, hasBody),
      body,
      signal: ac,
    },
    ({ statusCode, headers }) => {
      clearTimeout(timer);
      headersReceived = true;
      ctx.closeIfDraining();
      const out = downstreamResponseHeaders(headers, requestId);
      if (statusCode >= 500) { breaker.onFailure(); metrics.upstreamError(service.name, 'status_5xx'); } else breaker.onSuccess();
      // Only while a breaker is tripping or recovering (cluster mode) is there anything to wait for.
      const synced = breaker.synced?.();
      if (synced) return deferredResponse(res, statusCode, out, synced);
      res.writeHead(statusCode, out);
      return res;
    },
    (err) => {
      clearTimeout(timer);
      res.off('close', onClose);
      if (!err) return;
      ctx.closeIfDraining();
      if (headersReceived) { res.destroy(); return; } // mid-body failure: truncate, the status is already out
      if (limiter !== null) { req.unpipe(limiter); limiter.destroy(); }
      // A request body we did not read to the end cannot be skipped reliably: answer, then close.
      const closeAfter = req.complete ? undefined : { connection: 'close' };
      if (limiter !== null && limiter.exceeded) {
        breaker.release();
        sendError(res, 413, 'payload_too_large', requestId, { connection: 'close' });
        return;
      }
      if (clientGone) { breaker.release(); return; }
      metrics.upstreamError(service.name, timedOut ? 'timeout' : transportReason(err));
      breaker.onFailure();
      const respond = (): void => {
        if (timedOut) sendError(res, 504, 'upstream_timeout', requestId, closeAfter);
        else sendError(res, 502, 'bad_gateway', requestId, closeAfter);
      };
      const synced = breaker.synced?.();
      if (synced) void synced.then(respond); else respond();
    },
  );
}

/**
 * An answer whose breaker report must be acknowledged before the client may see it
 * (cluster mode, only while the breaker trips or recovers): buffer the upstream body,
 * then send it all.
 */
function deferredResponse(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, synced: Promise<void>): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); },
    final(cb) {
      void synced.then(() => {
        if (res.destroyed) { cb(); return; }
        res.writeHead(status, headers);
        res.end(Buffer.concat(chunks), () => cb());
      });
    },
  });
}

/** The service's breaker for the request's region (`regions:` configured). */
export function regionBreaker(ctx: RequestContext, service: UpstreamService): Breaker {
  const r = ctx.state.config.regions!;
  return service.breakerFor(ctx.region!, r.maxRegions, r.fallback);
}

/**
 * A proxied request without a body (every GET, the hot path) through the instance's
 * `pool.client` (the lean client by default): one handler object per request instead of
 * undici's `stream()` factory, Writable and closures. The response body is streamed to the
 * client chunk by chunk, pausing the upstream socket while the client's socket is full.
 * Same outcomes as the body path above: 502 refused/reset, 504 no headers in time,
 * truncation on a mid-body failure, breaker outcomes synced before an answer that changed it.
 */
class BodylessProxy implements CallHandler {
  private readonly ac = new LiteAbort();
  private timer: NodeJS.Timeout | null = null;
  private headersReceived = false;
  private timedOut = false;
  private clientGone = false;
  private control: CallControl | null = null;
  /** Set while the answer waits for the breaker sync (cluster mode): the body is buffered. */
  private deferred: { status: number; headers: string[]; chunks: Buffer[]; synced: Promise<void> } | null = null;
  private readonly onClose = (): void => {
    if (!this.ctx.res.writableFinished) { this.clientGone = true; this.ac.abort(); }
  };
  private readonly onDrain = (): void => { this.control?.resume(); };

  constructor(private readonly ctx: RequestContext, private readonly service: UpstreamService, private readonly breaker: Breaker) {}

  start(): void {
    const { req, res, requestId, metrics } = this.ctx;
    this.timer = setTimeout(proxyTimeout, this.ctx.state.config.upstreamTimeoutMs, this);
    res.once('close', this.onClose);
    metrics.upstreamRequest(this.service.name);
    this.control = this.service.pick().client.call({
      method: req.method!, path: req.url!, headers: upstreamRequestHeaders(req, requestId, this.ctx.sub, false), signal: this.ac,
    }, this);
  }

  timeout(): void { this.timedOut = true; this.ac.abort(); }

  onHead(status: number, rawHeaders: readonly string[]): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    this.headersReceived = true;
    this.ctx.closeIfDraining();
    const out = downstreamRawHeaders(rawHeaders, this.ctx.requestId);
    if (status >= 500) { this.breaker.onFailure(); this.ctx.metrics.upstreamError(this.service.name, 'status_5xx'); } else this.breaker.onSuccess();
    const synced = this.breaker.synced?.();
    if (synced) { this.deferred = { status, headers: out, chunks: [], synced }; return; }
    this.ctx.res.writeHead(status, out);
  }

  onData(chunk: Buffer): void {
    if (this.deferred !== null) { this.deferred.chunks.push(chunk); return; }
    const res = this.ctx.res;
    if (!res.write(chunk) && this.control !== null) {
      this.control.pause();
      res.once('drain', this.onDrain);
    }
  }

  onEnd(): void {
    const res = this.ctx.res;
    res.off('close', this.onClose);
    const d = this.deferred;
    if (d === null) { res.end(); return; }
    void d.synced.then(() => {
      if (res.destroyed) return;
      res.writeHead(d.status, d.headers);
      res.end(Buffer.concat(d.chunks));
    });
  }

  onError(err?: Error): void {
    const { res, requestId } = this.ctx;
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    res.off('close', this.onClose);
    this.ctx.closeIfDraining();
    if (this.headersReceived) { res.destroy(); return; } // mid-body failure: truncate, the status is already out
    if (this.clientGone) { this.breaker.release(); return; }
    this.ctx.metrics.upstreamError(this.service.name, this.timedOut ? 'timeout' : transportReason(err));
    this.breaker.onFailure();
    const synced = this.breaker.synced?.();
    if (synced) void synced.then(() => this.respondFailure()); else this.respondFailure();
  }

  private respondFailure(): void {
    const { res, requestId } = this.ctx;
    if (this.timedOut) sendError(res, 504, 'upstream_timeout', requestId);
    else sendError(res, 502, 'bad_gateway', requestId);
  }
}

function proxyTimeout(p: BodylessProxy): void { p.timeout(); }
