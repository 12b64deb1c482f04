import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

/** A `gw-bench gateway` child process started by a test. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
}

/** Spawn `gw-bench gateway` with `env` and wait for its `listening on` line (contract §1). */
export async function spawnGateway(env: Record<string, string>, args: string[] = [], timeoutMs = 20_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'gateway', ...args], {
    env: { PATH: process.env.PATH ?? '', GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { child, url: '', stdout: '', stderr: '' } as GatewayProcess & { url: string };
  (proc as { exited: Promise<number | string> }).exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  child.stderr!.on('data', (d: Buffer) => { proc.stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not print "listening on" within ${timeoutMs} ms; stderr: ${proc.stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      proc.stdout += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(proc.stdout);
      if (m && !proc.url) { proc.url = m[1]!; clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`gateway exited (${code}) before listening; stderr: ${proc.stderr}`)); });
  });
  return proc;
}

/** Kill a test's gateway process if it is still running (cleanup in after()). */
export function killQuietly(p: GatewayProcess | undefined): void {
  if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/** Is a pid still alive? */
export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}
