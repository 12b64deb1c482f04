import { isIP } from 'node:net';
import { GwBenchError } from './errors.js';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`: the only places gw-bench sends load. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/** Parse a target URL and refuse anything that is not plain http on loopback. */
export function loopbackUrl(raw: string, field: string): URL {
  let u: URL;
  try { u = new URL(raw); } catch { throw new GwBenchError('GW_ERR_USAGE', `${field}: ${JSON.stringify(raw)} is not a URL`); }
  if (u.protocol !== 'http:') throw new GwBenchError('GW_ERR_USAGE', `${field}: ${JSON.stringify(raw)} must use http://`);
  if (!isLoopbackHost(u.hostname)) {
    throw new GwBenchError('GW_ERR_ADDRESS_NOT_LOOPBACK', `${field}: ${JSON.stringify(raw)} is not a loopback address; gw-bench only sends load to 127.0.0.0/8 or ::1`);
  }
  return u;
}
