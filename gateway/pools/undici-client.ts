import type { Dispatcher, Pool } from 'undici';
import { abortReason, type CallControl, type CallHandler, type CallOptions, type UpstreamClient } from './upstream-client.js';

/**
 * `pool.client: undici`: calls through undici's low-level `dispatch` (the new handler API:
 * one handler object per call, no Readable body and no promise, unlike `request()`).
 * Kept as the alternative to the lean client and for requests with a body (proxy.ts
 * streams those through `Pool.stream`).
 */
export class UndiciClient implements UpstreamClient {
  constructor(readonly pool: Pool) {}

  call(opts: CallOptions, handler: CallHandler): CallControl {
    const h = new DispatchCall(opts, handler);
    if (opts.signal.aborted) { h.fail(abortReason(opts.signal)); return h; }
    opts.signal.once('abort', h.onAbort);
    this.pool.dispatch({ origin: undefined, path: opts.path, method: opts.method as Dispatcher.HttpMethod, headers: opts.headers as string[] }, h);
    return h;
  }

  async close(): Promise<void> { await this.pool.close(); }
  async destroy(): Promise<void> { await this.pool.destroy(); }
}

class DispatchCall implements Dispatcher.DispatchHandler, CallControl {
  private controller: Dispatcher.DispatchController | null = null;
  private done = false;
  private pendingAbort: Error | null = null;
  readonly onAbort: () => void;

  constructor(private readonly opts: CallOptions, private readonly handler: CallHandler) {
    this.onAbort = () => {
      const reason = abortReason(opts.signal);
      if (this.controller !== null) this.controller.abort(reason);
      else this.pendingAbort = reason;
    };
  }

  pause(): void { this.controller?.pause(); }
  resume(): void { this.controller?.resume(); }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort !== null) controller.abort(this.pendingAbort);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    if (this.done) return;
    const raw = controller.rawHeaders as Buffer[] | string[] | null | undefined;
    const flat: string[] = [];
    if (Array.isArray(raw)) for (const v of raw) flat.push(typeof v === 'string' ? v : v.toString('latin1'));
    this.handler.onHead(statusCode, flat);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.done) this.handler.onData(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.opts.signal.off('abort', this.onAbort);
    this.handler.onEnd();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void { this.fail(err); }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.opts.signal.off('abort', this.onAbort);
    this.handler.onError(err);
  }
}
