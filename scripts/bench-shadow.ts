/**
 * `npm run bench:shadow`: what traffic mirroring costs the reference gateway.
 *
 * Runs the same small scenario (feed, user and interact requests at a fixed open-model
 * rate, measured from the intended send time) once per mirrored share (default 0%, 10%,
 * 100%), each against a fresh gateway whose GW_SHADOW_UPSTREAM points at a stand-in
 * shadow upstream; 0% runs with mirroring off. Writes one result.json per share, a
 * `gw-bench compare` report of them, and shadow-cost.md with p99 and the gateway's CPU
 * per request side by side.
 *
 *   npm run bench:shadow -- [--shares 0,10,100] [--rate 300] [--duration 10s] [--warmup 3s] [--connections 20] [--out DIR]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PACKAGE_ROOT } from '../core/version.js';
import { parseCount, parseDuration, parseRate } from '../core/units.js';
import { runScenario } from '../harness/run.js';
import { UPSTREAM_SRC, runBench, start, stopAll } from './lib/procs.js';
import { benchArgs, machineNote, markdownTable, usage } from './lib/feature-bench.js';

const SCRIPT = 'bench-shadow';
const args = benchArgs(SCRIPT, { shares: '0,10,100', rate: '300/s', duration: '10s', warmup: '3s', connections: '20', out: '' });

function parsed<T>(flag: string, value: string, parse: (v: string, f: string) => T): T {
  try { return parse(value, `--${flag}`); } catch (err) { return usage(SCRIPT, flag, value, (err as Error).message.replace(/^[^:]*: "[^"]*" /, '')); }
}

/** Floor of the generator's lag bound for these stages (see the scenario below). */
const LAG_FLOOR_MS = 25;

async function countOf(url: string): Promise<number> {
  return Number(await (await fetch(`${url}/__count`)).text());
}

async function main(): Promise<void> {
  const shares = args.shares.split(',').map((s) => s.trim().replace(/%$/, ''));
  for (const s of shares) if (!/^\d+(\.\d+)?$/.test(s) || Number(s) > 100) usage(SCRIPT, 'shares', args.shares, 'is not a list of percentages 0..100 like 0,10,100');
  const rate = parsed('rate', args.rate, parseRate);
  const durationMs = parsed('duration', args.duration, parseDuration);
  const warmupMs = parsed('warmup', args.warmup, parseDuration);
  const connections = parsed('connections', args.connections, parseCount);
  const out = args.out || join(PACKAGE_ROOT, 'reports', `shadow-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });

  const scenarioFile = join(out, 'scenario.yaml');
  writeFileSync(scenarioFile, stringify({
    version: 1, name: 'shadow-cost', description: 'Mirroring cost: feed, user and interact at a fixed rate',
    target: { impl: 'reference', workers: 1 },
    upstreams: [
      { name: 'user-status', latency: { model: 'constant', value: '1ms' }, bodySize: '256B' },
      { name: 'barrage', latency: { model: 'constant', value: '1ms' }, bodySize: '1KB' },
      { name: 'user', latency: { model: 'constant', value: '1ms' }, bodySize: '512B' },
      { name: 'interact', latency: { model: 'constant', value: '1ms' }, bodySize: '128B' },
    ],
    auth: { alg: 'HS256', tokens: 100 },
    requests: [
      { name: 'feed', weight: 40, path: '/api/feed?uid=${uid}&room_id=${room_id}' },
      { name: 'user', weight: 40, path: '/api/user/${uid}' },
      { name: 'interact', weight: 20, method: 'POST', path: '/api/interact', bodySize: '256B', headers: { 'content-type': 'application/json' } },
    ],
    load: { arrival: 'poisson', seed: 7, workers: 1, warmup: `${warmupMs}ms`, duration: `${durationMs}ms`, stages: [{ connections, rate: `${rate}/s` }] },
    // The 2-core VMs this is measured on stall a lone generator worker 4-11 ms a few times a
    // second (docs/troubleshooting.md), so the default 10 ms floor voids stages whose p99 is
    // ~11 ms. 25 ms, as smoke.yaml; the table shows each stage's bound.
    generator: { maxSendLagP99: `${LAG_FLOOR_MS}ms` },
  }));

  // The shadow: a stand-in answering 200 at once, in its own process.
  const shadow = await start('shadow upstream', ['--input-type=module', '-e', UPSTREAM_SRC]);
  const cli = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
  const rows: string[][] = [];
  const files: string[] = [];
  const labels: string[] = [];
  const reasons: string[] = [];
  for (const share of shares) {
    const label = `shadow-${share}%`;
    const env: Record<string, string> = Number(share) > 0 ? { GW_SHADOW_UPSTREAM: shadow.url, GW_SHADOW_SHARE: `${share}%` } : {};
    const seen0 = await countOf(shadow.url);
    process.stdout.write(`${SCRIPT}: ${label}: ${rate}/s for ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up...\n`);
    const { result, dir } = await runScenario({
      scenarioFile, out: join(out, label), quiet: true, report: false,
      target: { impl: 'reference', command: { cmd: process.execPath, args: [cli, 'gateway'], env } },
    });
    const mirrored = (await countOf(shadow.url)) - seen0;
    files.push(join(dir, 'result.json'));
    labels.push(label);
    const st = result.stages.find((s) => s.status === 'ok' || s.status === 'invalid') ?? result.stages[0];
    if (!st || !st.startedAt) { rows.push([label, result.status, '-', '-', '-', '-', '-', '-', String(mirrored)]); continue; }
    // The run's own figure: the target's process tree from /proc, inside the window (docs/metrics.md).
    const perReq = st.cpu.perRequestUs !== null ? st.cpu.perRequestUs.toFixed(0) : `n/a (${st.cpu.reason ?? 'not measured'})`;
    const bound = st.generator.lagBoundMs !== null ? st.generator.lagBoundMs.toFixed(1) : 'n/a';
    // An invalid stage (the generator fell behind) is not a result: its numbers go in brackets.
    const v = (x: string): string => (st.status === 'ok' ? x : `[${x}]`);
    rows.push([label, st.status === 'ok' ? 'valid' : `${st.status}*`, v(st.latencyMs.p50.toFixed(2)), v(st.latencyMs.p99.toFixed(2)), v(st.achievedRps.toFixed(0)), v(`${(st.errorRate * 100).toFixed(2)}%`), v(perReq), bound, String(mirrored)]);
    if (st.status !== 'ok') reasons.push(`${label}: ${st.reasons.join('; ')}`);
  }
  await stopAll();

  const cmp = spawnSync(process.execPath, [cli, 'compare', ...files, '--labels', labels.join(','), '--out', join(out, 'compare'), '--title', 'Shadow traffic cost'], { encoding: 'utf8' });
  const table = markdownTable(['mirrored share', 'stage', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'gateway CPU µs/req', 'generator adds at most (ms)', 'requests the shadow got (whole run)'], rows);
  const note = `${rate}/s open-model (Poisson) for ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up, ${connections} connections, 1 gateway process; Node ${process.version}; ${machineNote(availableParallelism())}.`;
  const md = `# Shadow traffic cost\n\n${note}\n\n${table}\n\n${reasons.length ? `\\* invalid: not a result, numbers in brackets. ${reasons.join(' | ')}\n\n` : ''}Latency from the intended send time (client side). CPU: user+system of the gateway process tree over the measured window, per request in the window (stages[].cpu, 10 ms clock ticks). Generator lag floor ${LAG_FLOOR_MS} ms (not 10): see docs/troubleshooting.md; "generator adds at most" is each stage's bound. The shadow upstream is a stand-in answering 200 at once; mirroring is fire and forget, bounded by shadow.maxInFlight.\n\nComparison report: compare/report.html\n`;
  writeFileSync(join(out, 'shadow-cost.md'), md);
  process.stdout.write(`\n${md}\n${cmp.status === 0 ? cmp.stdout : `compare failed: ${cmp.stderr}`}`);
}

runBench(SCRIPT, main);
