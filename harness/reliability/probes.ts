import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * Hostile requests over raw sockets (request smuggling, header and token tricks, oversized
 * and slow input). Each names the statuses a safe gateway may answer; "closed" means the
 * connection was closed without a response, which is also safe. Shared by
 * test/security/probes.test.ts and scripts/reliability-report.ts.
 */

export interface ProbeTarget { host: string; port: number; validToken: string; secret: string }
export interface ProbeResult { status: number | 'closed' | 'timeout'; ms: number; sentBytes: number }
export interface Probe {
  readonly name: string;
  /** Acceptable answers. */
  readonly expect: readonly (number | 'closed')[];
  /** Why this probe may start (never complete) one upstream request; absent = it must not reach one. */
  readonly mayStartUpstream?: string;
  run(t: ProbeTarget): Promise<ProbeResult>;
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = () => ({ sub: 'probe', iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 });
const hs = (header: object, secret: string): string => {
  const input = `${b64(header)}.${b64(claims())}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

/** Send `parts` (strings or byte generators, with pauses) and read until a status line, close or timeout. */
export async function exchange(t: ProbeTarget, parts: Iterable<string | Buffer | number>, timeoutMs = 5000): Promise<ProbeResult> {
  const t0 = performance.now();
  const sock: Socket = connect(t.port, t.host);
  let sentBytes = 0;
  let got = '';
  let closed = false;
  sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
  sock.on('error', () => {});
  sock.on('close', () => { closed = true; });
  await new Promise<void>((r) => { sock.once('connect', r); sock.once('error', () => r()); });
  const answered = (): boolean => /^HTTP\/1\.[01] \d{3}/.test(got) || closed;
  const deadline = Date.now() + timeoutMs;
  for (const p of parts) {
    if (answered() || Date.now() > deadline) break;
    if (typeof p === 'number') { await new Promise((r) => setTimeout(r, p)); continue; }
    const ok = sock.write(p);
    sentBytes += typeof p === 'string' ? Buffer.byteLength(p, 'latin1') : p.length;
    // Stream with backpressure: a gateway that answers early (413) stops the upload here.
    if (!ok) await new Promise<void>((r) => { sock.once('drain', r); sock.once('close', r); setTimeout(r, 1000); });
  }
  while (!answered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  sock.destroy();
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
  return { status: m ? Number(m[1]) : closed ? 'closed' : 'timeout', ms: performance.now() - t0, sentBytes };
}

function* body(total: number, block = 64 * 1024): Generator<Buffer> {
  const b = Buffer.alloc(block, 0x61);
  for (let left = total; left > 0; left -= block) yield left >= block ? b : b.subarray(0, left);
}

function* chunked(total: number, block = 64 * 1024): Generator<Buffer> {
  const head = Buffer.from(`${block.toString(16)}\r\n`);
  const crlf = Buffer.from('\r\n');
  for (const b of body(total, block)) { yield b.length === block ? head : Buffer.from(`${b.length.toString(16)}\r\n`); yield b; yield crlf; }
  yield Buffer.from('0\r\n\r\n');
}

const req = (t: ProbeTarget, line: string, headers: string[], bodyText = ''): string =>
  `${line}\r\nHost: ${t.host}:${t.port}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${bodyText}`;
const auth = (t: ProbeTarget): string => `Authorization: Bearer ${t.validToken}`;

export const PROBES: readonly Probe[] = [
  { name: 'JWT alg none', expect: [401], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1', [`Authorization: Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`])]) },
  { name: 'JWT alg none, signature kept', expect: [401], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1', [`Authorization: Bearer ${hs({ alg: 'none' }, t.secret)}`])]) },
  { name: 'JWT kid with a path (signed with an empty key)', expect: [401], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1', [`Authorization: Bearer ${hs({ alg: 'HS256', kid: '../../../../dev/null' }, '')}`])]) },
  { name: 'JWT alg RS256 signed as HMAC with the secret', expect: [401], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1', [`Authorization: Bearer ${hs({ alg: 'RS256' }, t.secret)}`])]) },
  { name: 'CL+TE smuggling', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Content-Length: 6', 'Transfer-Encoding: chunked'], '0\r\n\r\nGET /api/user/2 HTTP/1.1\r\n\r\n')]) },
  { name: 'TE obfuscated (xchunked)', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Transfer-Encoding: xchunked'], '0\r\n\r\n')]) },
  { name: 'TE obfuscated (space before colon)', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Transfer-Encoding : chunked'], '0\r\n\r\n')]) },
  { name: 'TE chunked, identity', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Transfer-Encoding: chunked, identity'], '0\r\n\r\n')]) },
  { name: 'two different Content-Length', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Content-Length: 2', 'Content-Length: 3'], 'abc')]) },
  { name: 'bad request line (extra token)', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1 extra', [auth(t)])]) },
  { name: 'bad request line (binary)', expect: [400, 'closed'], run: (t) => exchange(t, ['\x00\x01\x02garbage\r\n\r\n']) },
  { name: 'no Host header (HTTP/1.1)', expect: [400, 'closed'], run: (t) => exchange(t, [`GET /api/user/1 HTTP/1.1\r\n${auth(t)}\r\n\r\n`]) },
  { name: '64 KB header', expect: [431, 'closed'], run: (t) => exchange(t, [req(t, 'GET /api/user/1 HTTP/1.1', [auth(t), `X-Pad: ${'p'.repeat(64 * 1024)}`])]) },
  { name: '100 MB body, streamed (content-length)', expect: [413, 'closed'], run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), `Content-Length: ${100 * 1024 * 1024}`]), ...body(100 * 1024 * 1024)], 15_000) },
  {
    name: '100 MB body, streamed (chunked)', expect: [413, 'closed'],
    mayStartUpstream: 'the reference gateway streams a chunked body to the upstream as it arrives and aborts that request when the body passes limits.maxBodyBytes: the upstream sees a cut request, never a complete one',
    run: (t) => exchange(t, [req(t, 'POST /api/interact HTTP/1.1', [auth(t), 'Transfer-Encoding: chunked']), ...chunked(100 * 1024 * 1024)], 15_000),
  },
  { name: 'raw CR in path', expect: [400, 'closed'], run: (t) => exchange(t, [req(t, 'GET /api/user/1\rX-Injected: yes HTTP/1.1', [auth(t)])]) },
  { name: 'encoded CRLF in path', expect: [404, 400], run: (t) => exchange(t, [req(t, 'GET /api/user/1%0d%0aX-Injected:%20yes HTTP/1.1', [auth(t)])]) },
  { name: 'dot-dot traversal in path', expect: [404, 400], run: (t) => exchange(t, [req(t, 'GET /api/user/../../admin HTTP/1.1', [auth(t)])]) },
  { name: 'encoded traversal in path', expect: [404, 400], run: (t) => exchange(t, [req(t, 'GET /api/user/..%2f..%2fadmin HTTP/1.1', [auth(t)])]) },
  { name: 'encoded dot-dot parameter', expect: [404, 400], run: (t) => exchange(t, [req(t, 'GET /api/user/%2e%2e HTTP/1.1', [auth(t)])]) },
];

/**
 * Slowloris: header bytes trickled one every `gapMs`. A gateway with a headers timeout
 * answers 408 or closes; `timeoutMs` bounds how long we keep trickling.
 */
export function slowloris(gapMs: number, timeoutMs: number): Probe {
  return {
    name: `slowloris (1 header byte every ${gapMs} ms)`,
    expect: [408, 'closed'],
    run: (t) => {
      const head = req(t, 'GET /api/user/1 HTTP/1.1', [auth(t), `X-Slow: ${'s'.repeat(10_000)}`]);
      const parts = function* (): Generator<string | number> { for (const ch of head) { yield ch; yield gapMs; } };
      return exchange(t, parts(), timeoutMs);
    },
  };
}
