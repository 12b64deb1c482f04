import { type Check, expectErrorBody, expectJsonContentType, expectJsonObject, expectStatus, fail, gw, upstreamRequests } from '../check.js';

/** §2: GET /healthz, 404 for anything else, x-request-id echoed on every response. */
export const basicChecks: Check[] = [
  {
    name: 'healthz',
    rule: 'GET /healthz -> 200 {"status":"ok"}, application/json, x-request-id echoed',
    quick: true,
    async run(ctx) {
      const res = await ctx.http.call('/healthz', { headers: { 'x-request-id': 'conf-healthz-1' } });
      expectStatus(res, 200, 'GET /healthz');
      expectJsonContentType(res, 'GET /healthz');
      const j = expectJsonObject(res, 'GET /healthz');
      if (j.status !== 'ok') fail(`GET /healthz: body ${res.text.slice(0, 100)} has no "status":"ok"`);
      if (res.headers['x-request-id'] !== 'conf-healthz-1') fail(`GET /healthz: x-request-id not echoed (sent conf-healthz-1, got ${JSON.stringify(res.headers['x-request-id'] ?? null)})`);
    },
  },
  {
    name: 'not-found',
    rule: 'unknown routes -> 404 {"error":"not_found"} without auth and without touching an upstream',
    async run(ctx) {
      const before = await upstreamRequests(ctx);
      for (const [method, path] of [['GET', '/nope'], ['GET', '/api/unknown/1'], ['POST', '/api/feed-x'], ['DELETE', '/healthz/x']] as const) {
        const res = await gw(ctx, path, { method, authorization: null, headers: { 'x-request-id': 'conf-404-1' } });
        expectStatus(res, 404, `${method} ${path}`);
        if (res.headers['x-request-id'] !== 'conf-404-1') fail(`${method} ${path}: x-request-id not echoed on the 404 (sent conf-404-1, got ${JSON.stringify(res.headers['x-request-id'] ?? null)})`);
        expectErrorBody(res, 'not_found', `${method} ${path}`);
        expectJsonContentType(res, `${method} ${path}`);
      }
      const after = await upstreamRequests(ctx);
      if (after !== before) fail(`404 routes reached the upstreams (${after - before} upstream requests)`);
    },
  },
];
