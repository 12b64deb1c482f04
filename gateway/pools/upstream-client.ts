import type { LiteAbort } from './abort.js';

/**
 * What the proxy and the fan-out need from an upstream instance for a request without a
 * body: send it, then hear the response as callbacks (no promise, no stream object per
 * request). Two implementations: `lean-client.ts` (our own HTTP/1.1 client, the default)
 * and `undici-client.ts` (undici's `dispatch`), chosen by `pool.client`.
 */
export interface CallHandler {
  /** Status and headers (flat [name, value, ...], names as the upstream sent them). */
  onHead(status: number, rawHeaders: readonly string[]): void;
  /** A body chunk; only valid during the call (copy what you keep). */
  onData(chunk: Buffer): void;
  /** The response ended. */
  onEnd(): void;
  /** The call failed (transport error, protocol error, abort); may come after onHead (mid-body). */
  onError(err: Error): void;
}

export interface CallOptions {
  readonly method: string;
  readonly path: string;
  /** Flat [name, value, ...] request headers (no host, no body headers). */
  readonly headers: readonly string[];
  /** Aborting fails the call with `signal.reason` (or a generic abort error). */
  readonly signal: LiteAbort;
}

/** Flow control over a call's response body (the client's writes are slower than the upstream). */
export interface CallControl {
  pause(): void;
  resume(): void;
}

export interface UpstreamClient {
  /** Start a call; exactly one of onEnd/onError follows (unless the handler is gone with the abort). */
  call(opts: CallOptions, handler: CallHandler): CallControl;
  /** Close after in-flight calls finish. */
  close(): Promise<void>;
  /** Close now, failing queued and running calls. */
  destroy(): Promise<void>;
}

/** Reason used when a call is aborted without one. */
export class CallAbortedError extends Error {
  constructor() { super('upstream call aborted'); this.name = 'CallAbortedError'; }
}

/** Why an aborted call failed: the signal's reason when it is an Error. */
export function abortReason(signal: LiteAbort): Error {
  return signal.reason instanceof Error ? signal.reason : new CallAbortedError();
}
