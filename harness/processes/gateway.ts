import type { WriteStream } from 'node:fs';
import { execa } from 'execa';
import { GwBenchError, TargetError } from '../../core/errors.js';
import { loopbackUrl } from '../../core/loopback.js';
import { isAlive } from '../procfs.js';
import { freePort } from '../../core/processes/free-port.js';
import { OwnedProcess } from '../../core/processes/owned.js';
import type { ImplInfo } from './impls.js';

export interface RunningTarget {
  impl: string;
  url: string;
  pid: number | null;
  metricsUrl: string | null;
  command: string;
  workers: number | null;
  process: OwnedProcess | null;
  alive(): boolean;
  describeExit(): string;
  lastLines(): string[];
  stop(): Promise<void>;
}

/** Idle keep-alive timeout given to every implementation under test: longer than any run. */
export const RUN_IDLE_TIMEOUT_MS = 30 * 60_000;

/** What waitHealthy says when the target exits first or never becomes healthy. */
export interface HealthMessages { crashed(): string; timedOut(last: string): string }

/** Wait until GET /healthz answers 200, or fail with the target's last output lines. */
export async function waitHealthy(url: string, timeoutMs: number, isUp: () => boolean, lastLines: () => string[], say?: HealthMessages): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isUp()) throw new TargetError('GW_ERR_TARGET_CRASHED', say?.crashed() ?? 'target exited before it was healthy', lastLines());
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (e) { last = (e as Error).message; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new TargetError('GW_ERR_TARGET_UNREACHABLE', say?.timedOut(last) ?? `target ${url}/healthz not healthy after ${timeoutMs} ms (${last})`, lastLines());
}

/** Build a baseline if its build script says it needs to (build scripts are idempotent). */
export async function buildImpl(impl: ImplInfo, log?: WriteStream): Promise<void> {
  if (!impl.build) return;
  const r = await execa(impl.build, [], { cwd: impl.dir ?? undefined, reject: false, all: true, timeout: 15 * 60_000 });
  log?.write(`[build ${impl.name}] ${r.all ?? ''}\n`);
  if (r.exitCode !== 0) {
    throw new TargetError('GW_ERR_BUILD_FAILED', `building ${impl.name} failed (${impl.build} exit ${r.exitCode})`, (r.all ?? '').split('\n').slice(-10));
  }
}

/**
 * Start a gateway implementation with the contract environment and wait for health.
 * `command` overrides how it is started (the gate starts a base revision's gateway this way).
 */
export async function startGateway(opts: {
  impl: ImplInfo;
  env: Record<string, string>;
  workers: number;
  cpus: string | null;
  log?: WriteStream;
  debugDelayMs?: number;
  command?: { cmd: string; args: string[]; cwd?: string; env?: Record<string, string> };
  healthTimeoutMs?: number;
  /** How long a stopping target may take before SIGKILL (Clinic Doctor renders its report on exit). */
  stopGraceMs?: number;
}): Promise<RunningTarget> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...opts.env,
    GW_LISTEN_HOST: '127.0.0.1',
    GW_LISTEN_PORT: String(port),
    GW_WORKERS: String(opts.workers),
    // Benchmark connections are mostly idle: at 500 req/s over 100k connections each one
    // waits ~200 s between requests. The contract's 120 s default would have servers close
    // them mid-run and the generator reconnect, wrecking reuse. Same value for every impl.
    GW_IDLE_TIMEOUT_MS: String(RUN_IDLE_TIMEOUT_MS),
    ...(opts.debugDelayMs ? { GW_DEBUG_DELAY_MS: String(opts.debugDelayMs) } : {}),
    ...(opts.command?.env ?? {}),
  };
  const cmd = opts.command?.cmd ?? opts.impl.run.cmd;
  const args = opts.command?.args ?? opts.impl.run.args;
  const proc = new OwnedProcess(opts.impl.name, cmd, args, { cwd: opts.command?.cwd ?? opts.impl.dir ?? undefined, env, cpus: opts.cpus, log: opts.log });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, opts.healthTimeoutMs ?? 120_000, () => proc.alive, () => proc.lastLines());
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    impl: opts.impl.name, url, pid: proc.pid, metricsUrl: `${url}/metrics`,
    command: [cmd, ...args].join(' '), workers: opts.workers, process: proc,
    alive: () => proc.alive, describeExit: () => proc.describeExit(), lastLines: () => proc.lastLines(), stop: async () => { await proc.stop(opts.stopGraceMs); },
  };
}

/** An external target: not started or stopped by us; its pid (optional) is used for RSS. */
export async function externalTarget(url: string, pid: number | null, metricsUrl: string | null): Promise<RunningTarget> {
  const u = loopbackUrl(url, '--url');
  if (pid !== null && !isAlive(pid)) throw new GwBenchError('GW_ERR_USAGE', `--pid: no process ${pid} is running`);
  const base = u.origin;
  await waitHealthy(base, 10_000, () => pid === null || isAlive(pid), () => []);
  return {
    impl: 'external', url: base, pid, metricsUrl, command: '(external)', workers: null, process: null,
    alive: () => pid === null || isAlive(pid), describeExit: () => (pid !== null && !isAlive(pid) ? `pid ${pid} is gone` : 'running'),
    lastLines: () => [], stop: async () => undefined,
  };
}
