import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { VERSION } from '../../core/version.js';
import type { GatewayState } from '../state.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RequestContext } from './context.js';
import { sendError, sendJson } from '../http/respond.js';
import { proxyRequest } from './proxy.js';
import { feed } from './feed.js';
import { requestStarter } from '../http/cpu-burn.js';

export interface HandlerDeps {
  /** Current state; read once per request. */
  getState(): GatewayState;
  readonly metrics: GatewayMetrics;
  /** Prometheus text for /metrics (aggregated over workers in cluster mode). */
  metricsText(): Promise<{ contentType: string; text: string }>;
  /** True once shutdown began: answers carry `connection: close`. */
  isDraining(): boolean;
  /** debug.cpu (ms of CPU burnt before each proxied/fan-out request), read once at startup. */
  debugCpuMs?: number;
  /** debug.delay (ms waited before each proxied/fan-out request), read once at startup. */
  debugDelayMs?: number;
}

const UNAUTHORIZED_EXTRA = { 'www-authenticate': 'Bearer error="invalid_token"' };

/** What the shared 'finish' listener needs, kept on the response (no closure per request). */
const TIMING = Symbol('gateway request timing');
type TimedResponse = ServerResponse & { [TIMING]: { metrics: GatewayMetrics; route: string; started: number } };
function onFinish(this: TimedResponse): void {
  const t = this[TIMING];
  t.metrics.observeRequest(t.route, this.statusCode, (performance.now() - t.started) / 1000);
}

/** The node:http request listener: route, limits, auth, then the route's handler. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics } = deps;
  const health = JSON.stringify({ status: 'ok', impl: 'reference', version: VERSION, pid: process.pid });
  const start = requestStarter(deps.debugCpuMs ?? 0, deps.debugDelayMs ?? 0);

  return function handle(req, res) {
    const started = performance.now();
    metrics.downstreamRequest();
    const state = deps.getState();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rid = req.headers['x-request-id'];
    const requestId = typeof rid === 'string' && rid !== '' ? rid : randomUUID();
    if (deps.isDraining()) res.setHeader('connection', 'close');

    const match = state.routes.match(req.method ?? 'GET', path);
    const routeLabel = match ? match.route.path : 'unmatched';
    (res as TimedResponse)[TIMING] = { metrics, route: routeLabel, started };
    res.on('finish', onFinish); // fires once; `on` avoids once()'s wrapper closure
    if (!match) { sendError(res, 404, 'not_found', requestId); return; }

    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > state.config.limits.maxBodyBytes) {
      // Close after answering so we never have to read the oversize body.
      sendError(res, 413, 'payload_too_large', requestId, { connection: 'close' });
      return;
    }

    let sub: string | null = null;
    if (match.route.auth) {
      const outcome = state.jwt.check(req.headers.authorization);
      if (!outcome.ok) { sendError(res, 401, 'unauthorized', requestId, UNAUTHORIZED_EXTRA); return; }
      sub = outcome.sub;
    }

    const closeIfDraining = (): void => { if (deps.isDraining() && !res.headersSent) res.setHeader('connection', 'close'); };
    // Optional features: one field test each when off (no per-request work).
    const region = state.regions === null ? null : state.regions.of(req);
    const shadowTap = match.route.shadow ? state.shadow!.start(match.route, req, requestId, sub) : null;
    const ctx: RequestContext = { req, res, requestId, sub, path, query: q < 0 ? '' : url.slice(q + 1), match, state, metrics, closeIfDraining, region, shadowTap };
    switch (match.route.type) {
      case 'health':
        sendJson(res, 200, health, requestId);
        return;
      case 'metrics':
        deps.metricsText().then(
          ({ contentType, text }) => {
            res.writeHead(200, { 'content-type': contentType, 'x-request-id': requestId });
            res.end(text);
          },
          (err: unknown) => {
            process.stderr.write(`gateway: metrics failed: ${(err as Error).message}\n`);
            sendError(res, 500, 'internal', requestId);
          },
        );
        return;
      case 'feed':
      case 'proxy': {
        start(match.route.type === 'feed' ? () => feed(ctx) : () => proxyRequest(ctx, state.services.get(match.route.upstream!)!));
        return;
      }
    }
  };
}
