import type { RequestContext } from './context.js';
import { upstreamRequestHeaders } from '../http/headers.js';
import { sendError, sendJson } from '../http/respond.js';
import type { UpstreamService } from '../pools/service.js';
import type { Breaker } from '../pools/breaker.js';
import { LiteAbort } from '../pools/abort.js';
import type { CallHandler } from '../pools/upstream-client.js';
import { regionBreaker } from './proxy.js';
import { looksLikeJson } from '../http/json-splice.js';
import { transportReason } from '../observability/upstream-errors.js';

/** Why the calls of one feed request were cancelled (compared by identity). */
const CLIENT_GONE = new Error('the client went away');
const UPSTREAM_TIMEOUT = new Error('upstream timeout');

const enum Part { Pending, Ok, Failed, TimedOut }

const US_KEY = Buffer.from(',"user_status":');
const BG_KEY = Buffer.from(',"barrage":');
const NULL = Buffer.from('null');
const DEGRADED: Record<string, Buffer> = {
  '': Buffer.from(',"degraded":[]}'),
  us: Buffer.from(',"degraded":["user_status"]}'),
  bg: Buffer.from(',"degraded":["barrage"]}'),
};

/**
 * `GET /api/feed` (contract §2 "Fan-out"): user-status and barrage are called at once;
 * the response goes out when both are done or at the fan-out deadline, whichever comes
 * first, with a late part left out and named in `degraded`.
 *
 * The upstream bodies are spliced into the answer as bytes, not parsed and re-serialised
 * (docs/gateway-performance.md): a 2xx body is accepted when `looksLikeJson` says so (an
 * object or array by its first and last bytes; anything else is fully parsed), otherwise
 * the part failed, as a body `JSON.parse` refused did before.
 *
 * A late part is abandoned by the response, not cancelled: it runs on (bounded by the
 * upstream timeout) and its real outcome feeds the service's breaker. So the breaker
 * judges the upstream by the upstream timeout, not by our 150 ms budget (which a busy
 * gateway event loop can miss on its own), and a slow answer still returns its pooled
 * connection instead of costing a reconnect.
 */
export function feed(ctx: RequestContext): void {
  const { res, requestId } = ctx;
  const params = new URLSearchParams(ctx.query);
  const uid = params.get('uid');
  const roomId = params.get('room_id');
  if (!uid || !roomId) { sendError(res, 400, 'bad_request', requestId); return; }
  new FeedCall(ctx, uid, roomId).start();
}

/** One feed request: its two parts, the deadline and the answer. Methods instead of closures per request. */
class FeedCall {
  readonly cancel = new LiteAbort();
  readonly us: FeedPart;
  readonly bg: FeedPart;
  private answered = false;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private upstreamTimer: NodeJS.Timeout | null = null;
  private readonly onClose = (): void => {
    if (this.answered) return;
    this.answered = true;
    this.clearTimers();
    this.cancel.abort(CLIENT_GONE);
  };

  constructor(readonly ctx: RequestContext, readonly uid: string, readonly roomId: string) {
    const services = ctx.state.services;
    this.us = new FeedPart(this, services.get('user-status')!, `/status/${encodeURIComponent(uid)}`);
    this.bg = new FeedPart(this, services.get('barrage')!, `/barrage/${encodeURIComponent(roomId)}`);
  }

  start(): void {
    const cfg = this.ctx.state.config;
    this.upstreamTimer = setTimeout(abortForTimeout, cfg.upstreamTimeoutMs, this.cancel);
    this.deadlineTimer = setTimeout(answerAtDeadline, cfg.fanoutDeadlineMs, this);
    this.ctx.res.once('close', this.onClose);
    const headers = upstreamRequestHeaders(this.ctx.req, this.ctx.requestId, this.ctx.sub, false);
    this.us.start(headers);
    this.bg.start(headers);
  }

  /** A part settled. */
  partDone(): void {
    if (this.us.state === Part.Pending || this.bg.state === Part.Pending) return;
    if (this.upstreamTimer !== null) { clearTimeout(this.upstreamTimer); this.upstreamTimer = null; }
    this.answer();
  }

  private clearTimers(): void {
    if (this.deadlineTimer !== null) { clearTimeout(this.deadlineTimer); this.deadlineTimer = null; }
  }

  answer(): void {
    if (this.answered) return;
    this.answered = true;
    this.clearTimers();
    const { res, requestId } = this.ctx;
    res.off('close', this.onClose);
    if (res.destroyed) return;
    this.ctx.closeIfDraining();
    const us = this.us.state === Part.Ok ? this.us.body : null;
    const bg = this.bg.state === Part.Ok ? this.bg.body : null;
    if (us === null && bg === null) {
      const late = (s: Part): boolean => s === Part.Pending || s === Part.TimedOut;
      if (late(this.us.state) && late(this.bg.state)) sendError(res, 504, 'upstream_timeout', requestId);
      else sendError(res, 502, 'bad_gateway', requestId);
      return;
    }
    const head = Buffer.from(`{"uid":${JSON.stringify(this.uid)},"room_id":${JSON.stringify(this.roomId)}`);
    sendJson(res, 200, Buffer.concat([head, US_KEY, us ?? NULL, BG_KEY, bg ?? NULL, DEGRADED[us === null ? 'us' : bg === null ? 'bg' : '']!]), requestId);
  }
}

function abortForTimeout(cancel: LiteAbort): void { cancel.abort(UPSTREAM_TIMEOUT); }
function answerAtDeadline(call: FeedCall): void { call.answer(); }

/** One fan-out call, as the upstream client's handler. Non-2xx, transport error, open breaker, bad JSON or upstream timeout → failed part. */
class FeedPart implements CallHandler {
  state = Part.Pending;
  body: Buffer | null = null;
  private status = 0;
  private chunks: Buffer[] = [];
  private size = 0;
  private tooBig = false;
  private breaker: Breaker | null = null;

  constructor(private readonly call: FeedCall, private readonly service: UpstreamService, private readonly path: string) {}

  start(headers: string[]): void {
    const ctx = this.call.ctx;
    const breaker = ctx.region === null ? this.service.breaker : regionBreaker(ctx, this.service);
    this.breaker = breaker;
    if (!breaker.tryAcquire()) { ctx.metrics.upstreamError(this.service.name, 'breaker_open'); this.settle(Part.Failed); return; }
    ctx.metrics.upstreamRequest(this.service.name);
    this.service.pick().client.call({ method: 'GET', path: this.path, headers, signal: this.call.cancel }, this);
  }

  onHead(status: number): void { this.status = status; }

  onData(chunk: Buffer): void {
    if (this.status < 200 || this.status >= 300 || this.tooBig) return;
    this.size += chunk.length;
    // The same bound as request bodies: the answer holds both parts in memory.
    if (this.size > this.call.ctx.state.config.limits.maxBodyBytes) { this.tooBig = true; this.chunks = []; return; }
    this.chunks.push(chunk); // socket read buffers are fresh per read: keeping them is safe
  }

  onEnd(): void {
    const breaker = this.breaker!;
    let ok = false;
    if (this.status >= 200 && this.status < 300 && !this.tooBig) {
      const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      if (looksLikeJson(body)) { this.body = body; ok = true; }
    }
    this.chunks = [];
    // A 2xx whose body is not JSON counts against the upstream, as before (a failed parse).
    if (ok || (this.status < 500 && (this.status < 200 || this.status >= 300))) breaker.onSuccess();
    else {
      breaker.onFailure();
      this.call.ctx.metrics.upstreamError(this.service.name, this.status >= 500 ? 'status_5xx' : 'bad_body');
    }
    this.afterSync(ok ? Part.Ok : Part.Failed);
  }

  onError(err?: Error): void {
    const breaker = this.breaker!;
    const reason = this.call.cancel.reason;
    if (reason === CLIENT_GONE) { breaker.release(); this.settle(Part.Failed); return; } // says nothing about the upstream
    this.call.ctx.metrics.upstreamError(this.service.name, reason === UPSTREAM_TIMEOUT ? 'timeout' : transportReason(err));
    breaker.onFailure();
    this.afterSync(reason === UPSTREAM_TIMEOUT ? Part.TimedOut : Part.Failed);
  }

  /** Settle once the breaker's outcome is in force everywhere (cluster mode, only while it trips or recovers). */
  private afterSync(state: Part): void {
    const synced = this.breaker!.synced?.();
    if (synced) void synced.then(() => this.settle(state)); else this.settle(state);
  }

  private settle(state: Part): void {
    this.state = state;
    this.call.partDone();
  }
}
