import { createHmac, createSign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { loadConfig, mergeRaw } from '../../gateway/config/load.js';
import { startGateway, type GatewayHandle, type StartOptions } from '../../gateway/server.js';

/** Shared helpers of the gateway tests: stand-in upstreams on port 0, tokens, a client. */

export const SECRET = 'gw-bench-dev-secret-change-me-0123456789';

export interface Seen { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer }
export type StandInHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface StandIn {
  readonly origin: string;
  readonly port: number;
  readonly seen: Seen[];
  /** Replace how the stand-in answers (default: 200 JSON naming the stand-in). */
  handler: StandInHandler;
  close(): Promise<void>;
}

/** A tiny node:http upstream on 127.0.0.1:0 that records every request it gets. */
export async function startStandIn(name: string, handler?: StandInHandler): Promise<StandIn> {
  const seen: Seen[] = [];
  const byDefault: StandInHandler = (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: name, path: req.url }));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: { ...req.headers }, body });
      self.handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const self: StandIn = {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    handler: handler ?? byDefault,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return self;
}

/** A loopback origin nothing listens on (bound then released), for "connection refused". */
export async function refusedOrigin(): Promise<string> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** Sign an HS256 JWT (or any header/claims for negative cases) with `secret`. */
export function hsToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, secret = SECRET): string {
  const b = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b(header)}.${b(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Sign an RS256 JWT with a PEM private key. */
export function rsToken(claims: Record<string, unknown>, privateKeyPem: string): string {
  const b = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b({ alg: 'RS256', typ: 'JWT' })}.${b(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKeyPem).toString('base64url')}`;
}

/** Claims that pass the contract's checks, valid for an hour. */
export function goodClaims(sub = 'user-42'): Record<string, unknown> {
  return { sub, iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 };
}

/** Start a gateway on 127.0.0.1:0 with every contract service pointed at `upstreams` entries. */
export async function startTestGateway(raw: Record<string, unknown>, opts: Omit<StartOptions, 'env' | 'overrides'> = {}): Promise<GatewayHandle> {
  const overrides = mergeRaw({ listen: { host: '127.0.0.1', port: 0 } }, raw);
  const config = loadConfig({ env: {}, file: opts.file, overrides });
  return startGateway(config, { env: {}, overrides, log: () => {}, ...opts });
}

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json(): any }

/** Keep-alive client for tests (close it in after()). */
export function testClient(connections = 16): { agent: Agent; send(url: string, opts?: Parameters<typeof request>[1]): Promise<Reply> } {
  const agent = new Agent({ connections, keepAliveTimeout: 10_000 });
  return {
    agent,
    async send(url, opts = {}) {
      const r = await request(url, { dispatcher: agent, ...opts });
      const text = await r.body.text();
      return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) };
    },
  };
}

/** Write raw bytes on a fresh socket and return everything the server sends until it closes (or `ms`). */
export async function rawExchange(port: number, bytes: string | Buffer, ms = 3000): Promise<string> {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  const chunks: Buffer[] = [];
  sock.on('data', (c: Buffer) => chunks.push(c));
  sock.on('error', () => {});
  sock.write(bytes);
  await Promise.race([once(sock, 'close'), new Promise((r) => setTimeout(r, ms))]);
  sock.destroy();
  return Buffer.concat(chunks).toString('latin1');
}

/** Upstream config pointing every contract service at stand-ins. */
export function upstreamsFor(s: { userStatus?: string; barrage?: string; user?: string; interact?: string | string[] }): Record<string, unknown> {
  const dead = 'http://127.0.0.1:9';
  return {
    'user-status': { instances: s.userStatus ?? dead },
    barrage: { instances: s.barrage ?? dead },
    user: { instances: s.user ?? dead },
    interact: { instances: s.interact ?? dead },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
