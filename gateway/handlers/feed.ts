import type { RequestContext } from '../http/context.js';
import { upstreamRequestHeaders } from '../http/headers.js';
import { sendError, sendJson } from '../http/respond.js';
import type { UpstreamService } from '../upstream/service.js';
import { LiteAbort } from '../upstream/abort.js';

type PartResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly timedOut: boolean };

/**
 * `GET /api/feed` (contract §2 "Fan-out"): user-status and barrage are called at once
 * under one deadline. The deadline aborts whatever is still running, so the response
 * goes out at the deadline, never later; the abort also closes that upstream socket,
 * which shows up as lower upstream reuse while an upstream is slow — the honest cost of
 * not waiting.
 */
export function feed(ctx: RequestContext): void {
  const { res, requestId, state } = ctx;
  const params = new URLSearchParams(ctx.query);
  const uid = params.get('uid');
  const roomId = params.get('room_id');
  if (!uid || !roomId) { sendError(res, 400, 'bad_request', requestId); return; }

  const ac = new LiteAbort();
  const deadline = { passed: false };
  const timer = setTimeout(() => { deadline.passed = true; ac.abort(); }, Math.min(state.config.fanoutDeadlineMs, state.config.upstreamTimeoutMs));
  const onClose = (): void => { if (!res.writableFinished) ac.abort(); };
  res.once('close', onClose);

  const headers = upstreamRequestHeaders(ctx.req, requestId, ctx.sub, false);
  const userStatus = callPart(ctx, state.services.get('user-status')!, `/status/${encodeURIComponent(uid)}`, headers, ac, deadline);
  const barrage = callPart(ctx, state.services.get('barrage')!, `/barrage/${encodeURIComponent(roomId)}`, headers, ac, deadline);
  Promise.all([userStatus, barrage]).then(([us, bg]) => {
    clearTimeout(timer);
    res.off('close', onClose);
    if (res.destroyed) return;
    ctx.closeIfDraining();
    if (!us.ok && !bg.ok) {
      if (us.timedOut && bg.timedOut) sendError(res, 504, 'upstream_timeout', requestId);
      else sendError(res, 502, 'bad_gateway', requestId);
      return;
    }
    const degraded: string[] = [];
    if (!us.ok) degraded.push('user_status');
    if (!bg.ok) degraded.push('barrage');
    sendJson(res, 200, JSON.stringify({
      uid, room_id: roomId,
      user_status: us.ok ? us.value : null,
      barrage: bg.ok ? bg.value : null,
      degraded,
    }), requestId);
  }, (err: unknown) => {
    clearTimeout(timer);
    process.stderr.write(`gateway: feed failed unexpectedly: ${(err as Error).message}\n`);
    sendError(res, 500, 'internal', requestId);
  });
}

/** One fan-out call; never rejects. Non-2xx, transport error, open breaker or deadline → failed part. */
async function callPart(ctx: RequestContext, service: UpstreamService, path: string, headers: string[], signal: LiteAbort, deadline: { passed: boolean }): Promise<PartResult> {
  const breaker = service.breaker;
  if (!breaker.tryAcquire()) return { ok: false, timedOut: false };
  ctx.metrics.upstreamRequest(service.name);
  try {
    const { statusCode, body } = await service.pick().request({ path, method: 'GET', headers, signal });
    if (statusCode < 200 || statusCode >= 300) {
      if (statusCode >= 500) breaker.onFailure(); else breaker.onSuccess();
      await body.dump();
      return { ok: false, timedOut: false };
    }
    const value: unknown = await body.json();
    breaker.onSuccess();
    return { ok: true, value };
  } catch {
    if (!deadline.passed && signal.aborted) breaker.release(); // the client left; says nothing about the upstream
    else breaker.onFailure();
    return { ok: false, timedOut: deadline.passed };
  }
}
