import { createHash } from 'node:crypto';
import { type Check, type CheckContext, describe, expectErrorBody, expectStatus, fail, gw, sleep, upstreamRequests } from '../check.js';
import type { MirroredRequest } from '../shadow-recorder.js';

/** Header the suite names in GW_BREAKER_REGION_HEADER. */
export const REGION_HEADER = 'x-gwb-region';
/** A client must never wait for the shadow: generous for a loaded 2-core box. */
const FAST_MS = 500;

async function mirrored(ctx: CheckContext, match: (m: MirroredRequest) => boolean, what: string): Promise<MirroredRequest> {
  const rec = ctx.shadow!;
  for (let i = 0; i < 100; i++) {
    const hit = rec.seen.find(match);
    if (hit) return hit;
    await sleep(20);
  }
  return fail(`${what}: the shadow upstream did not receive it within 2 s (it got ${rec.seen.length} request(s))`);
}

/**
 * Optional checks (docs/gateway-contract.md "Optional capabilities"): run only against
 * implementations that declare the capability, with the suite's env for it
 * (--impl-command mode); otherwise reported "not implemented".
 */
export const optionalChecks: Check[] = [
  {
    name: 'shadow-mirror',
    rule: 'shadow: requests are mirrored to GW_SHADOW_UPSTREAM (same method, path, body, x-request-id) while the client gets the real answer',
    capability: 'shadow',
    async run(ctx) {
      const rid = `shadow-${Date.now()}`;
      const res = await gw(ctx, '/api/user/shadow-1', { headers: { 'x-request-id': rid, 'x-gwb-echo': '1' } });
      expectStatus(res, 200, 'GET /api/user/shadow-1 with mirroring on');
      const m = await mirrored(ctx, (s) => s.headers['x-request-id'] === rid, 'GET /api/user/shadow-1');
      if (m.method !== 'GET' || m.url !== '/api/user/shadow-1') fail(`mirror of GET /api/user/shadow-1 arrived as ${m.method} ${m.url}`);
      if (m.headers.authorization !== undefined) fail('the mirrored request carries the client\'s Authorization header');
      const body = JSON.stringify({ shadow: 'body', pad: 'p'.repeat(3000) });
      const rid2 = `${rid}-post`;
      const post = await gw(ctx, '/api/interact', { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-request-id': rid2 } });
      expectStatus(post, 200, 'POST /api/interact with mirroring on');
      const p = await mirrored(ctx, (s) => s.headers['x-request-id'] === rid2, 'POST /api/interact');
      const sha = createHash('sha256').update(body).digest('hex');
      if (p.bodySha256 !== sha) fail(`mirrored POST body differs: ${p.bodyBytes} bytes received, ${Buffer.byteLength(body)} sent`);
    },
  },
  {
    name: 'shadow-isolated',
    rule: 'shadow: a failing or stalled shadow upstream never changes or delays the client\'s answer',
    capability: 'shadow',
    async run(ctx) {
      const rec = ctx.shadow!;
      try {
        for (const mode of ['error', 'stall'] as const) {
          rec.mode = mode;
          for (let i = 0; i < 5; i++) {
            const res = await gw(ctx, `/api/user/shadow-${mode}-${i}`);
            const what = `GET /api/user/shadow-${mode}-${i} with the shadow upstream ${mode === 'error' ? 'answering 500' : 'never answering'}`;
            expectStatus(res, 200, what);
            if (res.elapsedMs > FAST_MS) fail(`${what}: took ${res.elapsedMs.toFixed(0)} ms (the client must not wait for the shadow)`);
          }
        }
      } finally { rec.release(); }
    },
  },
  {
    name: 'region-breaker',
    rule: `region-breaker: GW_BREAKER_FAILURES failures from one region (${REGION_HEADER}) open that region's breaker only; other regions are still served`,
    capability: 'region-breaker',
    async run(ctx) {
      const n = ctx.settings.breakerFailures;
      const call = (region: string, id: string) => gw(ctx, `/api/user/${id}`, { headers: { [REGION_HEADER]: region } });
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 1, status: 500 });
      for (let i = 1; i <= n; i++) {
        const res = await call('region-a', `ra${i}`);
        if (res.status !== 500) fail(`failure ${i} of ${n} from region-a: expected the upstream's 500, got ${describe(res)}`);
      }
      const open = await call('region-a', 'ra-open');
      expectStatus(open, 503, `region-a after ${n} failures`);
      expectErrorBody(open, 'circuit_open', `region-a after ${n} failures`);
      await ctx.upstream.control({ action: 'errors', service: 'user', rate: 0 });
      const before = await upstreamRequests(ctx, 'user');
      for (let i = 1; i <= 3; i++) expectStatus(await call('region-b', `rb${i}`), 200, `region-b call ${i} while region-a's breaker is open`);
      expectStatus(await call('region-a', 'ra-still'), 503, 'region-a again (its breaker stays open for the cool-down)');
      const after = await upstreamRequests(ctx, 'user');
      if (after - before !== 3) fail(`the user service received ${after - before} requests, expected 3 (region-b only)`);
      await sleep(ctx.settings.breakerCooldownMs + 300);
      expectStatus(await call('region-a', 'ra-probe'), 200, 'region-a after the cool-down (probe closes it)');
    },
  },
];
