import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ReadyInfo } from '../../upstream/process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('gw-bench upstream (child process)', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-upcli-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('prints one ready JSON line (and the ready file), serves, and exits 0 on SIGTERM', async () => {
    const readyFile = join(dir, 'ready.json');
    const child = spawn(process.execPath, ['bin/gw-bench.js', 'upstream', '--ports', 'ephemeral', '--ready-file', readyFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout! });
        rl.once('line', resolve);
        child.once('exit', () => reject(new Error('exited before ready')));
        setTimeout(() => reject(new Error('no ready line in 20 s')), 20_000).unref();
      });
      const ready = JSON.parse(line) as ReadyInfo;
      assert.equal(ready.ready, true);
      assert.equal(ready.pid, child.pid);
      assert.deepEqual(Object.keys(ready.services), ['user-status', 'barrage', 'user', 'interact']);
      assert.equal(ready.services.interact!.ports.length, 2);
      assert.ok(ready.adminPort > 0 && ready.adminPort !== 19000);
      assert.equal((await readFile(readyFile, 'utf8')).trim(), line);
      const res = await fetch(`${ready.services.user!.urls[0]}/api/user/1`);
      assert.equal(((await res.json()) as { instance: string }).instance, 'user-0');
      const stats = await (await fetch(`${ready.adminUrl}/__admin/stats`)).json() as { services: Record<string, { instances: { requests: number }[] }> };
      assert.equal(stats.services.user!.instances[0]!.requests, 1);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a bad config file: exit 2, every problem on its own line', async () => {
    const cfg = join(dir, 'bad.yaml');
    await writeFile(cfg, 'services:\n  user:\n    latency: { model: lognormal, p50: 10, p99: 5 }\n    errorRate: 1.2\n');
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/gw-bench.js', 'upstream', '--config', cfg], { cwd: ROOT, timeout: 20_000 }, (err, _o, stderr) => resolve({ code: typeof err?.code === 'number' ? err.code : 0, stderr }));
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, [
      `gw-bench: ${cfg} is invalid (2 problems) [GW_ERR_CONFIG_INVALID]`,
      '  services.user.latency.p99 (line 3): 5 is not >= p50 (10)',
      '  services.user.errorRate (line 4): 1.2 is not a percentage like 0.1% (or a fraction 0..1) (must be <= 1)',
      '',
    ].join('\n'));
  });
});
