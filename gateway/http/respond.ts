import type { ServerResponse } from 'node:http';

/** Error kinds of the contract's JSON error bodies (§2). */
export type ErrorKind =
  | 'not_found' | 'bad_request' | 'unauthorized' | 'payload_too_large' | 'bad_gateway'
  | 'upstream_timeout' | 'circuit_open' | 'internal' | 'unavailable';

const MESSAGES: Record<ErrorKind, string> = {
  not_found: 'no route for this method and path',
  bad_request: 'the request is missing required parameters',
  unauthorized: 'a valid bearer token is required',
  payload_too_large: 'request body exceeds the configured limit',
  bad_gateway: 'the upstream service failed',
  upstream_timeout: 'the upstream service did not answer in time',
  circuit_open: 'the upstream service is temporarily cut off by its circuit breaker',
  internal: 'internal gateway error',
  unavailable: 'the gateway is shutting down',
};

/** Pre-rendered bodies: error responses on hot paths (401 floods, open breaker) allocate nothing new. */
const BODIES = Object.fromEntries(
  Object.entries(MESSAGES).map(([k, m]) => [k, Buffer.from(JSON.stringify({ error: k, message: m }))]),
) as Record<ErrorKind, Buffer>;

/** Send a JSON body with the request id echoed. */
export function sendJson(res: ServerResponse, status: number, body: string | Buffer, requestId: string, extra?: Record<string, string>): void {
  if (res.headersSent) { res.destroy(); return; }
  // A flat [name, value, ...] list: writeHead takes it as is (no object to build and walk).
  const headers: (string | number)[] = ['content-type', 'application/json', 'content-length', Buffer.byteLength(body), 'x-request-id', requestId];
  if (extra) for (const k in extra) headers.push(k, extra[k]!);
  res.writeHead(status, headers as unknown as string[]);
  res.end(body);
}

/** Send one of the contract's error responses. */
export function sendError(res: ServerResponse, status: number, kind: ErrorKind, requestId: string, extra?: Record<string, string>): void {
  sendJson(res, status, BODIES[kind], requestId, extra);
}

/** Raw bytes for errors the HTTP parser raises before a request object exists. */
export function rawErrorResponse(status: number, reason: string, kind: string): string {
  const body = JSON.stringify({ error: kind, message: reason });
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
