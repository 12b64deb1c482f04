import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';

export interface MirroredRequest { method: string; url: string; headers: Record<string, string | string[] | undefined>; bodySha256: string; bodyBytes: number }

/**
 * The shadow upstream of the `shadow` optional checks: records what the gateway mirrors
 * and answers 200, 500, or not at all (`stall`), so a check can show that the shadow's
 * failures and latency never reach the client.
 */
export class ShadowRecorder {
  readonly seen: MirroredRequest[] = [];
  mode: 'ok' | 'error' | 'stall' = 'ok';
  private readonly held: ServerResponse[] = [];
  private readonly server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => { hash.update(c); bytes += c.length; });
    req.on('end', () => {
      this.seen.push({ method: req.method!, url: req.url!, headers: { ...req.headers }, bodySha256: hash.digest('hex'), bodyBytes: bytes });
      if (this.mode === 'stall') { this.held.push(res); return; }
      res.writeHead(this.mode === 'error' ? 500 : 200, { 'content-type': 'application/json' });
      res.end('{"shadow":true}');
    });
  });
  url = '';

  static async start(): Promise<ShadowRecorder> {
    const r = new ShadowRecorder();
    r.server.listen(0, '127.0.0.1');
    await once(r.server, 'listening');
    r.url = `http://127.0.0.1:${(r.server.address() as { port: number }).port}`;
    return r;
  }

  /** Answer every held request and go back to answering 200. */
  release(): void {
    this.mode = 'ok';
    for (const res of this.held.splice(0)) if (!res.destroyed) { res.writeHead(200); res.end(); }
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
