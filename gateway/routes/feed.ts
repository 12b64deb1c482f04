import type { RequestContext } from './context.js';
import { upstreamRequestHeaders } from '../http/headers.js';
import { sendError, sendJson } from '../http/respond.js';
import type { UpstreamService } from '../pools/service.js';
import { LiteAbort } from '../pools/abort.js';

type PartResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly timedOut: boolean };

const LATE: PartResult = Object.freeze({ ok: false, timedOut: true });
/** Why the calls of one feed request were cancelled (compared by identity; undici rejects with them). */
const CLIENT_GONE = new Error('the client went away');
const UPSTREAM_TIMEOUT = new Error('upstream timeout');

/**
 * `GET /api/feed` (contract §2 "Fan-out"): user-status and barrage are called at once;
 * the response goes out when both are done or at the fan-out deadline, whichever comes
 * first, with a late part left out and named in `degraded`.
 *
 * A late part is abandoned by the response, not cancelled: it runs on (bounded by the
 * upstream timeout) and its real outcome feeds the service's breaker. So the breaker
 * judges the upstream by the upstream timeout, not by our 150 ms budget (which a busy
 * gateway event loop can miss on its own), and a slow answer still returns its pooled
 * connection instead of costing a reconnect.
 */
export function feed(ctx: RequestContext): void {
  const { res, requestId, state } = ctx;
  const params = new URLSearchParams(ctx.query);
  const uid = params.get('uid');
  const roomId = params.get('room_id');
  if (!uid || !roomId) { sendError(res, 400, 'bad_request', requestId); return; }

  const cancel = new LiteAbort();
  const upstreamTimer = setTimeout(() => cancel.abort(UPSTREAM_TIMEOUT), state.config.upstreamTimeoutMs);
  const results: (PartResult | null)[] = [null, null];
  let answered = false;

  const answer = (): void => {
    if (answered) return;
    answered = true;
    clearTimeout(deadlineTimer);
    res.off('close', onClose);
    if (res.destroyed) return;
    ctx.closeIfDraining();
    const us = results[0] ?? LATE;
    const bg = results[1] ?? LATE;
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
  };
  const deadlineTimer = setTimeout(answer, state.config.fanoutDeadlineMs);
  const onClose = (): void => { if (!answered) { answered = true; clearTimeout(deadlineTimer); cancel.abort(CLIENT_GONE); } };
  res.once('close', onClose);

  const headers = upstreamRequestHeaders(ctx.req, requestId, ctx.sub, false);
  const calls = [
    callPart(ctx, state.services.get('user-status')!, `/status/${encodeURIComponent(uid)}`, headers, cancel).then((r) => { results[0] = r; }),
    callPart(ctx, state.services.get('barrage')!, `/barrage/${encodeURIComponent(roomId)}`, headers, cancel).then((r) => { results[1] = r; }),
  ];
  Promise.all(calls).then(() => {
    clearTimeout(upstreamTimer);
    answer();
  }, (err: unknown) => {
    clearTimeout(upstreamTimer);
    process.stderr.write(`gateway: feed failed unexpectedly: ${(err as Error).message}\n`);
    if (!answered) { answered = true; clearTimeout(deadlineTimer); sendError(res, 500, 'internal', requestId); }
  });
}

/** One fan-out call; never rejects. Non-2xx, transport error, open breaker or upstream timeout → failed part. */
async function callPart(ctx: RequestContext, service: UpstreamService, path: string, headers: string[], cancel: LiteAbort): Promise<PartResult> {
  const breaker = service.breaker;
  if (!breaker.tryAcquire()) return { ok: false, timedOut: false };
  ctx.metrics.upstreamRequest(service.name);
  try {
    const { statusCode, body } = await service.pick().request({ path, method: 'GET', headers, signal: cancel });
    if (statusCode < 200 || statusCode >= 300) {
      if (statusCode >= 500) breaker.onFailure(); else breaker.onSuccess();
      await body.dump();
      await breaker.synced?.();
      return { ok: false, timedOut: false };
    }
    const value: unknown = await body.json();
    breaker.onSuccess();
    await breaker.synced?.();
    return { ok: true, value };
  } catch {
    if (cancel.reason === CLIENT_GONE) breaker.release(); // says nothing about the upstream
    else { breaker.onFailure(); await breaker.synced?.(); }
    return { ok: false, timedOut: cancel.reason === UPSTREAM_TIMEOUT };
  }
}
