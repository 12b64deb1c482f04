import { Transform, type TransformCallback } from 'node:stream';

/** Raised inside the upstream body stream when a chunked body grows past the limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) { super(`request body exceeds ${limit} bytes`); }
}

/**
 * Pass-through that fails once more than `limit` bytes went by. Used only for bodies
 * without content-length (chunked); declared lengths are checked before proxying.
 */
export class BodyLimit extends Transform {
  private seen = 0;
  /** True once the limit was crossed (the stream may also fail for other reasons). */
  exceeded = false;
  constructor(private readonly limit: number) { super(); }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) { this.exceeded = true; cb(new BodyTooLargeError(this.limit)); }
    else cb(null, chunk);
  }
}
