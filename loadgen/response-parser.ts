/**
 * A small incremental HTTP/1.1 response parser: status line, headers, and a body framed by
 * content-length, chunked encoding, or connection close. Only what a load generator needs
 * (no pipelining, no header values kept): the status code and whether the connection
 * stays open. Bodies are skipped, never copied.
 */

import { parseResponseHead, type ResponseHead } from './response-head.js';

/** Largest response header section accepted before the response is declared malformed. */
const MAX_HEAD_BYTES = 64 * 1024;

const enum State { Head, Length, ChunkSize, ChunkData, ChunkCrlf, Trailers, UntilClose }

export type ResponseHandler = (status: number, keepAlive: boolean) => void;

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;
  /** The last head read: a final response's fields stay here until its body is done (a 1xx head is followed by the final one before any body). */
  private readonly head: ResponseHead = { status: 0, keepAlive: true, length: -1, chunked: false, error: '' };
  /** Set before a request whose response has no body by definition (HEAD). */
  noBody = false;
  /** Why the last execute() failed, when it returned false. */
  error = '';

  /** `ctx` is `this` for the handler: lets one shared handler serve every connection without a closure each. */
  constructor(private readonly onResponse: ResponseHandler, private readonly ctx: unknown = undefined) {}

  /** Whether a response is partly received (a close now means the response was cut). */
  get inMessage(): boolean {
    return this.state !== State.Head || this.pending !== null;
  }

  /** Back to the start of a message (after a reconnect). */
  reset(): void {
    this.state = State.Head;
    this.pending = null;
    this.remaining = 0;
    this.noBody = false;
  }

  /**
   * Feed the first `n` bytes of `chunk` (all of it by default); returns false on a protocol
   * error (the connection must be dropped). A length rather than a subarray: a read costs
   * no Buffer object.
   */
  execute(chunk: Buffer, n: number = chunk.length): boolean {
    let buf = chunk;
    let len = n;
    if (this.pending !== null) { buf = Buffer.concat([this.pending, chunk.subarray(0, n)]); len = buf.length; }
    this.pending = null;
    let off = 0;
    while (off < len) {
      switch (this.state) {
        case State.Head: {
          const next = parseResponseHead(buf, off, len, this.head);
          if (next < 0) {
            if (len - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
            this.pending = Buffer.from(buf.subarray(off, len)); // a copy: the chunk may be a read buffer shared by every socket
            return true;
          }
          // Same limit whether the head arrived in one read or many (found by fuzzing).
          if (next - 4 - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
          if (!this.onHead()) return false;
          off = next;
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, len - off);
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize:
        case State.Trailers: {
          let eol = off;
          while (eol < len && buf[eol] !== 13) eol++; // not indexOf: past len lies another socket's stale data
          if (eol + 1 >= len) {
            if (len - off > 4096) return this.fail('chunk size line too long');
            this.pending = Buffer.from(buf.subarray(off, len));
            return true;
          }
          if (eol - off > 4096) return this.fail('chunk size line too long');
          if (buf[eol + 1] !== 10) return this.fail('bad line ending in chunked body');
          const line = buf.toString('latin1', off, eol);
          off = eol + 2;
          if (this.state === State.Trailers) {
            if (line === '') this.complete();
            break;
          }
          const semi = line.indexOf(';');
          const size = parseInt(semi < 0 ? line : line.slice(0, semi), 16);
          if (!Number.isFinite(size) || size < 0) return this.fail(`bad chunk size ${JSON.stringify(line)}`);
          if (size === 0) this.state = State.Trailers;
          else { this.remaining = size; this.state = State.ChunkData; }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, len - off);
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) { this.remaining = 2; this.state = State.ChunkCrlf; }
          break;
        }
        case State.ChunkCrlf: {
          const take = Math.min(this.remaining, len - off);
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.UntilClose:
          return true;
      }
    }
    return true;
  }

  /** The peer closed: completes a close-delimited body; returns whether a response was cut short. */
  end(): boolean {
    if (this.state === State.UntilClose) { this.head.keepAlive = false; this.complete(); return false; }
    return this.inMessage;
  }

  /** Act on a parsed head (this.head): the body's framing, or the response is done. */
  private onHead(): boolean {
    const h = this.head;
    if (h.error !== '') return this.fail(h.error);
    if (h.status < 200) return true; // 1xx interim response: the real one follows
    if (this.noBody || h.status === 204 || h.status === 304) { this.complete(); return true; }
    if (h.chunked) { this.state = State.ChunkSize; return true; }
    if (h.length >= 0) {
      if (!Number.isSafeInteger(h.length)) return this.fail('bad content-length');
      if (h.length === 0) { this.complete(); return true; }
      this.remaining = h.length;
      this.state = State.Length;
      return true;
    }
    this.state = State.UntilClose;
    return true;
  }

  private complete(): void {
    this.state = State.Head;
    this.noBody = false;
    this.onResponse.call(this.ctx, this.head.status, this.head.keepAlive);
  }

  private fail(why: string): false {
    this.error = why;
    return false;
  }
}
