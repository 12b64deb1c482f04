/**
 * Incremental HTTP/1.1 response parser for the lean upstream client: status line, headers
 * (kept as a flat [name, value, ...] list for the downstream answer), and a body framed by
 * content-length, chunked encoding or connection close, handed on chunk by chunk (views of
 * the read buffer: the consumer copies what it keeps). No pipelining: one response per
 * request. Same framing rules as the load generator's parser (loadgen/response-parser.ts),
 * which skips bodies and drops headers; this one must pass both on.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Largest response header section accepted (a bigger one is an upstream failure). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** RFC 9110 field-name (token) and the characters a field value may not hold. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

const enum State { Head, Length, ChunkSize, ChunkData, ChunkCrlf, Trailers, UntilClose, Done }

/** What the parser reports; called with the parser's owner as `this` (no closure per connection). */
export interface ParserSink {
  onHead(status: number, rawHeaders: string[], keepAlive: boolean): void;
  onBody(chunk: Buffer): void;
  onDone(keepAlive: boolean): void;
}

export class UpstreamResponseParser {
  private state = State.Done;
  private pending: Buffer | null = null;
  private remaining = 0;
  private keepAlive = true;
  /** Why the last execute() failed, when it returned false. */
  error = '';

  constructor(private readonly sink: ParserSink) {}

  /** Expect a new response (after a request was written); HEAD responses have no body. */
  start(noBody: boolean): void {
    this.state = State.Head;
    this.pending = null;
    this.remaining = 0;
    this.noBody = noBody;
  }
  private noBody = false;

  /** A response is awaited or partly received. */
  get active(): boolean { return this.state !== State.Done; }
  /** Some bytes of the awaited response arrived (a close now cut it, it was not a stale socket). */
  get started(): boolean { return this.state !== State.Done && (this.state !== State.Head || this.pending !== null); }

  /** Feed bytes; false on a protocol error or bytes that belong to no request (drop the connection). */
  execute(buf0: Buffer): boolean {
    if (this.state === State.Done) return buf0.length === 0 ? true : this.fail('bytes outside a response');
    let buf = buf0;
    if (this.pending !== null) { buf = Buffer.concat([this.pending, buf0]); this.pending = null; }
    let off = 0;
    while (off < buf.length) {
      switch (this.state) {
        case State.Head: {
          const end = buf.indexOf(CRLFCRLF, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
            this.pending = Buffer.from(buf.subarray(off)); // a copy: the read buffer is reused
            return true;
          }
          if (end - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
          if (!this.parseHead(buf.toString('latin1', off, end))) return false;
          off = end + 4;
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, buf.length - off);
          this.remaining -= take;
          this.sink.onBody(buf.subarray(off, off + take));
          if (this.isDone()) return true; // abandoned by the sink
          off += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize:
        case State.Trailers: {
          const eol = buf.indexOf(13, off);
          if (eol < 0 || eol + 1 >= buf.length) {
            if (buf.length - off > 4096) return this.fail('chunk size line too long');
            this.pending = Buffer.from(buf.subarray(off));
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
          const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return this.fail(`bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
          const size = parseInt(hex, 16);
          if (size === 0) this.state = State.Trailers;
          else { this.remaining = size; this.state = State.ChunkData; }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, buf.length - off);
          this.remaining -= take;
          this.sink.onBody(buf.subarray(off, off + take));
          if (this.isDone()) return true; // abandoned by the sink
          off += take;
          if (this.remaining === 0) { this.remaining = 2; this.state = State.ChunkCrlf; }
          break;
        }
        case State.ChunkCrlf: {
          if (buf[off] !== (this.remaining === 2 ? 13 : 10)) return this.fail('missing CRLF after a chunk');
          off++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.UntilClose:
          this.sink.onBody(buf.subarray(off));
          return true;
        default:
          return this.fail('bytes after the response');
      }
    }
    return true;
  }

  /** The upstream closed: completes a close-delimited body; true when that finished a response. */
  end(): boolean {
    if (this.state !== State.UntilClose) return false;
    this.keepAlive = false;
    this.complete();
    return true;
  }

  private parseHead(head: string): boolean {
    if (!head.startsWith('HTTP/1.')) return this.fail(`bad status line ${JSON.stringify(head.slice(0, 40))}`);
    const status = Number(head.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999) return this.fail(`bad status line ${JSON.stringify(head.slice(0, 40))}`);
    let length = -1;
    let chunked = false;
    let keepAlive = head.charCodeAt(7) === 49; // HTTP/1.1 defaults to keep-alive, 1.0 to close
    const raw: string[] = [];
    let pos = head.indexOf('\r\n');
    while (pos >= 0) {
      const next = head.indexOf('\r\n', pos + 2);
      const line = head.slice(pos + 2, next < 0 ? head.length : next);
      pos = next;
      const colon = line.indexOf(':');
      if (colon <= 0) { if (line !== '') return this.fail('bad header line'); continue; }
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      // What node:http would refuse to write downstream (it throws) is a broken upstream here.
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) return this.fail(`bad header ${JSON.stringify(line.slice(0, 40))}`);
      raw.push(name, value);
      const c0 = name.charCodeAt(0) | 0x20;
      if (c0 !== 99 && c0 !== 116) continue; // only content-length, connection, transfer-encoding frame the body
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        // Strict digits, one value: anything else is a broken (or smuggling) upstream.
        if (!/^\d{1,15}$/.test(value) || (length >= 0 && Number(value) !== length)) return this.fail(`bad content-length ${JSON.stringify(value.slice(0, 20))}`);
        length = Number(value);
      } else if (lower === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (lower === 'connection') {
        const v = value.toLowerCase();
        if (v.includes('close')) keepAlive = false;
        else if (v.includes('keep-alive')) keepAlive = true;
      }
    }
    if (status < 200) return true; // 1xx interim response: the real one follows
    if (chunked && length >= 0) return this.fail('both content-length and chunked');
    this.keepAlive = keepAlive;
    this.sink.onHead(status, raw, keepAlive);
    if (this.isDone()) return true; // the sink gave up on this response (abort)
    if (this.noBody || status === 204 || status === 304) { this.complete(); return true; }
    if (chunked) { this.state = State.ChunkSize; return true; }
    if (length >= 0) {
      if (length === 0) { this.complete(); return true; }
      this.remaining = length;
      this.state = State.Length;
      return true;
    }
    this.keepAlive = false;
    this.state = State.UntilClose;
    return true;
  }

  /** Read through a method so TypeScript does not narrow `state` across sink callbacks. */
  private isDone(): boolean { return this.state === State.Done; }

  /** Stop expecting a response (the call was abandoned; the connection is being dropped). */
  abandon(): void { this.state = State.Done; this.pending = null; }

  private complete(): void {
    this.state = State.Done;
    this.sink.onDone(this.keepAlive);
  }

  private fail(why: string): false {
    this.error = why;
    return false;
  }
}
