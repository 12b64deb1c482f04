import http from 'node:http';
import net from 'node:net';

/** One HTTP exchange as a check sees it. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  elapsedMs: number;
}

export interface HttpCallOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  timeoutMs?: number;
}

/** A failed exchange (connection error or no response in time); `reason` is one line. */
export class HttpCallError extends Error {}

const MAX_BODY = 8 * 1024 * 1024;
/** rawExchange waits this long after the head before sending a body. */
const EARLY_ANSWER_WAIT_MS = 200;

/**
 * node:http, not undici/fetch: checks must send headers those clients refuse
 * (`connection: x-foo`, `keep-alive`, `te`, `proxy-authorization`).
 */
export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  constructor(readonly baseUrl: URL) {}

  /** Send one request; resolves with the full response, rejects with HttpCallError. */
  call(path: string, opts: HttpCallOptions = {}): Promise<HttpResult> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: this.baseUrl.hostname,
        port: this.baseUrl.port || 80,
        method: opts.method ?? 'GET',
        path,
        headers: opts.headers,
        agent: this.agent,
        // Raw header sizes are the check's business, not the client's.
        maxHeaderSize: 1024 * 1024,
      });
      const timer = setTimeout(() => {
        req.destroy(new HttpCallError(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof HttpCallError ? err : new HttpCallError(`${opts.method ?? 'GET'} ${path} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('error', () => { /* reported through req 'error' */ });
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json: unknown;
          try { json = text === '' ? undefined : JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json, elapsedMs: performance.now() - started });
        });
      });
      req.end(opts.body);
    });
  }

  /** Drop pooled connections (called at the end of a run). */
  close(): void {
    this.agent.destroy();
  }
}

/** What came back on a raw socket: the status line's code if any, and whether the peer closed. */
export interface RawResult {
  status?: number;
  head: string;
  closed: boolean;
  error?: string;
}

/**
 * Send bytes on a fresh raw TCP connection and read the response head. `body` chunks are
 * written with back-pressure and writing stops as soon as a response arrives, so a server
 * that answers 413 early and closes is seen answering, not as a write error.
 */
export function rawExchange(host: string, port: number, head: Buffer | string, body: Iterable<Buffer> = [], timeoutMs = 5000): Promise<RawResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let received = Buffer.alloc(0);
    let done = false;
    let responded = false;
    let error: string | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = received.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const end = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : undefined, head: end >= 0 ? text.slice(0, end) : text.slice(0, 500), closed, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('data', (c: Buffer) => {
      responded = true;
      received = Buffer.concat([received, c]);
      if (received.includes('\r\n\r\n')) finish(false);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => { error = err.code ?? err.message; });
    sock.on('close', () => finish(true));
    sock.on('connect', () => {
      void (async () => {
        sock.write(head);
        // A server that judges by content-length answers now: give it the chance before any body byte.
        await new Promise((r) => setTimeout(r, EARLY_ANSWER_WAIT_MS));
        for (const chunk of body) {
          // Yield to the poll phase between writes: a response (then a reset) may already be
          // waiting, and a write error destroys the socket before unread data is delivered.
          await new Promise((r) => setImmediate(r));
          if (responded || done || sock.destroyed) return;
          if (!sock.write(chunk)) {
            await new Promise<void>((r) => {
              const go = () => { sock.off('drain', go); sock.off('close', go); r(); };
              sock.on('drain', go);
              sock.on('close', go);
            });
          }
        }
      })();
    });
  });
}
