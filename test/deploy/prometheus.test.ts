import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { ensureOsPackage } from '../support/os-package.js';
import { freePort } from '../../core/processes/free-port.js';
import { exited, gw, waitForLine, writeScenario } from '../distributed/cli-helpers.js';

// A real Prometheus (the OS package) on loopback scrapes a short `gw-bench run
// --metrics-port` and, at the same time, one `gw-bench agent --metrics-port` of a two-agent
// plan; the achieved rate and p99 are read back through its HTTP API by the `agent` label
// each process puts on its own series (`local` for the run, the index for the agent): the
// scrape config shape of deploy/prometheus/prometheus.yml, against the live metric names.

async function query(base: string, expr: string): Promise<number | null> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await res.json() as { status: string; data: { result: { value: [number, string] }[] } };
  assert.equal(body.status, 'success', `query ${expr}`);
  const v = body.data.result[0]?.value[1];
  return v === undefined ? null : Number(v);
}

function stop(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) { resolve(); return; }
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 5000).unref();
  });
}

test('Prometheus scrapes a run and an agent; its HTTP API returns achieved rate and p99 by agent label', { timeout: 180_000 }, async () => {
  const prometheus = ensureOsPackage('prometheus', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'gwb-prom-'));
  const [promPort, metricsPort, agentPort, targetPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s }',
    'scrape_configs:',
    '  - job_name: gw-bench',
    `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}", "127.0.0.1:${agentPort}"] }]`,
  ].join('\n'));
  const target = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'test', 'support', 'delay-target.js'), '127.0.0.1', String(targetPort), '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const prom = spawn(prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
  let agent: ChildProcess | null = null;
  const run = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'run', 'scenarios/smoke.yaml', '--quick',
    // What is tested is the scrape; whether the generator kept up on a busy box is not (run.test.ts is).
    '--allow-invalid', '--metrics-port', String(metricsPort), '--out', join(dir, 'run')], { cwd: PACKAGE_ROOT, stdio: 'ignore' });
  try {
    await waitForLine(target, /ready/);
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    assert.equal(code, 0, 'the scraped run itself succeeds');
    // The agent runs after the run, not beside it: two generators at once on a 2-core machine make both fall behind.
    const sc = writeScenario(dir, [{ name: 'steady', connections: 4, rate: 100 }]);
    const plan = gw('plan', sc, '--agents', '2', '--out', join(dir, 'plan'), '--target', `http://127.0.0.1:${targetPort}`, '--start-in', '2s');
    assert.equal(plan.status, 0, plan.stderr);
    agent = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'agent', '--plan', join(dir, 'plan', 'agent-1.json'), '--out', join(dir, 'out', '1'),
      '--metrics-port', String(agentPort), '--quiet'], { cwd: PACKAGE_ROOT, stdio: 'ignore' });
    const agentCode = await exited(agent);
    assert.ok(agentCode === 0 || agentCode === 3, `the scraped agent ran its stage (exit ${agentCode})`);
    const base = `http://127.0.0.1:${promPort}`;
    const up = await query(base, 'min(max_over_time(up{job="gw-bench"}[10m]))');
    assert.equal(up, 1, 'Prometheus scraped both the run and the agent at least once');
    const achieved = await query(base, 'max(max_over_time(gwbench_achieved_rps{agent="local"}[10m]))');
    const p99 = await query(base, 'max(max_over_time(gwbench_latency_p99_ms{agent="local"}[10m]))');
    assert.ok(achieved !== null && achieved > 50, `achieved rate through Prometheus: ${achieved}`);
    assert.ok(p99 !== null && p99 > 0 && p99 < 5000, `p99 through Prometheus: ${p99}`);
    const agentAchieved = await query(base, 'max(max_over_time(gwbench_achieved_rps{agent="1",stage="steady"}[10m]))');
    const agentP99 = await query(base, 'max(max_over_time(gwbench_latency_p99_ms{agent="1"}[10m]))');
    assert.ok(agentAchieved !== null && agentAchieved > 10, `agent 1's achieved rate through Prometheus: ${agentAchieved}`);
    assert.ok(agentP99 !== null && agentP99 >= 2, `agent 1's p99 (target answers after 2 ms): ${agentP99}`);
  } finally {
    if (agent) await stop(agent);
    await stop(target);
    await stop(run);
    await stop(prom);
    rmSync(dir, { recursive: true, force: true });
  }
});
