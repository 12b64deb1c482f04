import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback between the gateway and one mock upstream service, to inject the
 * faults the mock cannot: TCP resets (SO_LINGER 0, a real RST) and refused connections
 * (the listener closed, then reopened on the same port).
 */
export class FaultyLink {
  private server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private rst = false;
  port = 0;
  /** Connections the relay accepted / reset. */
  accepted = 0;
  resets = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = this.listen();
  }

  static async start(targetUrl: string): Promise<FaultyLink> {
    const u = new URL(targetUrl);
    const link = new FaultyLink({ host: u.hostname, port: Number(u.port) });
    await new Promise<void>((r) => link.server.listen(0, '127.0.0.1', r));
    link.port = (link.server.address() as { port: number }).port;
    return link;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  private listen(): Server {
    return createServer((down) => {
      this.accepted++;
      if (this.rst) { this.resets++; down.resetAndDestroy(); return; }
      const up = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [down, up];
      this.pairs.add(pair);
      const drop = () => { this.pairs.delete(pair); down.destroy(); up.destroy(); };
      down.on('error', drop); up.on('error', drop); down.on('close', drop); up.on('close', drop);
      down.pipe(up); up.pipe(down);
    });
  }

  /** Reset every open connection now and every new one while `on`. */
  reset(on: boolean): void {
    this.rst = on;
    if (!on) return;
    for (const [down, up] of this.pairs) { this.resets++; down.resetAndDestroy(); up.destroy(); }
    this.pairs.clear();
  }

  /** Stop listening (connections are refused) or listen again on the same port. */
  async refuse(on: boolean): Promise<void> {
    if (on) {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      for (const [down, up] of this.pairs) { down.destroy(); up.destroy(); }
      this.pairs.clear();
      await closed;
    } else {
      this.server = this.listen();
      await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
    }
  }

  async close(): Promise<void> {
    this.reset(true);
    await new Promise<void>((r) => (this.server.listening ? this.server.close(() => r()) : r()));
  }
}
