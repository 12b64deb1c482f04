import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import { parseControl, type ControlCommand, type ControlResult } from './controls.js';
import type { UpstreamStats } from './stats.js';

/** What the admin server needs from the running set. */
export interface AdminBackend {
  stats(): UpstreamStats;
  control(cmd: ControlCommand): Promise<ControlResult>;
  serviceNames(): string[];
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

const PREFIX = '/__admin/';
const MAX_ADMIN_BODY = 64 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length });
  res.end(buf);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_ADMIN_BODY) return 'body is larger than 64 KiB';
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : 'body is not a JSON object';
  } catch {
    return 'body is not valid JSON';
  }
}

async function handle(backend: AdminBackend, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin');
  if (!url.pathname.startsWith(PREFIX)) return send(res, 404, { error: 'not_found', message: `admin routes live under ${PREFIX}` });
  const name = url.pathname.slice(PREFIX.length);
  if (req.method === 'GET' && name === 'stats') return send(res, 200, backend.stats());
  if (req.method === 'GET' && name === 'healthz') return send(res, 200, { status: 'ok' });
  if (req.method !== 'POST') {
    return send(res, name === 'stats' || name === 'healthz' ? 405 : 404, { error: 'not_found', message: `${req.method} ${url.pathname} is not an admin route (see upstream/README.md)` });
  }
  const body = await readJson(req);
  if (typeof body === 'string') return send(res, 400, { error: 'bad_request', problems: [body] });
  const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...body };
  const cmd = parseControl(name, params, backend.serviceNames());
  if ('problems' in cmd) return send(res, name === '' || cmd.problems[0]?.startsWith('action:') ? 404 : 400, { error: 'bad_request', problems: cmd.problems });
  return send(res, 200, await backend.control(cmd));
}

/** Start the admin HTTP server (stats + fault controls) on host:port (0 = ephemeral). */
export async function startAdminServer(host: string, port: number, backend: AdminBackend): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    handle(backend, req, res).catch((err: unknown) => send(res, 500, { error: 'internal', message: String((err as Error)?.message ?? err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new UsageError(`admin port ${port} is already in use on ${host} (another gw-bench upstream still running?)`) : err);
    });
    server.listen({ host, port }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
