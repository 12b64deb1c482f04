import { execa, type ResultPromise } from 'execa';
import type { Writable } from 'node:stream';
import { onExit } from 'signal-exit';
import { placed } from './taskset.js';

/**
 * The one launcher of gw-bench: every process it starts (gateways under test, baselines,
 * mock upstreams, implementations started by `conformance`, load-generator workers) is an
 * OwnedProcess, registered here until it is gone, so a forced exit never leaves one behind.
 */

/** Live owned processes: pid -> whether it leads its own process group. */
const live = new Map<number, boolean>();
let exitHookInstalled = false;

/**
 * Kill every owned process (its whole group when it has one) now, synchronously. Runs on
 * process exit too: execa's `cleanup` does not reach detached children, and a forced exit
 * (second Ctrl-C, an outside timeout) must not leave a gateway or upstream running.
 */
export function killAllOwned(): void {
  for (const [pid, group] of live) { try { process.kill(group ? -pid : pid, 'SIGKILL'); } catch { /* gone */ } }
  live.clear();
}

/** How many owned processes are registered (tests). */
export function ownedCount(): number { return live.size; }

export interface StopResult {
  /** Every process of the group had exited before the grace period ended. */
  exitedInTime: boolean;
  code: number | null;
  signal: string | null;
}

export interface LaunchOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** taskset -c list, or null for no placement. */
  cpus?: string | null;
  /** Output lines are appended here with a `[name]` prefix. */
  log?: Writable;
  /** Run `cmd` through the shell (a user-given command line); `args` must then be empty. */
  shell?: boolean;
  /** Open an IPC channel (a Node.js child that talks with process.send). */
  ipc?: boolean;
  /** Own process group (default): stopping it stops every worker it forks. */
  group?: boolean;
  /** 'capture' (default): keep a tail and feed line listeners; 'inherit': share our stdout/stderr. */
  output?: 'capture' | 'inherit';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait for `p` or `ms`, whichever comes first, without a timer that keeps the process alive. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/**
 * A child process the harness owns: placed with taskset when asked, in its own process group
 * by default (so stopping it also stops its workers: cluster, uvicorn, JVM), output kept as
 * a tail for error messages and appended to run.log, killed with the harness.
 */
export class OwnedProcess {
  readonly proc: ResultPromise;
  readonly pid: number;
  exitInfo: { code: number | null; signal: string | null } | null = null;
  private readonly group: boolean;
  private readonly done: Promise<unknown>;
  private readonly tail: string[] = [];
  private readonly lineListeners: Array<(line: string) => void> = [];
  private stopping: Promise<StopResult> | undefined;

  constructor(readonly name: string, cmd: string, args: readonly string[], opts: LaunchOptions = {}) {
    this.group = opts.group ?? true;
    const [c, a] = placed(opts.cpus, cmd, args);
    const inherit = opts.output === 'inherit';
    this.proc = execa(c, a, {
      cwd: opts.cwd, env: opts.env, extendEnv: true, shell: opts.shell ?? false,
      detached: this.group, cleanup: true, reject: false, buffer: false, forceKillAfterDelay: 5000,
      stdin: 'ignore', stdout: inherit ? 'inherit' : 'pipe', stderr: inherit ? 'inherit' : 'pipe',
      ...(opts.ipc ? { ipc: true, serialization: 'json' as const } : {}),
    });
    if (!this.proc.pid) throw new Error(`could not start ${name}: ${cmd}`);
    this.pid = this.proc.pid;
    live.set(this.pid, this.group);
    // signal-exit: also on a deadly signal nobody handles (SIGTERM from an outside
    // `timeout`/`kill`), where node's own 'exit' event never fires; it re-raises after.
    if (!exitHookInstalled) { exitHookInstalled = true; onExit(() => { killAllOwned(); }); }
    let partial = '';
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.addLine(line, opts.log);
    };
    this.proc.stdout?.on('data', onData);
    this.proc.stderr?.on('data', onData);
    this.done = this.proc.then((r) => {
      if (partial) this.addLine(partial, opts.log);
      this.exitInfo = { code: r.exitCode ?? null, signal: r.signal ?? null };
      if (!this.groupAlive()) live.delete(this.pid);
    });
  }

  private addLine(line: string, log: Writable | undefined): void {
    if (!line) return;
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    log?.write(`[${this.name}] ${line}\n`);
    for (const l of this.lineListeners) l(line);
  }

  get alive(): boolean { return this.exitInfo === null; }

  /** Last lines of output, for error messages. */
  lastLines(n = 8): string[] { return this.tail.slice(-n); }

  /** Call `fn` with every later output line. */
  onLine(fn: (line: string) => void): void { this.lineListeners.push(fn); }

  /** Resolve with the first output line matching `re` (or reject on exit/timeout). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      for (const l of this.tail) { const m = re.exec(l); if (m) return resolve(m); }
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${this.name} to print ${re}`)), timeoutMs);
      this.onLine((l) => { const m = re.exec(l); if (m) { clearTimeout(timer); resolve(m); } });
      void this.done.then(() => { clearTimeout(timer); reject(new Error(`${this.name} exited (${this.describeExit()}) before printing ${re}`)); });
    });
  }

  describeExit(): string {
    if (!this.exitInfo) return 'running';
    return this.exitInfo.signal ? `signal ${this.exitInfo.signal}` : `exit code ${this.exitInfo.code}`;
  }

  /** Send a signal to the process (its whole group when it has one). */
  kill(sig: NodeJS.Signals): void {
    try { process.kill(this.group ? -this.pid : this.pid, sig); } catch { /* gone */ }
  }

  private groupAlive(): boolean {
    if (!this.group) return this.exitInfo === null;
    try { process.kill(-this.pid, 0); return true; } catch { return false; }
  }

  /** Resolves once the process itself has exited. */
  exited(): Promise<unknown> { return this.done; }

  /** SIGTERM (the whole group), SIGKILL what is left after `graceMs`. Idempotent. */
  stop(graceMs = 8000): Promise<StopResult> {
    this.stopping ??= (async () => {
      const deadline = Date.now() + graceMs;
      if (this.alive || this.groupAlive()) this.kill('SIGTERM');
      await raceTimeout(this.done, graceMs);
      while (this.groupAlive() && Date.now() < deadline) await sleep(50);
      const exitedInTime = this.exitInfo !== null && !this.groupAlive();
      this.kill('SIGKILL'); // stragglers in the group (e.g. workers that ignored SIGTERM)
      await raceTimeout(this.done, 2000);
      live.delete(this.pid);
      return { exitedInTime, code: this.exitInfo?.code ?? null, signal: this.exitInfo?.signal ?? null };
    })();
    return this.stopping;
  }
}
