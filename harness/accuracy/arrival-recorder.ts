import { fileURLToPath } from 'node:url';
import { OwnedProcess } from '../../core/processes/owned.js';

/** A running arrival server (arrival-server.ts) in a child process. */
export interface ArrivalRecorder {
  port: number;
  pid: number;
  /** Arrival times (ms, monotonic) since the last take, connections accepted since start, and the server's event-loop delay p99 over that time. */
  take(): Promise<{ times: number[]; connections: number; eventLoopP99Ms: number; eventLoopMaxMs: number }>;
  close(): Promise<void>;
}

/** Start the arrival server, pinned to `cpus` with taskset when given. */
export async function startArrivalRecorder(cpus: string | null): Promise<ArrivalRecorder> {
  return startChildServer('./arrival-server.js', cpus);
}

/** Start fast-target.ts (canned 200s, no HTTP parsing) the same way; `take` is not meaningful for it. */
export async function startFastTarget(cpus: string | null): Promise<Pick<ArrivalRecorder, 'port' | 'pid' | 'close'>> {
  return startChildServer('./fast-target.js', cpus);
}

async function startChildServer(file: string, cpus: string | null): Promise<ArrivalRecorder> {
  const entry = fileURLToPath(new URL(file, import.meta.url));
  const owned = new OwnedProcess(file, process.execPath, [entry], { cpus, ipc: true, group: false, output: 'inherit' });
  const child = owned.proc;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 10 s`)), 10_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited (${code}) before it was ready`)); });
    child.on('message', (m: { type: string; port?: number }) => { if (m.type === 'ready') { clearTimeout(timer); resolve(m.port!); } });
  }).catch((e: Error) => { owned.kill('SIGKILL'); throw e; });
  return {
    port,
    pid: child.pid!,
    take: () => new Promise((resolve) => {
      const on = (m: { type: string; times?: number[]; connections?: number; eventLoopP99Ms?: number; eventLoopMaxMs?: number }): void => {
        if (m.type !== 'arrivals') return;
        child.off('message', on);
        resolve({ times: m.times!, connections: m.connections!, eventLoopP99Ms: m.eventLoopP99Ms!, eventLoopMaxMs: m.eventLoopMaxMs! });
      };
      child.on('message', on);
      child.send({ type: 'take' });
    }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.disconnect();
      const timer = setTimeout(() => owned.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
