/** RFC 9110 §7.6.1 hop-by-hop headers (contract §2): never passed on. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);

/**
 * Upstream response headers as a flat [name, value, ...] list (what `res.writeHead`
 * takes without building an object) minus hop-by-hop ones and those the upstream's
 * `Connection` header names, with our x-request-id instead of any upstream one.
 */
export function downstreamRawHeaders(raw: readonly string[], requestId: string): string[] {
  let named: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') {
      for (const t of raw[i + 1]!.split(',')) {
        const name = t.trim().toLowerCase();
        if (name) (named ??= new Set()).add(name);
      }
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === 'x-request-id' || (named !== null && named.has(name))) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('x-request-id', requestId);
  return out;
}
