import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GwBenchError } from '../core/errors.js';
import { OwnedProcess } from '../core/processes/owned.js';
import { hasTaskset } from '../core/processes/taskset.js';
import { BUSY_LOOP_ENV, type FromWorker, type ToWorker } from './messages.js';

/**
 * The coordinator's side of one worker process: starting it through the owned-process
 * launcher (through taskset when a CPU list is given), sending orders, and waiting for
 * typed replies. A worker that exits while something waits on it fails that wait with
 * GW_ERR_WORKER.
 */

export { hasTaskset };

/** The worker entry next to this file: compiled JS, or the TS source when running under tsx. */
function workerEntry(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  // GWB_WORKER_NODE_ARGS: extra node flags for workers (e.g. "--cpu-prof"), for profiling only
  const extra = (process.env.GWB_WORKER_NODE_ARGS ?? '').split(' ').filter((x) => x !== '');
  // --expose-gc: a worker collects the garbage of a connect ramp before the stage starts (see worker.ts).
  // --max-semi-space-size=4: V8 otherwise grows the young generation to 16 MB semi-spaces during a
  // connect ramp and keeps them resident: 4.6 KB RSS per held connection instead of 2.6-2.9 KB
  // (14k connections, one worker); at saturation it costs ~0.2% more CPU in scavenges of
  // 0.3-0.5 ms each (loadgen/README.md "Memory per connection").
  return { file: fileURLToPath(new URL(ts ? './worker.ts' : './worker.js', import.meta.url)), execArgv: ['--expose-gc', '--max-semi-space-size=4', ...extra, ...(ts ? ['--import', 'tsx'] : [])] };
}

type Waiter = { type: FromWorker['type']; resolve: (m: FromWorker) => void; reject: (e: Error) => void };

export class WorkerHandle {
  readonly child: ChildProcess;
  private readonly owned: OwnedProcess;
  private waiters: Waiter[] = [];
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly exitPromise: Promise<void>;
  onProgress: ((m: Extract<FromWorker, { type: 'progress' }>) => void) | null = null;
  /** The CPU list the process was started under, or null when not pinned (none asked, or no taskset). */
  readonly pinnedTo: string | null;

  constructor(readonly index: number, cpuList?: string, extraEnv?: Record<string, string>) {
    const { file, execArgv } = workerEntry();
    this.pinnedTo = cpuList !== undefined && cpuList !== '' && hasTaskset() ? cpuList : null;
    // The debug knob is only ever set through extraEnv: an inherited value is blanked.
    const env = { [BUSY_LOOP_ENV]: '', ...extraEnv };
    // Same process group as the coordinator (a terminal's Ctrl-C reaches the workers, which
    // ignore it and wait for the coordinator's orders); output shared with ours.
    this.owned = new OwnedProcess(`generator worker ${index}`, process.execPath, [...execArgv, file], { cpus: this.pinnedTo, ipc: true, group: false, output: 'inherit', env });
    this.child = this.owned.proc;
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        const err = new GwBenchError('GW_ERR_WORKER', `load-generator worker ${index} (pid ${this.child.pid}) exited (code ${code}, signal ${signal})`);
        for (const w of this.waiters.splice(0)) w.reject(err);
        resolve();
      });
    });
    this.child.on('error', (e) => {
      const err = new GwBenchError('GW_ERR_WORKER', `load-generator worker ${index} could not be started: ${e.message}`, { cause: e });
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
    this.child.on('message', (m: FromWorker) => this.dispatch(m));
  }

  get alive(): boolean { return this.exited === null; }

  private dispatch(m: FromWorker): void {
    if (m.type === 'progress') { this.onProgress?.(m); return; }
    if (m.type === 'failed') {
      const err = new GwBenchError('GW_ERR_WORKER', `load-generator worker ${this.index} failed: ${m.message}`);
      for (const w of this.waiters.splice(0)) w.reject(err);
      return;
    }
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
  }

  /** The next message of a type. */
  waitFor<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.exited !== null) {
      return Promise.reject(new GwBenchError('GW_ERR_WORKER', `load-generator worker ${this.index} is not running (exit code ${this.exited.code}, signal ${this.exited.signal})`));
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ type, resolve: resolve as (m: FromWorker) => void, reject });
    });
  }

  send(m: ToWorker): void {
    if (this.exited === null && this.child.connected) this.child.send(m);
  }

  /** Ask the worker to exit; kill it if it has not after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited !== null) return;
    this.send({ type: 'exit' });
    const timer = setTimeout(() => this.owned.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
