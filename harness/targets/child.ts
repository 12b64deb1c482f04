import { execa, type ResultPromise } from 'execa';
import type { WriteStream } from 'node:fs';
import { placed } from '../placement.js';

/** Process groups of every live OwnedProcess, for the last-resort kill on exit. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Kill every owned process group now (synchronous). Runs on process exit too: execa's
 * `cleanup` does not reach detached children, and a forced exit (second Ctrl-C, an
 * outside timeout) must not leave a gateway or upstream running.
 */
export function killAllOwned(): void {
  for (const pgid of liveGroups) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } }
  liveGroups.clear();
}

/**
 * A child process the harness owns (gateway, upstreams): started in its own process group
 * so stopping it also stops its workers (cluster, uvicorn, JVM), output appended to
 * run.log with a prefix, and never left behind (execa `cleanup` kills it if we exit).
 */
export class OwnedProcess {
  readonly name: string;
  readonly proc: ResultPromise;
  readonly pid: number;
  private exited = false;
  exitInfo: { code: number | null; signal: string | null } | null = null;
  private readonly tail: string[] = [];
  private readonly lineListeners: Array<(line: string) => void> = [];

  constructor(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; cpus: string | null; log?: WriteStream }) {
    this.name = name;
    const [c, a] = placed(opts.cpus, cmd, args);
    this.proc = execa(c, a, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: true,
      detached: true, // own process group: kill(-pid) reaches every worker it forks
      cleanup: true,
      reject: false,
      stdin: 'ignore',
      buffer: false,
      forceKillAfterDelay: 5000,
    });
    if (!this.proc.pid) throw new Error(`could not start ${name}: ${cmd}`);
    this.pid = this.proc.pid;
    liveGroups.add(this.pid);
    if (!exitHookInstalled) { exitHookInstalled = true; process.on('exit', killAllOwned); }
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        opts.log?.write(`[${name}] ${line}\n`);
        for (const l of this.lineListeners) l(line);
      }
    };
    this.proc.stdout?.on('data', onData);
    this.proc.stderr?.on('data', onData);
    void this.proc.then((r) => {
      this.exited = true;
      liveGroups.delete(this.pid);
      this.exitInfo = { code: r.exitCode ?? null, signal: r.signal ?? null };
    });
  }

  get alive(): boolean { return !this.exited; }

  /** Last lines of output, for error messages. */
  lastLines(n = 8): string[] { return this.tail.slice(-n); }

  /** Call `fn` with every later output line (reliability tests count log lines such as reloads). */
  onLine(fn: (line: string) => void): void { this.lineListeners.push(fn); }

  /** Resolve with the first output line matching `re` (or reject on exit/timeout). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      for (const l of this.tail) { const m = re.exec(l); if (m) return resolve(m); }
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${this.name} to print ${re}`)), timeoutMs);
      this.lineListeners.push((l) => { const m = re.exec(l); if (m) { clearTimeout(timer); resolve(m); } });
      void this.proc.then(() => { clearTimeout(timer); reject(new Error(`${this.name} exited (${this.describeExit()}) before printing ${re}`)); });
    });
  }

  describeExit(): string {
    if (!this.exitInfo) return 'running';
    return this.exitInfo.signal ? `signal ${this.exitInfo.signal}` : `exit code ${this.exitInfo.code}`;
  }

  /** SIGTERM the whole group, SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs = 8000): Promise<void> {
    const group = (sig: NodeJS.Signals) => { try { process.kill(-this.pid, sig); } catch { /* gone */ } };
    if (this.exited) { group('SIGKILL'); return; }
    group('SIGTERM');
    const timer = setTimeout(() => group('SIGKILL'), graceMs);
    await this.proc.catch(() => undefined);
    clearTimeout(timer);
    group('SIGKILL'); // stragglers in the group (e.g. workers that ignored SIGTERM)
  }
}
