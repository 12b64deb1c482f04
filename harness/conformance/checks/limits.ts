import { type Check, type CheckContext, describe, expectJsonObject, expectStatus, fail, gw } from '../check.js';
import { rawExchange, type RawResult } from '../http-client.js';

const CHUNK = 64 * 1024;

function* chunks(total: number, wrap?: (b: Buffer) => Buffer): Generator<Buffer> {
  const block = Buffer.alloc(CHUNK, 0x61);
  for (let left = total; left > 0; left -= CHUNK) {
    const b = left >= CHUNK ? block : block.subarray(0, left);
    yield wrap ? wrap(b) : b;
  }
}

function raw(ctx: CheckContext, head: string, body?: Iterable<Buffer>): Promise<RawResult> {
  return rawExchange(ctx.baseUrl.hostname, Number(ctx.baseUrl.port || 80), head, body);
}

function showRaw(r: RawResult): string {
  if (r.status !== undefined) return `${r.status} (${r.head.split('\r\n')[0]})`;
  return r.closed ? `the connection closed without a response${r.error ? ` (${r.error})` : ''}` : 'no response and the connection stayed open';
}

/** 400, or closed without answering anything else (contract §4 "malformed"). */
function expect400OrClosed(r: RawResult, what: string): void {
  if (r.status === 400) return;
  if (r.status === undefined && r.closed) return;
  fail(`${what}: expected 400 or a closed connection, got ${showRaw(r)}`);
}

/** §4 limits and malformed input. */
export const limitChecks: Check[] = [
  {
    name: 'body-limit',
    rule: 'content-length above GW_MAX_BODY_BYTES -> 413',
    async run(ctx) {
      const size = ctx.settings.maxBodyBytes + 1;
      const head = `POST /api/interact HTTP/1.1\r\nHost: ${ctx.baseUrl.host}\r\nAuthorization: ${ctx.auth}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`;
      const r = await raw(ctx, head, chunks(size));
      if (r.status !== 413) fail(`POST /api/interact with content-length ${size} (limit ${ctx.settings.maxBodyBytes}): expected 413, got ${showRaw(r)}`);
    },
  },
  {
    name: 'body-limit-streamed',
    rule: 'a chunked body growing past GW_MAX_BODY_BYTES -> 413',
    async run(ctx) {
      const size = ctx.settings.maxBodyBytes + CHUNK;
      const head = `POST /api/interact HTTP/1.1\r\nHost: ${ctx.baseUrl.host}\r\nAuthorization: ${ctx.auth}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const body = [...chunks(size, (b) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')];
      const r = await raw(ctx, head, body);
      if (r.status !== 413) fail(`POST /api/interact chunked, ${size} bytes (limit ${ctx.settings.maxBodyBytes}): expected 413, got ${showRaw(r)}`);
    },
  },
  {
    name: 'body-at-limit',
    rule: 'a body of exactly GW_MAX_BODY_BYTES is accepted and arrives whole',
    async run(ctx) {
      const size = ctx.settings.maxBodyBytes;
      const res = await gw(ctx, '/api/interact', { method: 'POST', body: Buffer.alloc(size, 0x62), timeoutMs: 15_000 });
      expectStatus(res, 200, `POST /api/interact with ${size} bytes (= the limit)`);
      const j = expectJsonObject(res, 'POST /api/interact');
      if (j.bodyBytes !== size) fail(`POST /api/interact with ${size} bytes: upstream received ${JSON.stringify(j.bodyBytes)}`);
    },
  },
  {
    name: 'header-limit',
    rule: 'a header section above GW_MAX_HEADER_BYTES -> 431; half of it is accepted',
    async run(ctx) {
      const limit = ctx.settings.maxHeaderBytes;
      const half = await gw(ctx, '/api/user/12', { headers: { 'x-conf-pad': 'p'.repeat(Math.floor(limit / 2)) } });
      expectStatus(half, 200, `GET /api/user/12 with a ${Math.floor(limit / 2)}-byte header (limit ${limit})`);
      const big = limit + 1024;
      const head = `GET /api/user/12 HTTP/1.1\r\nHost: ${ctx.baseUrl.host}\r\nAuthorization: ${ctx.auth}\r\nX-Conf-Pad: ${'p'.repeat(big)}\r\n\r\n`;
      const r = await raw(ctx, head);
      if (r.status !== 431) fail(`GET /api/user/12 with a ${big}-byte header (limit ${limit}): expected 431, got ${showRaw(r)}`);
    },
  },
  {
    name: 'malformed-request',
    rule: 'a malformed request line or header -> 400 (or the connection closed)',
    async run(ctx) {
      expect400OrClosed(await raw(ctx, 'THIS IS NOT HTTP\r\n\r\n'), 'request line "THIS IS NOT HTTP"');
      expect400OrClosed(await raw(ctx, 'GET /healthz HTTP/1.1 trailing-garbage\r\nHost: x\r\n\r\n'), 'request line with 4 parts');
      expect400OrClosed(await raw(ctx, `GET /healthz HTTP/1.1\r\nHost: ${ctx.baseUrl.host}\r\nno colon in this header\r\n\r\n`), 'header line without a colon');
      // The gateway must still be serving after all that.
      const ok = await ctx.http.call('/healthz');
      if (ok.status !== 200) fail(`GET /healthz after malformed requests: ${describe(ok)}`);
    },
  },
];
