import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { readFileSync } from 'node:fs';
import { isAlive } from '../../harness/procfs.js';

/** Alive and not a zombie (this sandbox's init may reap orphans late). */
const running = (pid: number): boolean => {
  if (!isAlive(pid)) return false;
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
};

/** Run `script` (an ES module body) in a child node that prints pids, one per line, then exits 130 without teardown. */
function exitWithoutTeardown(script: string): number[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 130, r.stderr);
  const pids = r.stdout.trim().split('\n').map(Number);
  assert.ok(pids.length > 0 && pids.every((p) => p > 0), r.stdout);
  return pids;
}

/** Nothing of the process or its group is left (a backgrounded child included). */
async function assertGone(pid: number): Promise<void> {
  for (let i = 0; i < 20 && running(pid); i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(running(pid), false, `process ${pid} is gone`);
  const others = spawnSync('pgrep', ['-g', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number).filter(running);
  assert.deepEqual(others, [], `nothing of process group ${pid} is left`);
}

const dist = (...p: string[]) => JSON.stringify(join(PACKAGE_ROOT, 'dist', ...p));

// A forced exit (second Ctrl-C, an outside timeout) calls process.exit without teardown.
// Owned children run detached (own process group) so execa's cleanup does not reach them;
// the exit hook (killAllOwned) must.
test('owned child process groups are killed when the harness exits without teardown', async () => {
  const [pid] = exitWithoutTeardown(`
    const m = await import(${dist('core', 'processes', 'owned.js')});
    const p = new m.OwnedProcess('sleeper', 'sh', ['-c', 'sleep 30 & sleep 30'], { cpus: null });
    console.log(p.pid);
    setTimeout(() => process.exit(130), 300);`);
  await assertGone(pid!);
});

test('a gateway and upstreams started by conformance (--impl-command) are owned: killed when the suite exits without teardown', async () => {
  const pids = exitWithoutTeardown(`
    const { openTarget } = await import(${dist('harness', 'conformance', 'target.js')});
    const { CONTRACT_DEFAULTS } = await import(${dist('harness', 'conformance', 'settings.js')});
    const gateway = 'node ' + ${dist('harness', 'processes', 'entries', 'gateway.js')};
    const t = await openTarget({ implCommand: gateway }, { ...CONTRACT_DEFAULTS });
    const res = await fetch(t.baseUrl.origin + '/healthz');
    if (res.status !== 200) throw new Error('gateway not healthy: ' + res.status);
    console.log(t.pids.join('\\n'));
    process.exit(130);`);
  assert.equal(pids.length, 2, 'the upstreams and the gateway');
  for (const pid of pids) await assertGone(pid);
});

test('owned child process groups are killed when the harness dies of a signal nobody handles (an outside kill or timeout)', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const m = await import(${dist('core', 'processes', 'owned.js')});
    const p = new m.OwnedProcess('sleeper', 'sh', ['-c', 'sleep 30 & sleep 30'], { cpus: null });
    console.log(p.pid);
    setInterval(() => {}, 1000);`], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('exited before printing the pid')));
  });
  assert.ok(running(pid));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
  child.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM', 'the harness still dies of the signal (re-raised after the cleanup)');
  await assertGone(pid);
});
