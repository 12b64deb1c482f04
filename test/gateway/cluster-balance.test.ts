import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { AcceptBalancer } from '../../gateway/cluster-balance.js';
import { sleep } from './helpers.js';
import { alive, killQuietly, spawnGateway, type GatewayProcess } from './process.js';

test('balancer: pauses a worker above ratio x mean + slack, resumes it at the mean', () => {
  const b = new AcceptBalancer(1.2, 10);
  for (const id of [1, 2, 3]) b.add(id);
  // mean 13.3, high 1.2 x 13.3 + 10 = 26: worker 1 at 40 stops accepting.
  assert.deepEqual(b.report(1, 40), [{ worker: 1, accept: false }]);
  assert.deepEqual(b.report(2, 20), [], 'mean 20: worker 1 (40) stays paused, worker 2 accepts');
  assert.deepEqual(b.report(3, 30), [], 'mean 30, high 46: nothing changes (hysteresis: 40 is above the mean)');
  assert.deepEqual(b.report(1, 30), [], 'mean 26.7: still above the mean');
  assert.deepEqual(b.report(1, 25), [{ worker: 1, accept: true }], 'mean 25: back at the mean, accepts again');
  assert.deepEqual(b.snapshot().map((w) => w.accepting), [true, true, true]);
});

test('balancer: the slack keeps small counts still; one worker, or a worker leaving, resumes the rest', () => {
  const b = new AcceptBalancer(1.2, 32);
  b.add(1); b.add(2);
  assert.deepEqual(b.report(1, 30), [], '30 connections on one worker is within the slack');
  assert.deepEqual(b.report(1, 200), [{ worker: 1, accept: false }], 'mean 100, high 152');
  assert.deepEqual(b.remove(2), [{ worker: 1, accept: true }], 'a lone worker always accepts');
  assert.deepEqual(b.report(9, 5), [], 'a worker it does not know is ignored');
});

// ---- over loopback: a real two-worker gateway ----

interface Held { socket: Socket; pid: Promise<number> }

/** One keep-alive connection that asks /healthz which worker holds it, then stays open. */
function hold(port: number): Held {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const pid = new Promise<number>((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /"pid":(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    socket.once('close', () => reject(new Error('connection closed before /healthz answered')));
  });
  pid.catch(() => {});
  socket.write('GET /healthz HTTP/1.1\r\nhost: gw\r\n\r\n');
  return { socket, pid };
}

let gw: GatewayProcess | undefined;
let stopped = 0;
const held: Held[] = [];
after(() => {
  if (stopped && alive(stopped)) process.kill(stopped, 'SIGCONT');
  for (const h of held) h.socket.destroy();
  killQuietly(gw);
});

const CONNECTIONS = 300;

/**
 * Worker 1 is frozen (SIGSTOP) while 300 connections arrive, so the kernel can hand them
 * only to worker 2: the most uneven spread there is. Then worker 1 runs again, and we ask
 * every connection which process holds it.
 */
async function spreadWithOneWorkerFrozen(env: Record<string, string>): Promise<{ counts: Map<number, number>; pids: Map<number, number>; metrics: string }> {
  gw = await spawnGateway({ GW_WORKERS: '2', ...env });
  const pids = new Map([...gw.stderr.matchAll(/worker (\d+) pid (\d+) listening/g)].map((m) => [Number(m[1]), Number(m[2])]));
  assert.equal(pids.size, 2, gw.stderr);
  const port = Number(new URL(gw.url).port);
  stopped = pids.get(1)!;
  process.kill(stopped, 'SIGSTOP');
  const batch: Held[] = [];
  try {
    // 10 every 20 ms: a worker reports its count within 50 ms of a new connection.
    for (let i = 0; i < CONNECTIONS; i += 10) {
      for (let j = 0; j < 10; j++) batch.push(hold(port));
      await sleep(20);
    }
    await sleep(300);
  } finally {
    process.kill(stopped, 'SIGCONT');
  }
  held.push(...batch);
  const answered = await Promise.race([
    Promise.all(batch.map((h) => h.pid)),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not every connection was answered within 15 s')), 15_000).unref()),
  ]);
  const counts = new Map<number, number>();
  for (const pid of answered) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  const agent = new Agent({ connections: 1 });
  const metrics = await (await request(`${gw.url}/metrics`, { dispatcher: agent })).body.text();
  await agent.close();
  return { counts, pids, metrics };
}

async function shutDown(): Promise<void> {
  for (const h of held.splice(0)) h.socket.destroy();
  gw!.child.kill('SIGTERM');
  assert.equal(await gw!.exited, 0);
  stopped = 0;
}

test('without balancing, the worker that is running takes every connection (the spread the kernel gives)', async () => {
  const { counts, pids } = await spreadWithOneWorkerFrozen({ GW_CLUSTER_BALANCE: 'off' });
  assert.ok((counts.get(pids.get(2)!) ?? 0) >= CONNECTIONS * 0.95, `worker 2 holds ${counts.get(pids.get(2)!)} of ${CONNECTIONS}`);
  await shutDown();
});

test('with balancing (the default), a worker past 1.2x the mean stops accepting and the queue waits for the other', async (t) => {
  const { counts, pids, metrics } = await spreadWithOneWorkerFrozen({});
  const w1 = counts.get(pids.get(1)!) ?? 0;
  const w2 = counts.get(pids.get(2)!) ?? 0;
  t.diagnostic(`worker 1 (frozen while they arrived) holds ${w1}, worker 2 holds ${w2}`);
  assert.equal(w1 + w2, CONNECTIONS);
  assert.ok(w2 <= CONNECTIONS * 0.75, `worker 2 holds ${w2} of ${CONNECTIONS}; worker 1 ${w1}`);
  assert.ok(w1 >= CONNECTIONS * 0.25, `worker 1 holds ${w1} of ${CONNECTIONS}`);
  // The per-worker gauge says the same (the scrape's own connection is one more somewhere).
  const gauge = (id: number): number => Number(new RegExp(`^gateway_downstream_connections\\{worker="${id}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  assert.ok(gauge(1) - w1 === 0 || gauge(1) - w1 === 1, `gauge worker 1 ${gauge(1)} vs ${w1}\n${metrics}`);
  assert.ok(gauge(2) - w2 === 0 || gauge(2) - w2 === 1, `gauge worker 2 ${gauge(2)} vs ${w2}`);
  assert.equal(gauge(1) + gauge(2), CONNECTIONS + 1);
  await shutDown();
});
