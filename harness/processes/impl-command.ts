import type { StopResult } from '../../core/processes/owned.js';
import { OwnedProcess } from '../../core/processes/owned.js';
import { waitHealthy } from './gateway.js';

/** An implementation started from a user's shell command (`conformance --impl-command`). */
export interface ImplProcess {
  readonly pid: number;
  readonly url: string;
  /** True once its output printed `listening on http://HOST:PORT` for the address it was given. */
  announced(): boolean;
  /** Last lines of stdout+stderr, for failure messages. */
  outputTail(lines?: number): string;
  /** SIGTERM the whole group; SIGKILL what is left after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<StopResult>;
}

export type { StopResult };

/**
 * Start `command` through the shell with `env` added, as an owned process in its own group
 * (so the whole tree, run.sh, JVM, workers, can be signalled and is killed with us);
 * resolve once GET /healthz answers 200.
 */
export async function startImpl(command: string, opts: { env: Record<string, string>; host: string; port: number; cwd?: string; readyTimeoutMs?: number }): Promise<ImplProcess> {
  const url = `http://${opts.host}:${opts.port}`;
  const proc = new OwnedProcess('impl', command, [], { shell: true, cwd: opts.cwd, env: opts.env });
  let announced = false;
  proc.onLine((l) => { if (l.includes(`listening on ${url}`)) announced = true; });
  const tail = (n = 15) => proc.lastLines(n).join('\n');
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  try {
    await waitHealthy(url, timeoutMs, () => proc.alive, () => proc.lastLines(15), {
      crashed: () => `implementation exited (code ${proc.exitInfo?.code ?? proc.exitInfo?.signal}) before answering GET ${url}/healthz: ${command}`,
      timedOut: () => `implementation did not answer GET ${url}/healthz with 200 within ${timeoutMs} ms: ${command}`,
    });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  // The announcement may trail the first successful health check by a moment.
  for (let i = 0; i < 20 && !announced; i++) await new Promise((r) => setTimeout(r, 50));
  return { pid: proc.pid, url, announced: () => announced, outputTail: tail, stop: (graceMs = 10_000) => proc.stop(graceMs) };
}
