import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { TargetError } from '../../core/errors.js';

/** An implementation started by the suite (--impl-command), in its own process group. */
export interface ImplProcess {
  readonly pid: number;
  readonly url: string;
  /** True once stdout printed `listening on http://HOST:PORT` for the address it was given. */
  announced(): boolean;
  /** Last lines of stdout+stderr, for failure messages. */
  outputTail(lines?: number): string;
  /** SIGTERM the whole group; SIGKILL what is left after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<StopResult>;
}

export interface StopResult {
  /** Every process of the group had exited before the grace period ended. */
  exitedInTime: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A port free on host right now (the OS picks it; a tiny race with other processes is accepted). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(0, host, () => resolve()); });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Wait for `p` or `ms`, whichever comes first, without leaving a timer that keeps the process alive. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

function groupAlive(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

/**
 * Start `command` through the shell with `env` added, in a new process group so the
 * whole tree (run.sh, JVM, workers) can be signalled; resolve once GET /healthz answers 200.
 */
export async function startImpl(command: string, opts: { env: Record<string, string>; host: string; port: number; cwd?: string; readyTimeoutMs?: number }): Promise<ImplProcess> {
  const url = `http://${opts.host}:${opts.port}`;
  const child: ChildProcess = spawn(command, {
    shell: true,
    detached: true,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new TargetError('GW_ERR_TARGET_CRASHED', `could not start implementation: ${command}`);
  let out = '';
  let announced = false;
  const announce = `listening on ${url}`;
  const onData = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-64 * 1024);
    if (!announced && out.includes(announce)) announced = true;
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exit = { code, signal }; resolve(); }));

  // A Ctrl-C or crash of the suite must not leave the implementation running.
  const killNow = () => { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } };
  const onSignal = (sig: NodeJS.Signals) => { killNow(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.once('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unhook = () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  const tail = (n = 15) => out.trimEnd().split('\n').slice(-n).join('\n');
  let stopped: Promise<StopResult> | undefined;
  const impl: ImplProcess = {
    pid,
    url,
    announced: () => announced,
    outputTail: tail,
    stop(graceMs = 10_000) {
      stopped ??= (async () => {
        try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
        const deadline = Date.now() + graceMs;
        await raceTimeout(exited, graceMs);
        while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const exitedInTime = !groupAlive(pid) && exit !== undefined;
        killNow();
        await raceTimeout(exited, 2000);
        unhook();
        return { exitedInTime, code: exit?.code ?? null, signal: exit?.signal ?? null };
      })();
      return stopped;
    },
  };

  const readyBy = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!(await healthy(url))) {
    if (exit) {
      await impl.stop();
      throw new TargetError('GW_ERR_TARGET_CRASHED', `implementation exited (code ${exit.code ?? exit.signal}) before answering GET ${url}/healthz: ${command}`, tail().split('\n'));
    }
    if (Date.now() > readyBy) {
      await impl.stop();
      throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `implementation did not answer GET ${url}/healthz with 200 within ${opts.readyTimeoutMs ?? 60_000} ms: ${command}`, tail().split('\n'));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The announcement may trail the first successful health check by a moment.
  for (let i = 0; i < 20 && !announced; i++) await new Promise((r) => setTimeout(r, 50));
  return impl;
}
