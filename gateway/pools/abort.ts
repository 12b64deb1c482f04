import { EventEmitter } from 'node:events';

/**
 * The smallest abort signal undici accepts (it takes an EventEmitter with `aborted` and
 * an 'abort' event as well as an AbortSignal). Building an AbortController per proxied
 * request showed up at ~4% of gateway CPU in a profile (EventTarget setup and listener
 * bookkeeping); this is a plain EventEmitter.
 */
export class LiteAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  /** Abort once; later calls do nothing. */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
