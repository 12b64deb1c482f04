import { after, test } from 'node:test';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { goodClaims, hsToken, sleep, startStandIn, type StandIn } from './helpers.js';
import { alive, killQuietly, spawnGateway, type GatewayProcess } from './process.js';

let user: StandIn | undefined;
let gw: GatewayProcess | undefined;
let workerPids: number[] = [];

after(async () => {
  killQuietly(gw);
  for (const pid of workerPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await user?.close();
});

test('workers: 2 — serves, aggregates /metrics across workers, SIGTERM leaves no process behind', async () => {
  user = await startStandIn('user');
  gw = await spawnGateway({ GW_WORKERS: '2', GW_UPSTREAM_USER: user.origin });
  workerPids = [...gw.stderr.matchAll(/worker \d+ pid (\d+) listening/g)].map((m) => Number(m[1]));
  assert.equal(workerPids.length, 2, gw.stderr);
  assert.ok(workerPids.every(alive));

  // A fresh connection per request so the kernel can hand them to either worker.
  const agent = new Agent({ pipelining: 0 });
  const pids = new Set<number>();
  try {
    for (let i = 0; i < 20; i++) {
      const h = await request(`${gw.url}/healthz`, { dispatcher: agent });
      pids.add((await h.body.json() as { pid: number }).pid);
      const u: Awaited<ReturnType<typeof request>> = await request(`${gw.url}/api/user/${i}`, { dispatcher: agent, headers: { authorization: `Bearer ${hsToken(goodClaims())}` } });
      assert.equal(u.statusCode, 200);
      await u.body.dump();
    }
    for (const pid of pids) assert.ok(workerPids.includes(pid), `/healthz answered by worker ${pid}`);

    const text = await (await request(`${gw.url}/metrics`, { dispatcher: agent })).body.text();
    assert.match(text, /^gateway_workers_reporting 2$/m, 'both workers included');
    assert.match(text, /^gateway_upstream_rq_total\{upstream="user"\} 20$/m, 'upstream requests summed over workers');
    assert.match(text, /^gateway_downstream_rq_total (\d+)$/m);
    assert.ok(Number(/^gateway_downstream_rq_total (\d+)$/m.exec(text)![1]) >= 40);
    assert.match(text, /^nodejs_heap_size_used_bytes \d+/m);
    // Per-worker connection counts; none of the default metrics that walk every socket per scrape.
    assert.match(text, /^gateway_downstream_connections\{worker="1"\} \d+$/m);
    assert.match(text, /^gateway_downstream_connections\{worker="2"\} \d+$/m);
    assert.doesNotMatch(text, /^(process_open_fds|nodejs_active_handles|nodejs_active_resources)/m);
  } finally {
    await agent.close();
  }
  assert.equal(user.seen.length, 20);

  gw.child.kill('SIGTERM');
  assert.equal(await gw.exited, 0);
  for (let i = 0; i < 20 && workerPids.some(alive); i++) await sleep(100);
  assert.deepEqual(workerPids.filter(alive), [], 'no orphan worker');
});

test('workers die with the primary even when it is SIGKILLed', async () => {
  const p = await spawnGateway({ GW_WORKERS: '2' });
  const pids = [...p.stderr.matchAll(/worker \d+ pid (\d+) listening/g)].map((m) => Number(m[1]));
  workerPids.push(...pids);
  assert.equal(pids.length, 2);
  p.child.kill('SIGKILL');
  await p.exited;
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
  assert.deepEqual(pids.filter(alive), [], 'workers exit when the IPC channel to the primary closes');
});

test('cluster: one breaker per service across workers, and every worker hot-reloads', async () => {
  const failing = await startStandIn('failing', (_q, res) => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{}'); });
  const dir = mkdtempSync(join(tmpdir(), 'gwb-cluster-'));
  const file = join(dir, 'gateway.yaml');
  const yaml = (extra: string): string => [
    // rr: fresh connections alternate between the two workers, so per-process
    // breakers would need 3 failures on each (6) before both open.
    'cluster: { scheduling: rr }',
    `upstreams: { user: { instances: "${failing.origin}" } }`,
    'breaker: { failures: 3, cooldown: 60s }',
    'routes:',
    '  - { method: GET, path: /healthz, type: health }',
    '  - { method: GET, path: /api/user/:uid, type: proxy, upstream: user }',
    extra,
  ].join('\n');
  writeFileSync(file, yaml(''));
  const p = await spawnGateway({ GW_WORKERS: '2' }, ['--config', file]);
  const pids = [...p.stderr.matchAll(/worker \d+ pid (\d+) listening/g)].map((m) => Number(m[1]));
  workerPids.push(...pids);
  const agent = new Agent({ pipelining: 0 });
  try {
    const auth = { authorization: `Bearer ${hsToken(goodClaims())}` };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await request(`${p.url}/api/user/${i}`, { dispatcher: agent, headers: auth });
      statuses.push(r.statusCode);
      await r.body.dump();
      // No pause: the answer to the failure that opens the breaker waits until every worker knows.
    }
    assert.deepEqual(statuses, [500, 500, 500, 503, 503, 503, 503, 503, 503, 503]);
    assert.equal(failing.seen.length, 3, 'the 3rd failure opened the breaker in both workers');

    const whose = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const h = await request(`${p.url}/healthz`, { dispatcher: agent });
      whose.add((await h.body.json() as { pid: number }).pid);
    }
    assert.equal(whose.size, 2, 'both workers served requests');

    const tmp = `${file}.tmp`;
    writeFileSync(tmp, yaml('  - { method: GET, path: /healthz2, type: health }'));
    renameSync(tmp, file);
    for (let i = 0; i < 100 && (p.stderr.match(/\] gateway: config reloaded/g) ?? []).length < 2; i++) await sleep(50);
    assert.equal((p.stderr.match(/\] gateway: config reloaded/g) ?? []).length, 2, p.stderr);
    for (let i = 0; i < 4; i++) {
      const h = await request(`${p.url}/healthz2`, { dispatcher: agent });
      assert.equal(h.statusCode, 200, 'new route served by every worker');
      await h.body.dump();
    }
  } finally {
    await agent.close();
    await failing.close();
  }
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
});
