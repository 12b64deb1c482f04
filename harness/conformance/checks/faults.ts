import { type Check, describe, expectErrorBody, expectStatus, fail, gw, sleep, upstreamRequests } from '../check.js';

/** A proxied answer must not wait for a slow upstream longer than its timeout plus this. */
const TIMEOUT_SLACK_MS = 800;
/** "At once" for an open breaker, generous for a loaded 2-core box. */
const FAST_MS = 500;

/** §2 proxied-route errors and §5 circuit breaker, on the user service. */
export const faultChecks: Check[] = [
  {
    name: 'upstream-refused',
    rule: 'user service refusing connections -> 502 {"error":"bad_gateway"}',
    async run(ctx) {
      await ctx.upstream.control({ action: 'refuse', service: 'user', on: true });
      // Pooled keep-alive connections would still work: drop them so the next call must connect.
      await ctx.upstream.control({ action: 'close-connections', service: 'user' });
      await sleep(50);
      const res = await gw(ctx, '/api/user/502');
      expectStatus(res, 502, 'GET /api/user/502 with the user service refusing connections');
      expectErrorBody(res, 'bad_gateway', 'GET /api/user/502');
    },
  },
  {
    name: 'upstream-reset',
    rule: 'user service connection reset before a response -> 502 {"error":"bad_gateway"}',
    async run(ctx) {
      await ctx.upstream.control({ action: 'stall', service: 'user', ms: 10_000 });
      const seen = await upstreamRequests(ctx, 'user');
      const pending = gw(ctx, '/api/user/503');
      // Wait until the request is held at the upstream, then reset its connection.
      const since = Date.now();
      while ((await upstreamRequests(ctx, 'user')) === seen && Date.now() - since < 2000) await sleep(20);
      await ctx.upstream.control({ action: 'close-connections', service: 'user' });
      const res = await pending;
      expectStatus(res, 502, 'GET /api/user/503 with its upstream connection reset mid-request');
      expectErrorBody(res, 'bad_gateway', 'GET /api/user/503');
    },
  },
  {
    name: 'upstream-timeout',
    rule: 'user service slower than GW_UPSTREAM_TIMEOUT_MS -> 504 {"error":"upstream_timeout"} near the timeout',
    async run(ctx) {
      const t = ctx.settings.upstreamTimeoutMs;
      await ctx.upstream.control({ action: 'latency', service: 'user', latency: { model: 'constant', ms: t + 1500 } });
      const res = await gw(ctx, '/api/user/504', { timeoutMs: t + 5000 });
      const what = `GET /api/user/504 with the user service answering after ${t + 1500} ms (timeout ${t} ms)`;
      expectStatus(res, 504, what);
      expectErrorBody(res, 'upstream_timeout', what);
      if (res.elapsedMs > t + TIMEOUT_SLACK_MS) fail(`${what}: 504 came after ${res.elapsedMs.toFixed(0)} ms, expected by ${t} ms + ${TIMEOUT_SLACK_MS} ms slack`);
    },
  },
  {
    name: 'feed-breaker',
    rule: 'an open barrage breaker degrades the feed part at once without calling barrage; closes again after the cool-down',
    async run(ctx) {
      const n = ctx.settings.breakerFailures;
      await ctx.upstream.control({ action: 'errors', service: 'barrage', rate: 1, status: 500 });
      const start = await upstreamRequests(ctx, 'barrage');
      for (let i = 1; i <= n + 2; i++) {
        const res = await gw(ctx, '/api/feed?uid=b1&room_id=b1');
        const j = res.json as Record<string, unknown> | undefined;
        if (res.status !== 200 || JSON.stringify(j?.degraded) !== '["barrage"]') {
          fail(`feed ${i} with barrage answering 500: expected 200 with degraded ["barrage"], got ${describe(res)}`);
        }
      }
      const open = await upstreamRequests(ctx, 'barrage');
      if (open - start !== n) fail(`barrage received ${open - start} requests for ${n + 2} feeds, expected ${n}: after ${n} failures its breaker must stop calling it`);
      await ctx.upstream.control({ action: 'errors', service: 'barrage', rate: 0 });
      await sleep(ctx.settings.breakerCooldownMs + 300);
      const res = await gw(ctx, '/api/feed?uid=b2&room_id=b2');
      const j = res.json as Record<string, unknown> | undefined;
      if (res.status !== 200 || JSON.stringify(j?.degraded) !== '[]') fail(`first feed after the cool-down with barrage healthy: expected degraded [], got ${describe(res)}`);
    },
  },
  {
    name: 'breaker',
    rule: 'GW_BREAKER_FAILURES consecutive 5xx open the user breaker: 503 {"error":"circuit_open"} at once, no upstream call; after the cool-down a probe closes it',
    async run(ctx) {
      const n = ctx.settings.breakerFailures;
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 1, status: 500 });
      const start = await upstreamRequests(ctx, 'user');
      for (let i = 1; i <= n; i++) {
        const res = await gw(ctx, '/api/user/900');
        if (res.status !== 500) fail(`failure ${i} of ${n}: expected the upstream's 500 passed through, got ${describe(res)}${res.status === 503 ? ' (breaker opened too early)' : ''}`);
      }
      for (let i = 1; i <= 3; i++) {
        const res = await gw(ctx, '/api/user/900');
        const what = `call ${i} after ${n} consecutive failures`;
        if (res.status !== 503) {
          fail(`${what}: expected 503, got ${describe(res)}${res.status === 500 ? ' (breaker still closed: is its state per worker process?)' : ''}`);
        }
        expectErrorBody(res, 'circuit_open', what);
        if (res.elapsedMs > FAST_MS) fail(`${what}: 503 took ${res.elapsedMs.toFixed(0)} ms, expected at once (< ${FAST_MS} ms)`);
      }
      const open = await upstreamRequests(ctx, 'user');
      if (open - start !== n) fail(`the user service received ${open - start} requests, expected exactly ${n}: an open breaker must not call the upstream`);
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 0 });
      await sleep(ctx.settings.breakerCooldownMs + 300);
      const probe = await gw(ctx, '/api/user/901');
      expectStatus(probe, 200, `first call after the ${ctx.settings.breakerCooldownMs} ms cool-down with the upstream healthy again`);
      const next = await gw(ctx, '/api/user/902');
      expectStatus(next, 200, 'second call after a successful probe (breaker closed)');
      const end = await upstreamRequests(ctx, 'user');
      if (end - open !== 2) fail(`after the cool-down the user service received ${end - open} requests, expected 2`);
    },
  },
];
