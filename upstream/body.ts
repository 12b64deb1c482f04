import type { IncomingHttpHeaders } from 'node:http';

/** What a mock instance reports about the request it answered (contract §7). */
export interface EchoFields {
  service: string;
  instance: string;
  method: string;
  path: string;
  bodyBytes: number;
  bodySha256?: string;
  headers?: IncomingHttpHeaders;
}

/**
 * JSON body padded with a `pad` string so the whole body is `size` bytes (or the
 * unpadded size when the fields alone are larger, e.g. with echoed headers).
 */
export function paddedBody(fields: EchoFields, size: number): Buffer {
  const json = JSON.stringify({ ...fields, pad: '' });
  const padLen = Math.max(0, size - Buffer.byteLength(json));
  // json ends with `"pad":""}`: put the padding between the two quotes.
  return Buffer.from(padLen === 0 ? json : `${json.slice(0, -2)}${'x'.repeat(padLen)}"}`);
}

/** Body of an injected error response. */
export function errorBody(service: string, instance: string, status: number): Buffer {
  return Buffer.from(JSON.stringify({ error: 'injected', service, instance, status }));
}
