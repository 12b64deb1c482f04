import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, sleep, startStandIn, startTestGateway, testClient, type StandIn } from './helpers.js';

let a: StandIn;
let b: StandIn;
let gw: GatewayHandle;
let file: string;
const logs: string[] = [];
const client = testClient(8);
const auth = { authorization: `Bearer ${hsToken(goodClaims())}` };

/** Write the config the way deploy tools do: a temp file renamed over the old one. */
function writeConfig(text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const yaml = (userOrigin: string, extraRoute = ''): string => `
upstreams:
  user: { instances: "${userOrigin}" }
routes:
  - { method: GET, path: /healthz, type: health }
  - { method: GET, path: /metrics, type: metrics }
  - { method: GET, path: /api/user/:uid, type: proxy, upstream: user }
${extraRoute}`;

before(async () => {
  a = await startStandIn('a');
  b = await startStandIn('b');
  const dir = mkdtempSync(join(tmpdir(), 'gwb-reload-'));
  file = join(dir, 'gateway.yaml');
  writeConfig(yaml(a.origin));
  gw = await startTestGateway({}, { file, log: (l) => logs.push(l) });
});
after(async () => { await gw.close(); await client.agent.close(); await a.close(); await b.close(); });

async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await check()) return; await sleep(50); }
  assert.fail(`timed out waiting for: ${what}`);
}

test('config file changes apply atomically under steady load; an invalid file is refused; no request fails', async () => {
  // Steady load: 4 keep-alive loops, ~50 req/s each, for a bounded 3.5 s.
  const results = { ok: 0, failed: [] as string[] };
  const stopAt = Date.now() + 3500;
  const loops = Array.from({ length: 4 }, async () => {
    while (Date.now() < stopAt) {
      try {
        const r = await client.send(`${gw.url}/api/user/7`, { headers: auth });
        if (r.status === 200) results.ok++; else results.failed.push(`${r.status} ${r.text}`);
      } catch (err) { results.failed.push(String(err)); }
      await sleep(20);
    }
  });

  await sleep(500);
  assert.equal((await client.send(`${gw.url}/api/v2/user/1`, { headers: auth })).status, 404, 'new route not there yet');
  assert.ok(a.seen.length > 0 && b.seen.length === 0);

  // Valid change: a new route, and the user service moved from stand-in A to B.
  writeConfig(yaml(b.origin, '  - { method: GET, path: /api/v2/user/:uid, type: proxy, upstream: user }'));
  await until('the new route answers', async () => (await client.send(`${gw.url}/api/v2/user/1`, { headers: auth })).status === 200);
  const bBefore = b.seen.length;
  const aAfterSwap = a.seen.length;
  await sleep(300);
  assert.ok(b.seen.length > bBefore, 'traffic now goes to B');
  assert.ok(a.seen.length <= aAfterSwap + 8, 'A gets nothing new beyond requests already in flight at the swap');

  // Invalid change: refused with one log line, the running config stays.
  const logsBefore = logs.length;
  writeConfig(yaml(a.origin, '  - { method: GET, path: /api/v3/x, type: proxy, upstream: ghost }'));
  await until('the rejection is logged', async () => logs.length > logsBefore);
  const rejected = logs.slice(logsBefore);
  assert.equal(rejected.length, 1);
  assert.match(rejected[0]!, /reload rejected, keeping the running config: .*routes\[3\]\.upstream: "ghost" is not a configured upstream/);
  assert.equal((await client.send(`${gw.url}/api/v2/user/1`, { headers: auth })).status, 200, 'old (valid) config still in force');
  assert.equal((await client.send(`${gw.url}/api/v3/x`, { headers: auth })).status, 404);
  assert.equal(gw.config().upstreams.user!.instances[0]!.origin, b.origin);

  await Promise.all(loops);
  assert.deepEqual(results.failed, [], 'no request failed during the reloads');
  assert.ok(results.ok > 200, `steady load really ran (${results.ok} requests)`);
  const metrics = (await client.send(`${gw.url}/metrics`)).text;
  assert.match(metrics, /gateway_config_reloads_total\{result="applied"\} 1\b/);
  assert.match(metrics, /gateway_config_reloads_total\{result="rejected"\} 1\b/);
});

test('a request in flight on a replaced upstream pool still completes (old pool drains, then closes)', async () => {
  const slow = await startStandIn('slow', (_q, res) => { setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"from":"old"}'); }, 600); });
  const fresh = await startStandIn('fresh');
  const { loadConfig, mergeRaw } = await import('../../gateway/config/load.js');
  const raw = (origin: string): Record<string, unknown> => mergeRaw({ listen: { host: '127.0.0.1', port: 0 } }, { upstreams: { user: { instances: origin } } });
  const g = await startTestGateway({ upstreams: { user: { instances: slow.origin } } });
  try {
    const inFlight = client.send(`${g.url}/api/user/1`, { headers: auth });
    await until('the slow upstream has the request', async () => slow.seen.length === 1);
    g.apply(loadConfig({ env: {}, overrides: raw(fresh.origin) }));
    const next = await client.send(`${g.url}/api/user/2`, { headers: auth });
    assert.equal(next.status, 200);
    assert.equal(fresh.seen.length, 1, 'new requests use the new pool at once');
    const old = await inFlight;
    assert.equal(old.status, 200);
    assert.deepEqual(old.json(), { from: 'old' });
  } finally {
    await g.close();
    await slow.close();
    await fresh.close();
  }
});
