import type { WriteStream } from 'node:fs';
import { execa } from 'execa';
import { TargetError, UsageError } from '../../core/errors.js';
import { loopbackUrl } from '../../core/loopback.js';
import { isAlive } from '../procfs.js';
import type { Scenario, TargetCommandSpec } from '../../core/scenario/types.js';
import { OwnedProcess } from '../../core/processes/owned.js';
import { freePort } from '../../core/processes/free-port.js';
import { RUN_IDLE_TIMEOUT_MS, type RunningTarget } from './gateway.js';
import { startUpstreams, type RunningUpstreams } from './upstreams.js';

/**
 * A team's own gateway started from the scenario's `target.command`: built once with
 * `target.build`, then started through the shell in its own process group (OwnedProcess,
 * like every baseline) with the contract's environment, and ready when `target.readyUrl`
 * answers 2xx, `target.readyPattern` matches an output line, or (default) anything
 * answers HTTP on `/`. Only this file knows about target.command, so the launcher can be
 * swapped without touching run.ts.
 */

/** `${port}` in the command, env values and build is replaced by the port gw-bench chose. */
const withPort = (s: string, port: number): string => s.replaceAll('${port}', String(port));

/** Environment of the command: the contract's (port, upstreams, JWT) plus the scenario's own. */
export function commandEnv(spec: TargetCommandSpec, contractEnv: Record<string, string>, port: number, workers: number): Record<string, string> {
  const own = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, withPort(v, port)]));
  return {
    ...contractEnv,
    GW_LISTEN_HOST: '127.0.0.1',
    GW_LISTEN_PORT: String(port),
    PORT: String(port), // the convention most HTTP servers already read
    GW_WORKERS: String(workers),
    GW_IDLE_TIMEOUT_MS: String(RUN_IDLE_TIMEOUT_MS),
    ...own,
  };
}

/** Run `target.build` in `cwd` (a shell command); GW_ERR_BUILD_FAILED with its last lines on failure. */
export async function buildCommandTarget(spec: TargetCommandSpec, cwd: string, log?: WriteStream, signal?: AbortSignal): Promise<void> {
  if (!spec.build) return;
  const r = await execa(spec.build, { shell: true, cwd, env: spec.env, reject: false, all: true, timeout: 15 * 60_000, cancelSignal: signal });
  log?.write(`[build] ${spec.build} (in ${cwd})\n${r.all ?? ''}\n`);
  if (r.exitCode !== 0) throw new TargetError('GW_ERR_BUILD_FAILED', `target.build failed (exit ${r.exitCode ?? r.signal}): ${spec.build} in ${cwd}`, String(r.all ?? '').trim().split('\n').slice(-10));
}

type Watched = { alive: boolean; describeExit(): string; lastLines(): string[] };

/** Poll `url` until `ok(status)`; fail with the process's last lines when it exits or time runs out. */
async function pollReady(url: string, ok: (status: number) => boolean, proc: Watched, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!proc.alive) throw new TargetError('GW_ERR_TARGET_CRASHED', `target exited (${proc.describeExit()}) before it was ready`, proc.lastLines());
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (ok(res.status)) return;
      last = `status ${res.status}`;
    } catch (e) { last = (e as Error).cause ? String(((e as Error).cause as Error).message) : (e as Error).message; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `target not ready: ${url} gave ${last} for ${timeoutMs} ms`, proc.lastLines());
}

/**
 * An already-running plain HTTP target (external url, contract: none): it need not have
 * /healthz, so any HTTP answer on its URL means it is up. Not started or stopped by us.
 */
export async function plainExternalTarget(url: string, pid: number | null, metricsUrl: string | null): Promise<RunningTarget> {
  const u = loopbackUrl(url, '--url');
  if (pid !== null && !isAlive(pid)) throw new UsageError(`--pid: no process ${pid} is running`);
  const up = () => pid === null || isAlive(pid);
  const describeExit = () => (up() ? 'running' : `pid ${pid} is gone`);
  await pollReady(u.href, () => true, { get alive() { return up(); }, describeExit, lastLines: () => [] }, 10_000);
  return { impl: 'external', url: u.origin, pid, metricsUrl, command: '(external)', workers: null, process: null, alive: up, describeExit, lastLines: () => [], stop: async () => undefined };
}

/**
 * Everything a run needs for `target.command`: mock upstreams when the target implements
 * the contract (contract: none gets none, and no contract check), target.build unless the
 * caller built it, then the gateway itself. Upstreams are stopped again if the start fails.
 */
export async function startOwnTarget(o: {
  scenario: Scenario; spec: TargetCommandSpec; jwtEnv: Record<string, string>; dir: string; placement: { gateway: string | null; upstreams: string | null };
  workers: number; log?: WriteStream; note: (msg: string) => void; cwd?: string; skipBuild?: boolean; signal?: AbortSignal;
}): Promise<{ target: RunningTarget; upstreams: RunningUpstreams | null }> {
  const s = o.scenario;
  const upstreams = s.target.contract === 'gw-bench' ? await startUpstreams({ specs: s.upstreams, seed: s.load.seed, cpus: o.placement.upstreams, log: o.log }) : null;
  try {
    if (o.spec.build && !o.skipBuild) { o.note(`building: ${o.spec.build}`); await buildCommandTarget(o.spec, o.cwd ?? o.spec.cwd, o.log, o.signal); }
    const target = await startCommandTarget({ spec: o.spec, contractEnv: { ...upstreams?.env, ...o.jwtEnv }, workers: o.workers, cpus: o.placement.gateway, log: o.log, cwd: o.cwd });
    return { target, upstreams };
  } catch (e) {
    await upstreams?.process.stop().catch(() => undefined);
    throw e;
  }
}

/** Start the gateway of `target.command` and wait until it is ready. `cwd` overrides spec.cwd (the gate's base worktree). */
export async function startCommandTarget(opts: {
  spec: TargetCommandSpec; contractEnv: Record<string, string>; workers: number; cpus: string | null; log?: WriteStream; cwd?: string;
}): Promise<RunningTarget> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cwd = opts.cwd ?? opts.spec.cwd;
  const command = withPort(opts.spec.command, port);
  const proc = new OwnedProcess('target', '/bin/sh', ['-c', command], { cwd, env: commandEnv(opts.spec, opts.contractEnv, port, opts.workers), cpus: opts.cpus, log: opts.log });
  const { readyUrl, readyPattern, readyTimeoutMs } = opts.spec;
  try {
    if (readyPattern !== null) {
      await proc.waitForLine(new RegExp(readyPattern), readyTimeoutMs).catch((e: Error) => {
        throw new TargetError(proc.alive ? 'GW_ERR_TARGET_UNREACHABLE' : 'GW_ERR_TARGET_CRASHED', `target.command not ready: ${e.message}`, proc.lastLines());
      });
    } else if (readyUrl !== null) {
      await pollReady(readyUrl.startsWith('/') ? url + withPort(readyUrl, port) : withPort(readyUrl, port), (s) => s >= 200 && s < 300, proc, readyTimeoutMs);
    } else {
      await pollReady(`${url}/`, () => true, proc, readyTimeoutMs);
    }
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    impl: 'command', url, pid: proc.pid, metricsUrl: null, command: `${command} (in ${cwd})`, workers: opts.workers, process: proc,
    alive: () => proc.alive, describeExit: () => proc.describeExit(), lastLines: () => proc.lastLines(), stop: async () => { await proc.stop(); },
  };
}
