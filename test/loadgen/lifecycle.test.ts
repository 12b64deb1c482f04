import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LoadGenerator } from '../../loadgen/index.js';
import { hasTaskset } from '../../loadgen/worker-handle.js';
import { countingServer, testPlan, type CountingServer } from './helpers.js';

/** Worker processes: placement, abort, a dying worker, a dying parent, idempotent close. */

let server: CountingServer;
before(async () => { server = await countingServer(); });
after(async () => { await server?.close(); });

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (cond()) return true; await new Promise((r) => setTimeout(r, 50)); }
  return cond();
}

test('cpuList pins the worker processes (taskset), close() is idempotent and leaves no process', { skip: !hasTaskset() && 'taskset not installed' }, async () => {
  const gen = await LoadGenerator.start({ workers: 2, cpuList: '0' });
  const pids = gen.pids;
  assert.equal(gen.cpuList, '0');
  for (const pid of pids) {
    const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    assert.equal(allowed, '0', `worker ${pid}`);
  }
  await Promise.all([gen.close(), gen.close()]);
  await gen.close();
  for (const pid of pids) assert.equal(alive(pid), false);
  await assert.rejects(gen.runStage(testPlan(server.port)), { code: 'GW_ERR_INTERNAL' });
});

test('abort: the stage stops early with GW_ERR_INTERRUPTED and the generator can run the next stage', async () => {
  const gen = await LoadGenerator.start({ workers: 1 });
  assert.equal(gen.cpuList, null);
  try {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 700);
    await assert.rejects(gen.runStage(testPlan(server.port, { rate: 100, durationMs: 10_000 }), { signal: ac.signal }), { code: 'GW_ERR_INTERRUPTED' });
    assert.ok(Date.now() - t0 < 5000, `abort took ${Date.now() - t0} ms`);
    const m = await gen.runStage(testPlan(server.port, { rate: 100, durationMs: 500 }));
    assert.equal(m.requests, 50);
  } finally {
    await gen.close();
  }
});

test('a worker that dies mid-stage fails the stage with GW_ERR_WORKER (not a hang)', async () => {
  const gen = await LoadGenerator.start({ workers: 2 });
  try {
    const stage = gen.runStage(testPlan(server.port, { rate: 100, durationMs: 10_000 }));
    setTimeout(() => process.kill(gen.pids[1]!, 'SIGKILL'), 700);
    await assert.rejects(stage, (e: { code: string; message: string }) => {
      assert.equal(e.code, 'GW_ERR_WORKER');
      assert.match(e.message, /worker 1 .* exited \(code null, signal SIGKILL\)/);
      return true;
    });
  } finally {
    await gen.close();
  }
});

test('workers exit when their parent dies (IPC disconnect): no orphans', async () => {
  const genModule = fileURLToPath(new URL('../../loadgen/index.js', import.meta.url));
  const src = `import(${JSON.stringify(genModule)}).then(async ({ LoadGenerator }) => {
    const gen = await LoadGenerator.start({ workers: 2 });
    console.log(JSON.stringify(gen.pids));
    setInterval(() => {}, 1000);
  });`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => { out += d; const l = out.split('\n')[0]; if (out.includes('\n')) resolve(JSON.parse(l!)); });
      parent.once('exit', () => reject(new Error('parent exited early')));
    });
    assert.equal(pids.length, 2);
    assert.ok(pids.every(alive));
    parent.kill('SIGKILL');
    assert.equal(await until(() => !pids.some(alive), 5000), true, `workers still alive: ${pids.filter(alive)}`);
  } finally {
    if (parent.exitCode === null) parent.kill('SIGKILL');
  }
});

test('SIGINT (Ctrl-C reaches the process group) does not kill workers: the coordinator decides', async () => {
  const gen = await LoadGenerator.start({ workers: 1 });
  try {
    process.kill(gen.pids[0]!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alive(gen.pids[0]!), true);
    const m = await gen.runStage(testPlan(server.port, { rate: 100, durationMs: 300 }));
    assert.equal(m.requests, 30);
  } finally {
    await gen.close();
  }
});
