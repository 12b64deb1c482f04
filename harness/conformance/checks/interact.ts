import { createHash, randomBytes } from 'node:crypto';
import { type Check, expectJsonObject, expectStatus, fail, gw, instanceRequests } from '../check.js';

/** Requests sent to measure the weighted split, and the allowed deviation in percentage points. */
export const SPLIT_REQUESTS = 200;
export const SPLIT_TOLERANCE_POINTS = 8;
const SPLIT_CONCURRENCY = 8;

/** §2 POST /api/interact: body streamed intact, weighted 80/20 over the two instances. */
export const interactChecks: Check[] = [
  {
    name: 'interact-body',
    rule: 'POST /api/interact: body arrives intact (byte count and SHA-256), path and query unchanged',
    quick: true,
    async run(ctx) {
      const body = randomBytes(10_000);
      const sha = createHash('sha256').update(body).digest('hex');
      const path = '/api/interact?kind=like&n=3';
      const res = await gw(ctx, path, { method: 'POST', body, headers: { 'x-gwb-echo': '1', 'content-type': 'application/octet-stream' } });
      expectStatus(res, 200, `POST ${path} with 10000 bytes`);
      const j = expectJsonObject(res, `POST ${path}`);
      if (j.service !== 'interact') fail(`POST ${path}: answered by ${JSON.stringify(j.service)}, expected the interact service`);
      if (j.path !== path || j.method !== 'POST') fail(`POST ${path}: upstream saw ${JSON.stringify(j.method)} ${JSON.stringify(j.path)}, expected it unchanged`);
      if (j.bodyBytes !== body.length) fail(`POST ${path}: upstream received ${JSON.stringify(j.bodyBytes)} body bytes, expected ${body.length}`);
      if (j.bodySha256 !== sha) fail(`POST ${path}: body arrived altered (SHA-256 differs) though its length is right`);
      const empty = await gw(ctx, '/api/interact', { method: 'POST', body: '' });
      expectStatus(empty, 200, 'POST /api/interact with an empty body');
    },
  },
  {
    name: 'interact-split',
    rule: `POST /api/interact spread 80/20 over the two interact instances (${SPLIT_REQUESTS} requests, within ±${SPLIT_TOLERANCE_POINTS} points)`,
    async run(ctx) {
      const before = await instanceRequests(ctx, 'interact');
      if (before.length !== 2) fail(`the mock interact service has ${before.length} instances, this check needs 2 (weights 80,20)`);
      let next = 0;
      const statuses = new Map<number, number>();
      const worker = async () => {
        while (next < SPLIT_REQUESTS) {
          next++;
          const res = await gw(ctx, '/api/interact', { method: 'POST', body: '{"action":"like"}', headers: { 'content-type': 'application/json' } });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: SPLIT_CONCURRENCY }, worker));
      if ((statuses.get(200) ?? 0) !== SPLIT_REQUESTS) fail(`not every interact request succeeded: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      const after = await instanceRequests(ctx, 'interact');
      const d = after.map((v, i) => v - before[i]!);
      const total = d[0]! + d[1]!;
      if (total !== SPLIT_REQUESTS) fail(`the interact instances received ${total} requests for ${SPLIT_REQUESTS} sent`);
      const pct = (100 * d[0]!) / total;
      if (Math.abs(pct - 80) > SPLIT_TOLERANCE_POINTS) {
        fail(`split is ${pct.toFixed(1)}/${(100 - pct).toFixed(1)} (${d[0]}/${d[1]} requests), expected 80/20 ±${SPLIT_TOLERANCE_POINTS} points`);
      }
    },
  },
];
