import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 hop-by-hop headers (contract §2), plus ones we rewrite or must not pass on. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);
/** Request headers never copied verbatim: rewritten by us, secret, or refused by undici (expect). */
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'authorization', 'x-user-id', 'x-forwarded-for', 'x-request-id', 'host', 'expect']);
const BODY_HEADERS = new Set(['content-length', 'content-type', 'content-encoding']);

/** Header names listed in a Connection header value (they are hop-by-hop too). */
function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const joined = Array.isArray(value) ? value.join(',') : value;
  const set = new Set<string>();
  for (const t of joined.split(',')) {
    const name = t.trim().toLowerCase();
    if (name) set.add(name);
  }
  return set.size > 0 ? set : null;
}

/**
 * Headers for the upstream request as a flat [name, value, ...] list (undici's cheapest
 * form): the client's headers minus hop-by-hop and secrets, plus x-request-id,
 * x-forwarded-for (client address appended) and x-user-id (the token's `sub`).
 */
export function upstreamRequestHeaders(req: IncomingMessage, requestId: string, sub: string | null, withBody: boolean): string[] {
  const raw = req.rawHeaders;
  const named = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let xff: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'x-forwarded-for') { xff = xff === null ? raw[i + 1]! : `${xff}, ${raw[i + 1]!}`; continue; }
    if (REQUEST_DROP.has(name) || (named !== null && named.has(name))) continue;
    if (!withBody && BODY_HEADERS.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  out.push('x-forwarded-for', xff === null ? client : `${xff}, ${client}`, 'x-request-id', requestId);
  if (sub !== null) out.push('x-user-id', sub);
  return out;
}

/** Upstream response headers minus hop-by-hop ones, with our x-request-id. */
export function downstreamResponseHeaders(headers: IncomingHttpHeaders, requestId: string): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || (named !== null && named.has(name))) continue;
    out[name] = headers[name];
  }
  out['x-request-id'] = requestId;
  return out;
}
