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

// A forced exit (second Ctrl-C, an outside timeout) calls process.exit without teardown.
// Owned children run detached (own process group) so execa's cleanup does not reach them;
// the exit hook must.
test('owned child process groups are killed when the harness exits without teardown', async () => {
  const child = join(PACKAGE_ROOT, 'dist', 'harness', 'targets', 'child.js');
  const script = `import(${JSON.stringify(child)}).then((m) => {
    const p = new m.OwnedProcess('sleeper', 'sh', ['-c', 'sleep 30 & sleep 30'], { cpus: null });
    console.log(p.pid);
    setTimeout(() => process.exit(130), 300);
  });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 130, r.stderr);
  const pid = Number(r.stdout.trim());
  assert.ok(pid > 0);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(running(pid), false, 'the owned process is gone');
  const others = spawnSync('pgrep', ['-g', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number).filter(running);
  assert.deepEqual(others, [], 'nothing of its process group is left (the backgrounded sleep too)');
});
