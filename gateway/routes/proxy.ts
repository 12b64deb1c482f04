import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import type { RequestContext } from './context.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../http/headers.js';
import { sendError } from '../http/respond.js';
import { BodyLimit } from '../http/body-limit.js';
import { LiteAbort } from '../pools/abort.js';
import type { UpstreamService } from '../pools/service.js';

/**
 * Proxy one request to a service (contract §2 "Proxied routes"): breaker check, weighted
 * instance pick, headers rewritten, both bodies streamed (`pool.stream` writes the
 * upstream body straight into the client response, no intermediate Readable).
 * Refused/reset before a response → 502; no headers within the upstream timeout → 504.
 */
export function proxyRequest(ctx: RequestContext, service: UpstreamService): void {
  const { req, res, requestId, metrics } = ctx;
  const breaker = service.breaker;
  if (!breaker.tryAcquire()) { sendError(res, 503, 'circuit_open', requestId); return; }

  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  let body: Readable | null = null;
  let limiter: BodyLimit | null = null;
  if (hasBody) {
    if (req.headers['content-length'] !== undefined) body = req; // length already checked against the limit
    else {
      limiter = new BodyLimit(ctx.state.config.limits.maxBodyBytes);
      req.pipe(limiter);
      body = limiter;
    }
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
  service.pick().stream(
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
      if (statusCode >= 500) breaker.onFailure(); else breaker.onSuccess();
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
