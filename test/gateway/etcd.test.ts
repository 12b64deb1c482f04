import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EtcdClient } from '../../gateway/config/etcd-client.js';
import type { GatewayHandle } from '../../gateway/server.js';
import { goodClaims, hsToken, sleep, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';
import { ETCD_AVAILABLE, TestEtcd } from './etcd-server.js';
import { killQuietly, spawnGateway } from './process.js';
import { Agent, request } from 'undici';

const PREFIX = '/gwb-test/gateway/';
const auth = { authorization: `Bearer ${hsToken(goodClaims())}` };
let etcd: TestEtcd;
let kv: EtcdClient;
let a: StandIn;
let b: StandIn;
const client = testClient(32);
const logs: string[] = [];

// In CI (.ci/run installs etcd-server) a missing etcd fails the tests instead of skipping them.
const skip = ETCD_AVAILABLE || process.env.CI ? false : 'etcd not installed (apt-get install -y etcd-server; .ci/run does)';

before(async () => {
  if (skip) return;
  etcd = await TestEtcd.start();
  kv = new EtcdClient(etcd.url);
  a = await startStandIn('a');
  b = await startStandIn('b');
});
after(async () => {
  await client.agent.close();
  if (skip) return;
  await kv.close();
  await etcd.stop();
  await a.close();
  await b.close();
});

/** A gateway whose upstreams come from a YAML file (etcd layers go over the file, under CLI overrides). */
async function gateway(): Promise<GatewayHandle> {
  await kv.deletePrefix(PREFIX);
  const file = join(mkdtempSync(join(tmpdir(), 'gwb-etcd-gw-')), 'gateway.yaml');
  writeFileSync(file, stringify({ upstreams: upstreamsFor({ user: a.origin }) }));
  return startTestGateway({ etcd: { endpoints: [etcd.url], prefix: PREFIX, maxBackoff: '200ms' } }, { file, log: (l) => logs.push(l) });
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; log: ${logs.slice(-5).join(' | ')}`);
    await sleep(5);
  }
}

/** Steady bounded load: `n` loops of GET /api/user/x until stopped (30 s cap); counts every non-200. */
function steadyLoad(gw: GatewayHandle, n = 4): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const deadline = Date.now() + 30_000;
  const loops = Array.from({ length: n }, async (_, i) => {
    while (running && Date.now() < deadline) {
      try {
        const r = await client.send(`${gw.url}/api/user/${i}`, { headers: auth });
        if (r.status === 200) ok++; else failed.push(`${r.status} ${r.text.slice(0, 80)}`);
      } catch (err) { failed.push((err as Error).message); }
    }
  });
  return { stop: async () => { running = false; await Promise.all(loops); return { ok, failed }; } };
}

test('etcd: each valid revision is swapped in; a bad revision (YAML or value) keeps the last good config', { skip }, async () => {
  const gw = await gateway();
  try {
    assert.equal(gw.config().breaker.failures, 5);
    const r1 = await kv.put(`${PREFIX}breaker`, 'failures: 7\ncooldown: 3s');
    await until(() => gw.configRevision() === r1, 5000, 'revision 1');
    assert.equal(gw.config().breaker.failures, 7);
    await kv.put(`${PREFIX}breaker`, 'failures: [oops');
    await kv.put(`${PREFIX}breaker`, 'failures: 0');
    const r4 = await kv.put(`${PREFIX}deadlines`, '{"fanout": "120ms"}');
    // r4 is judged with the breaker key still at "failures: 0": rejected too.
    await sleep(300);
    assert.equal(gw.configRevision(), r1);
    assert.equal(gw.config().breaker.failures, 7);
    assert.ok(logs.some((l) => /rejected.*invalid YAML/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /rejected.*breaker\.failures: 0 is not .*must be >= 1/.test(l)), logs.join('\n'));
    const r5 = await kv.put(`${PREFIX}breaker`, 'failures: 9');
    await until(() => gw.configRevision() === r5, 5000, 'revision 5');
    assert.ok(r5 > r4);
    assert.equal(gw.config().breaker.failures, 9);
    assert.equal(gw.config().fanoutDeadlineMs, 120);
  } finally { await gw.close(); }
});

test('etcd: 100 revisions under steady load (upstream swapped each time), zero failed requests', { skip }, async () => {
  const gw = await gateway();
  const load = steadyLoad(gw);
  let last = 0;
  try {
    for (let i = 0; i < 100; i++) {
      const target = i % 2 === 0 ? b.origin : a.origin;
      last = await kv.put(`${PREFIX}upstreams`, `user: { instances: "${target}", connections: ${8 + (i % 5)} }`);
      await until(() => gw.configRevision() === last, 5000, `revision ${last}`);
      await sleep(20);
    }
  } finally {
    const { ok, failed } = await load.stop();
    await gw.close();
    assert.deepEqual(failed, []);
    assert.ok(ok > 100, `${ok} requests completed under load`);
  }
  assert.equal(gw.configRevision(), last);
  assert.ok(a.seen.length > 0 && b.seen.length > 0, 'both upstreams served in turn');
});

test('etcd killed and restarted mid-run: zero failed requests, the running config stays, the next revision is applied', { skip }, async () => {
  const gw = await gateway();
  const load = steadyLoad(gw);
  try {
    const r1 = await kv.put(`${PREFIX}breaker`, 'failures: 6');
    await until(() => gw.configRevision() === r1, 5000, 'revision before the outage');
    await etcd.kill();
    await until(() => logs.some((l) => /etcd .* unavailable/.test(l)), 5000, 'the outage to be noticed');
    await sleep(500);
    assert.equal(gw.config().breaker.failures, 6, 'last good config kept while etcd is down');
    await etcd.resume();
    const r2 = await kv.put(`${PREFIX}breaker`, 'failures: 8');
    await until(() => gw.configRevision() === r2, 10_000, 'revision after the restart');
    assert.equal(gw.config().breaker.failures, 8);
    assert.ok(logs.some((l) => /etcd .* reachable again/.test(l)));
  } finally {
    const { ok, failed } = await load.stop();
    await gw.close();
    assert.deepEqual(failed, []);
    assert.ok(ok > 50, `${ok} requests completed`);
  }
});

test('etcd with 2 workers: the primary watches, every worker applies the revision', { skip }, async () => {
  await kv.deletePrefix(PREFIX);
  // rr: fresh connections alternate between the workers, so both are asked.
  const proc = await spawnGateway({ GW_WORKERS: '2', GW_CLUSTER_SCHEDULING: 'rr', GW_ETCD_ENDPOINTS: etcd.url, GW_ETCD_PREFIX: PREFIX, GW_UPSTREAM_USER: a.origin });
  const agent = new Agent({ pipelining: 0 });
  try {
    const get = async (path: string): Promise<{ status: number; pid: number | null }> => {
      const r = await request(`${proc.url}${path}`, { dispatcher: agent });
      const text = await r.body.text();
      return { status: r.statusCode, pid: r.statusCode === 200 ? (JSON.parse(text) as { pid: number }).pid : null };
    };
    assert.equal((await get('/healthz-etcd')).status, 404);
    await kv.put(`${PREFIX}routes`, [
      '- { method: GET, path: /healthz, type: health }',
      '- { method: GET, path: /healthz-etcd, type: health }',
      '- { method: GET, path: /api/user/:uid, type: proxy, upstream: user }',
    ].join('\n'));
    for (let i = 0; i < 200 && (proc.stderr.match(/\] gateway: config reloaded/g) ?? []).length < 2; i++) await sleep(25);
    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const r = await get('/healthz-etcd');
      assert.equal(r.status, 200, 'every worker serves the route from etcd');
      pids.add(r.pid!);
    }
    assert.equal(pids.size, 2, 'both workers answered');
  } finally {
    await agent.close();
    killQuietly(proc);
  }
});

test('etcd unreachable at start: the gateway serves the file/env config after a bounded wait and keeps retrying', async () => {
  const { refusedOrigin } = await import('./helpers.js');
  const lines: string[] = [];
  const t0 = Date.now();
  const gw = await startTestGateway({ etcd: { endpoints: [await refusedOrigin()], maxBackoff: '50ms' }, breaker: { failures: 4 } }, { log: (l) => lines.push(l) });
  try {
    assert.ok(Date.now() - t0 < 6000, 'startup waits at most a few seconds for etcd');
    assert.equal(gw.config().breaker.failures, 4);
    assert.equal(gw.configRevision(), null);
    assert.equal((await client.send(`${gw.url}/healthz`)).status, 200);
    assert.equal(lines.filter((l) => /etcd .* unavailable/.test(l)).length, 1, 'one log line per outage, not per retry');
  } finally { await gw.close(); }
});
