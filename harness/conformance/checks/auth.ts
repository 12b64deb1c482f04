import { type Check, type CheckContext, describe, expectJsonContentType, expectStatus, fail, gw, sleep, upstreamRequests } from '../check.js';
import type { LabelledToken } from '../tokens.js';

/** Give a wrongly forwarded request time to reach the mock upstream before counting. */
const COUNTER_SETTLE_MS = 50;

const PROTECTED: { method: string; path: string }[] = [
  { method: 'GET', path: '/api/user/7' },
  { method: 'GET', path: '/api/feed?uid=u7&room_id=r7' },
  { method: 'POST', path: '/api/interact' },
];

/** Each token twice on each protected route (the second hits any negative cache): 401 + www-authenticate, zero upstream calls. */
async function expectRejected(ctx: CheckContext, tokens: LabelledToken[]): Promise<void> {
  const before = await upstreamRequests(ctx);
  for (const t of tokens) {
    for (const r of PROTECTED) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const rid = `conf-401-${attempt}`;
        const res = await gw(ctx, r.path, { method: r.method, authorization: t.authorization ?? null, headers: { 'x-request-id': rid }, ...(r.method === 'POST' ? { body: '{}' } : {}) });
        const what = `${t.label}: ${r.method} ${r.path}${attempt === 2 ? ' (repeated)' : ''}`;
        if (res.status !== 401) fail(`${what}: expected 401, got ${describe(res)}`);
        if (res.headers['x-request-id'] !== rid) fail(`${what}: x-request-id not echoed on the 401 (sent ${rid}, got ${JSON.stringify(res.headers['x-request-id'] ?? null)})`);
        expectJsonContentType(res, what);
        const www = String(res.headers['www-authenticate'] ?? '');
        if (!/^Bearer\b/i.test(www) || !/error="invalid_token"/.test(www)) {
          fail(`${what}: www-authenticate is ${JSON.stringify(res.headers['www-authenticate'] ?? null)}, expected Bearer error="invalid_token"`);
        }
        const j = res.json as Record<string, unknown> | undefined;
        if (j?.error !== 'unauthorized') fail(`${what}: body is ${res.text.slice(0, 100)}, expected {"error":"unauthorized"}`);
      }
    }
  }
  await sleep(COUNTER_SETTLE_MS);
  const after = await upstreamRequests(ctx);
  if (after !== before) fail(`rejected requests reached the upstreams (${after - before} upstream requests counted)`);
}

function authCheck(name: string, rule: string, tokens: (ctx: CheckContext) => Promise<LabelledToken[]> | LabelledToken[]): Check {
  return { name, rule, run: async (ctx) => expectRejected(ctx, await tokens(ctx)) };
}

/** §3 authentication: every invalid credential gets 401 and never reaches an upstream. */
export const authChecks: Check[] = [
  authCheck('auth-missing', 'no Authorization header or a non-Bearer scheme -> 401', (ctx) => ctx.tokens.missing()),
  authCheck('auth-malformed', 'a token that is not three base64url JSON parts -> 401', (ctx) => ctx.tokens.malformed()),
  authCheck('auth-alg-none', 'alg "none" with an empty signature -> 401', (ctx) => ctx.tokens.algNone()),
  authCheck('auth-wrong-alg', 'a token whose alg is not exactly GW_JWT_ALG -> 401 (incl. HS/RS key confusion)', (ctx) => ctx.tokens.wrongAlg()),
  authCheck('auth-bad-signature', 'a signature that does not verify with the configured key -> 401', (ctx) => ctx.tokens.badSignature()),
  authCheck('auth-expired', 'exp in the past (beyond 1 s leeway) -> 401', async (ctx) => (await ctx.tokens.claimViolations()).expired),
  authCheck('auth-no-exp', 'no exp claim -> 401', async (ctx) => (await ctx.tokens.claimViolations())['no-exp']),
  authCheck('auth-nbf-future', 'nbf in the future -> 401', async (ctx) => (await ctx.tokens.claimViolations())['nbf-future']),
  authCheck('auth-wrong-issuer', 'iss other than GW_JWT_ISSUER, or missing -> 401', async (ctx) => (await ctx.tokens.claimViolations())['wrong-issuer']),
  authCheck('auth-no-sub', 'missing or empty sub -> 401', async (ctx) => (await ctx.tokens.claimViolations())['no-sub']),
  {
    name: 'auth-cache-expiry',
    rule: 'a cached valid token stops being accepted once its exp has passed',
    async run(ctx) {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const auth = await ctx.tokens.bearer('conformance-short-lived', { exp });
      const first = await gw(ctx, '/api/user/11', { authorization: auth });
      expectStatus(first, 200, 'a token valid for 2 more seconds');
      // exp plus the contract's 1 s leeway plus margin.
      await sleep(Math.max(0, (exp + 1) * 1000 + 700 - Date.now()));
      const later = await gw(ctx, '/api/user/11', { authorization: auth });
      if (later.status !== 401) fail(`the same token after its exp (+1 s leeway) passed: expected 401, got ${describe(later)} (a token cache must expire entries at exp)`);
    },
  },
];
