import { type Check, describe, echoedHeaders, expectJsonObject, expectStatus, fail, gw, upstreamRequests } from '../check.js';
import { isLoopbackHost } from '../../../core/loopback.js';

const ECHO = { 'x-gwb-echo': '1' };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);

/** §2 proxied route /api/user/:uid and the headers sent upstream. */
export const proxyChecks: Check[] = [
  {
    name: 'auth-valid',
    rule: 'a valid token is accepted: GET /api/user/:uid -> 200 from the user service, exactly one upstream call',
    quick: true,
    async run(ctx) {
      const before = await upstreamRequests(ctx, 'user');
      const res = await gw(ctx, '/api/user/1001');
      expectStatus(res, 200, 'GET /api/user/1001 with a valid token');
      const after = await upstreamRequests(ctx, 'user');
      if (after - before !== 1) fail(`GET /api/user/1001: expected exactly 1 call to the user service, counters saw ${after - before}`);
    },
  },
  {
    name: 'user-proxy',
    rule: 'GET /api/user/:uid: upstream status, content-type and body passed through; path and query unchanged',
    quick: true,
    async run(ctx) {
      const path = '/api/user/42?fields=name%2Cage&x=1';
      const res = await gw(ctx, path);
      expectStatus(res, 200, `GET ${path}`);
      const j = expectJsonObject(res, `GET ${path}`);
      if (j.service !== 'user') fail(`GET ${path}: answered by ${JSON.stringify(j.service)}, expected the user service`);
      if (j.path !== path) fail(`GET ${path}: upstream saw path ${JSON.stringify(j.path)}, expected it unchanged`);
      if (j.method !== 'GET') fail(`GET ${path}: upstream saw method ${JSON.stringify(j.method)}`);
      if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) fail(`GET ${path}: upstream content-type not passed through (got ${JSON.stringify(res.headers['content-type'] ?? null)})`);
    },
  },
  {
    name: 'user-status-passthrough',
    rule: 'a 4xx from the user service is passed through with its body (not rewritten)',
    async run(ctx) {
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 1, status: 404 });
      const res = await gw(ctx, '/api/user/404');
      expectStatus(res, 404, 'GET /api/user/404 with the user service answering 404');
      const j = expectJsonObject(res, 'GET /api/user/404');
      if (j.error !== 'injected' || j.service !== 'user') fail(`GET /api/user/404: body is not the upstream's (${describe(res)})`);
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 1, status: 429 });
      const res2 = await gw(ctx, '/api/user/429');
      expectStatus(res2, 429, 'GET /api/user/429 with the user service answering 429');
    },
  },
  {
    name: 'request-id-generated',
    rule: 'no x-request-id from the client -> a new one is sent upstream and echoed to the client; unique per request',
    async run(ctx) {
      const a = await gw(ctx, '/api/user/7', { headers: ECHO });
      const b = await gw(ctx, '/api/user/7', { headers: ECHO });
      expectStatus(a, 200, 'GET /api/user/7');
      expectStatus(b, 200, 'GET /api/user/7');
      const ua = first(echoedHeaders(a, 'GET /api/user/7')['x-request-id']);
      const ub = first(echoedHeaders(b, 'GET /api/user/7')['x-request-id']);
      if (!ua) fail('no x-request-id reached the upstream when the client sent none');
      if (ua === ub) fail(`two requests got the same generated x-request-id ${JSON.stringify(ua)}`);
      if (a.headers['x-request-id'] !== ua) fail(`response x-request-id ${JSON.stringify(a.headers['x-request-id'] ?? null)} differs from the one sent upstream ${JSON.stringify(ua)}`);
    },
  },
  {
    name: 'request-id-preserved',
    rule: 'the client x-request-id is sent upstream unchanged and echoed',
    async run(ctx) {
      const id = 'conf-req-5f3a9c';
      const res = await gw(ctx, '/api/user/7', { headers: { ...ECHO, 'x-request-id': id } });
      expectStatus(res, 200, 'GET /api/user/7');
      const up = first(echoedHeaders(res, 'GET /api/user/7')['x-request-id']);
      if (up !== id) fail(`upstream got x-request-id ${JSON.stringify(up ?? null)}, expected the client's ${JSON.stringify(id)}`);
      if (res.headers['x-request-id'] !== id) fail(`response x-request-id is ${JSON.stringify(res.headers['x-request-id'] ?? null)}, expected ${JSON.stringify(id)}`);
    },
  },
  {
    name: 'x-forwarded-for',
    rule: 'x-forwarded-for: the client address appended to any existing value',
    async run(ctx) {
      const isLoop = (s: string | undefined) => s !== undefined && isLoopbackHost(s);
      const parts = (v: string | string[] | undefined) => (first(v) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const a = await gw(ctx, '/api/user/8', { headers: ECHO });
      expectStatus(a, 200, 'GET /api/user/8');
      const pa = parts(echoedHeaders(a, 'GET /api/user/8')['x-forwarded-for']);
      if (pa.length !== 1 || !isLoop(pa[0])) fail(`without a client x-forwarded-for the upstream got ${JSON.stringify(pa.join(', '))}, expected "127.0.0.1"`);
      const b = await gw(ctx, '/api/user/8', { headers: { ...ECHO, 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } });
      expectStatus(b, 200, 'GET /api/user/8');
      const pb = parts(echoedHeaders(b, 'GET /api/user/8')['x-forwarded-for']);
      if (pb.length !== 3 || pb[0] !== '203.0.113.7' || pb[1] !== '198.51.100.2' || !isLoop(pb[2])) {
        fail(`client sent x-forwarded-for "203.0.113.7, 198.51.100.2", upstream got ${JSON.stringify(pb.join(', '))}, expected "203.0.113.7, 198.51.100.2, 127.0.0.1"`);
      }
    },
  },
  {
    name: 'x-user-id',
    rule: 'x-user-id sent upstream = the token sub (a client-sent x-user-id is not trusted)',
    async run(ctx) {
      const auth = await ctx.tokens.bearer('user-sub-314');
      const res = await gw(ctx, '/api/user/314', { authorization: auth, headers: { ...ECHO, 'x-user-id': 'forged-admin' } });
      expectStatus(res, 200, 'GET /api/user/314');
      const got = first(echoedHeaders(res, 'GET /api/user/314')['x-user-id']);
      if (got !== 'user-sub-314') fail(`upstream got x-user-id ${JSON.stringify(got ?? null)}, expected the token sub "user-sub-314"`);
    },
  },
  {
    name: 'no-authorization-upstream',
    rule: 'the authorization header is not forwarded upstream',
    async run(ctx) {
      const res = await gw(ctx, '/api/user/9', { headers: ECHO });
      expectStatus(res, 200, 'GET /api/user/9');
      const h = echoedHeaders(res, 'GET /api/user/9');
      if (h.authorization !== undefined) fail(`authorization reached the upstream: ${JSON.stringify(first(h.authorization)).slice(0, 60)}`);
    },
  },
  {
    name: 'hop-by-hop-stripped',
    rule: 'hop-by-hop headers (keep-alive, te, proxy-authorization, and those named in Connection) are not forwarded',
    async run(ctx) {
      const sent: Record<string, string> = {
        connection: 'keep-alive, x-conf-hop, X-Conf-Hop2',
        'x-conf-hop': 'must-not-arrive',
        'x-conf-hop2': 'must-not-arrive-either',
        'keep-alive': 'timeout=77, max=7',
        'proxy-authorization': 'Basic Y29uZjpob3A=',
        te: 'trailers',
        'x-conf-end-to-end': 'keep-me',
      };
      const res = await gw(ctx, '/api/user/10', { headers: { ...ECHO, ...sent } });
      expectStatus(res, 200, 'GET /api/user/10');
      const h = echoedHeaders(res, 'GET /api/user/10');
      const leaked: string[] = [];
      for (const name of ['x-conf-hop', 'x-conf-hop2', 'keep-alive', 'proxy-authorization', 'te']) {
        // The gateway's own client may add its own keep-alive/te; only the client's values are forbidden.
        if (first(h[name]) === sent[name]) leaked.push(name);
      }
      if (/x-conf-hop/i.test(first(h.connection) ?? '')) leaked.push(`connection (${first(h.connection)})`);
      if (leaked.length) fail(`hop-by-hop headers reached the upstream: ${leaked.join(', ')}`);
      if (first(h['x-conf-end-to-end']) !== 'keep-me') fail('an ordinary end-to-end header (x-conf-end-to-end) was not forwarded');
    },
  },
];
