/**
 * A small incremental HTTP/1.1 response parser: status line, headers, and a body framed by
 * content-length, chunked encoding, or connection close. Only what a load generator needs
 * (no pipelining, no header values kept): the status code and whether the connection
 * stays open. Bodies are skipped, never copied.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Largest response header section accepted before the response is declared malformed. */
const MAX_HEAD_BYTES = 64 * 1024;

const enum State { Head, Length, ChunkSize, ChunkData, ChunkCrlf, Trailers, UntilClose }

export type ResponseHandler = (status: number, keepAlive: boolean) => void;

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;
  private status = 0;
  private keepAlive = true;
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

  /** Feed bytes; returns false on a protocol error (the connection must be dropped). */
  execute(chunk: Buffer): boolean {
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let off = 0;
    while (off < buf.length) {
      switch (this.state) {
        case State.Head: {
          const end = buf.indexOf(CRLFCRLF, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
            this.pending = Buffer.from(buf.subarray(off)); // a copy: the chunk may be a read buffer shared by every socket
            return true;
          }
          // Same limit whether the head arrived in one read or many (found by fuzzing).
          if (end - off > MAX_HEAD_BYTES) return this.fail('response header section too large');
          if (!this.parseHead(buf.toString('latin1', off, end))) return false;
          off = end + 4;
          break;
        }
        case State.Length: {
          const take = Math.min(this.remaining, buf.length - off);
          this.remaining -= take;
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
          const size = parseInt(semi < 0 ? line : line.slice(0, semi), 16);
          if (!Number.isFinite(size) || size < 0) return this.fail(`bad chunk size ${JSON.stringify(line)}`);
          if (size === 0) this.state = State.Trailers;
          else { this.remaining = size; this.state = State.ChunkData; }
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, buf.length - off);
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) { this.remaining = 2; this.state = State.ChunkCrlf; }
          break;
        }
        case State.ChunkCrlf: {
          const take = Math.min(this.remaining, buf.length - off);
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
    if (this.state === State.UntilClose) { this.keepAlive = false; this.complete(); return false; }
    return this.inMessage;
  }

  private parseHead(head: string): boolean {
    // "HTTP/1.1 200 OK": the code is always at 9..12.
    if (!head.startsWith('HTTP/1.')) return this.fail(`bad status line ${JSON.stringify(head.slice(0, 40))}`);
    const status = Number(head.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) return this.fail(`bad status line ${JSON.stringify(head.slice(0, 40))}`);
    let length = -1;
    let chunked = false;
    let keepAlive = head.charCodeAt(7) === 49; // HTTP/1.1 defaults to keep-alive, 1.0 to close
    let pos = head.indexOf('\r\n');
    while (pos >= 0) {
      const next = head.indexOf('\r\n', pos + 2);
      const line = head.slice(pos + 2, next < 0 ? head.length : next);
      pos = next;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const c0 = line.charCodeAt(0) | 0x20;
      if (c0 !== 99 && c0 !== 116) continue; // only content-length, connection, transfer-encoding matter
      const name = line.slice(0, colon).toLowerCase();
      if (name === 'content-length') {
        // Strict digits, one value: "-5", "1e3", "0x10" or two different lengths mean a broken
        // (or smuggling) server; Number() would have accepted or misread them.
        const v = line.slice(colon + 1).trim();
        if (!/^\d+$/.test(v) || (length >= 0 && Number(v) !== length)) return this.fail(`bad content-length ${JSON.stringify(v.slice(0, 20))}`);
        length = Number(v);
      }
      else if (name === 'transfer-encoding') chunked = line.slice(colon + 1).toLowerCase().includes('chunked');
      else if (name === 'connection') {
        const v = line.slice(colon + 1).toLowerCase();
        if (v.includes('close')) keepAlive = false;
        else if (v.includes('keep-alive')) keepAlive = true;
      }
    }
    if (status < 200) return true; // 1xx interim response: the real one follows
    this.status = status;
    this.keepAlive = keepAlive;
    if (this.noBody || status === 204 || status === 304) { this.complete(); return true; }
    if (chunked) { this.state = State.ChunkSize; return true; }
    if (length >= 0) {
      if (!Number.isSafeInteger(length)) return this.fail('bad content-length');
      if (length === 0) { this.complete(); return true; }
      this.remaining = length;
      this.state = State.Length;
      return true;
    }
    this.state = State.UntilClose;
    return true;
  }

  private complete(): void {
    this.state = State.Head;
    this.noBody = false;
    this.onResponse.call(this.ctx, this.status, this.keepAlive);
  }

  private fail(why: string): false {
    this.error = why;
    return false;
  }
}
