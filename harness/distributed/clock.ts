import { createServer, request, type Server } from 'node:http';
import { GwBenchError } from '../../core/errors.js';

/**
 * The coordinator's time source and an agent's offset from it. Agents record latency on
 * their own clocks (latency from the intended send time, each agent coordinated-omission
 * safe by itself); the shared clock only aligns the stages' common start times and is
 * reported, so a merged result states how far apart its agents' clocks were.
 */

export interface ClockOffset {
  /** coordinator time - agent time, ms (add it to an agent time to get coordinator time). */
  offsetMs: number;
  /** Round trip of the best sample: the offset is known to within half of it. */
  rttMs: number;
  samples: number;
  url: string;
}

/** Serve GET /time -> {"epochMs": n} (Date.now with sub-ms precision). */
export function serveClock(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/time') { res.writeHead(404).end(); return; }
    const body = JSON.stringify({ epochMs: performance.timeOrigin + performance.now() });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new GwBenchError('GW_ERR_USAGE', `clock server ${host}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolve(server));
  });
}

function once(url: string, timeoutMs: number): Promise<{ t0: number; t1: number; server: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.timeOrigin + performance.now();
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => {
        const t1 = performance.timeOrigin + performance.now();
        const epochMs = Number((JSON.parse(body) as { epochMs?: unknown }).epochMs);
        if (res.statusCode !== 200 || !Number.isFinite(epochMs)) { reject(new Error(`HTTP ${res.statusCode}`)); return; }
        resolve({ t0, t1, server: epochMs });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Cristian's method over several round trips: the sample with the shortest round trip
 * bounds the offset most tightly (to within half its RTT), so it alone is used.
 */
export async function measureOffset(url: string, samples = 8, timeoutMs = 2000): Promise<ClockOffset> {
  let best: { offsetMs: number; rttMs: number } | null = null;
  let lastError = '';
  for (let i = 0; i < samples; i++) {
    try {
      const s = await once(url, timeoutMs);
      const rttMs = s.t1 - s.t0;
      const offsetMs = s.server - (s.t0 + s.t1) / 2;
      if (best === null || rttMs < best.rttMs) best = { offsetMs, rttMs };
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  if (best === null) throw new GwBenchError('GW_ERR_TARGET_UNREACHABLE', `clock ${url}: no sample in ${samples} tries (${lastError})`);
  return { offsetMs: Math.round(best.offsetMs * 1000) / 1000, rttMs: Math.round(best.rttMs * 1000) / 1000, samples, url };
}
