import { type Check, describe, expectErrorBody, expectJsonContentType, expectJsonObject, expectStatus, fail, gw, upstreamRequests } from '../check.js';
import type { HttpResult } from '../http-client.js';

/** Slack allowed on top of the fan-out deadline before a late answer counts as waiting for the late part. */
export const DEADLINE_SLACK_MS = 400;
/** Long enough past any deadline that a stalled part can only be abandoned, never awaited. */
const STALL_MS = 3000;

function feedBody(res: HttpResult, what: string): Record<string, unknown> {
  expectStatus(res, 200, what);
  expectJsonContentType(res, what);
  return expectJsonObject(res, what);
}

function expectPart(part: unknown, service: string, path: string, what: string): void {
  const p = part as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null) fail(`${what}: part for ${service} is ${JSON.stringify(part)}, expected the upstream JSON`);
  if (p.service !== service || p.path !== path) fail(`${what}: part for ${service} is ${JSON.stringify(p).slice(0, 120)}, expected service ${service} and path ${path}`);
}

function expectDegraded(j: Record<string, unknown>, expected: string[], what: string): void {
  if (JSON.stringify(j.degraded) !== JSON.stringify(expected)) fail(`${what}: degraded is ${JSON.stringify(j.degraded)}, expected ${JSON.stringify(expected)}`);
}

function expectOnTime(res: HttpResult, deadline: number, what: string): void {
  if (res.elapsedMs > deadline + DEADLINE_SLACK_MS) {
    fail(`${what}: answered after ${res.elapsedMs.toFixed(0)} ms, expected within deadline ${deadline} ms + ${DEADLINE_SLACK_MS} ms slack (late part must be abandoned)`);
  }
}

/** §2 fan-out: /api/feed joins user-status and barrage under a deadline. */
export const feedChecks: Check[] = [
  {
    name: 'feed',
    rule: 'GET /api/feed -> 200 {uid, room_id, user_status, barrage, degraded: []}, one call to each part',
    quick: true,
    async run(ctx) {
      const before = [await upstreamRequests(ctx, 'user-status'), await upstreamRequests(ctx, 'barrage')];
      const res = await gw(ctx, '/api/feed?uid=u42&room_id=r7');
      const j = feedBody(res, 'GET /api/feed?uid=u42&room_id=r7');
      if (j.uid !== 'u42' || j.room_id !== 'r7') fail(`feed: uid/room_id are ${JSON.stringify(j.uid)}/${JSON.stringify(j.room_id)}, expected "u42"/"r7"`);
      expectPart(j.user_status, 'user-status', '/status/u42', 'feed');
      expectPart(j.barrage, 'barrage', '/barrage/r7', 'feed');
      expectDegraded(j, [], 'feed');
      const after = [await upstreamRequests(ctx, 'user-status'), await upstreamRequests(ctx, 'barrage')];
      if (after[0]! - before[0]! !== 1 || after[1]! - before[1]! !== 1) {
        fail(`feed: expected exactly 1 call to user-status and 1 to barrage, upstream counters saw ${after[0]! - before[0]!} and ${after[1]! - before[1]!}`);
      }
    },
  },
  {
    name: 'feed-concurrent',
    rule: 'the two parts are fetched concurrently: each taking half the deadline, both arrive in time',
    async run(ctx) {
      const half = Math.floor(ctx.settings.fanoutDeadlineMs / 2);
      for (const service of ['user-status', 'barrage']) {
        await ctx.upstream.control({ action: 'latency', service, latency: { model: 'constant', ms: half } });
      }
      const res = await gw(ctx, '/api/feed?uid=u5&room_id=r5');
      const what = `feed with both parts taking ${half} ms (deadline ${ctx.settings.fanoutDeadlineMs} ms)`;
      const j = feedBody(res, what);
      // Sequential calls would need 2 x half = the whole deadline, so the second part would be late.
      if (JSON.stringify(j.degraded) !== '[]') fail(`${what}: degraded is ${JSON.stringify(j.degraded)}, expected [] (are the parts fetched one after the other?)`);
    },
  },
  {
    name: 'feed-bad-request',
    rule: 'missing or empty uid / room_id -> 400 {"error":"bad_request"}',
    async run(ctx) {
      for (const q of ['?room_id=r7', '?uid=&room_id=r7', '?uid=u42', '?uid=u42&room_id=', '']) {
        const res = await gw(ctx, `/api/feed${q}`);
        expectStatus(res, 400, `GET /api/feed${q}`);
        expectErrorBody(res, 'bad_request', `GET /api/feed${q}`);
      }
    },
  },
  {
    name: 'feed-part-late',
    rule: 'barrage stalled past the deadline -> 200, barrage null, degraded ["barrage"], answered by the deadline',
    async run(ctx) {
      const deadline = ctx.settings.fanoutDeadlineMs;
      await ctx.upstream.control({ action: 'stall', service: 'barrage', ms: STALL_MS });
      const res = await gw(ctx, '/api/feed?uid=u1&room_id=r1');
      const what = `feed with barrage stalled ${STALL_MS} ms`;
      const j = feedBody(res, what);
      expectDegraded(j, ['barrage'], what);
      if (j.barrage !== null) fail(`${what}: barrage is ${JSON.stringify(j.barrage).slice(0, 80)}, expected null`);
      expectPart(j.user_status, 'user-status', '/status/u1', what);
      expectOnTime(res, deadline, what);
    },
  },
  {
    name: 'feed-part-error',
    rule: 'user-status answering 500 -> 200, user_status null, degraded ["user_status"]',
    async run(ctx) {
      await ctx.upstream.control({ action: 'errors', service: 'user-status', rate: 1, status: 500 });
      const res = await gw(ctx, '/api/feed?uid=u2&room_id=r2');
      const what = 'feed with user-status answering 500';
      const j = feedBody(res, what);
      expectDegraded(j, ['user_status'], what);
      if (j.user_status !== null) fail(`${what}: user_status is ${JSON.stringify(j.user_status).slice(0, 80)}, expected null`);
      expectPart(j.barrage, 'barrage', '/barrage/r2', what);
    },
  },
  {
    name: 'feed-both-error',
    rule: 'both parts answering 5xx -> 502 {"error":"bad_gateway"}',
    async run(ctx) {
      await ctx.upstream.control({ action: 'errors', service: 'user-status', rate: 1, status: 503 });
      await ctx.upstream.control({ action: 'errors', service: 'barrage', rate: 1, status: 500 });
      const res = await gw(ctx, '/api/feed?uid=u3&room_id=r3');
      expectStatus(res, 502, 'feed with both parts answering 5xx');
      expectErrorBody(res, 'bad_gateway', 'feed with both parts answering 5xx');
    },
  },
  {
    name: 'feed-both-late',
    rule: 'both parts stalled past the deadline -> 504 {"error":"upstream_timeout"} by the deadline',
    async run(ctx) {
      await ctx.upstream.control({ action: 'stall', service: 'user-status', ms: STALL_MS });
      await ctx.upstream.control({ action: 'stall', service: 'barrage', ms: STALL_MS });
      const res = await gw(ctx, '/api/feed?uid=u4&room_id=r4');
      const what = 'feed with both parts stalled';
      if (res.status !== 504) fail(`${what}: expected 504, got ${describe(res)}`);
      expectErrorBody(res, 'upstream_timeout', what);
      expectOnTime(res, ctx.settings.fanoutDeadlineMs, what);
    },
  },
];
