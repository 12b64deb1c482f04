/**
 * Process helpers shared by the bench scripts: spawn a server and wait for its
 * `listening on URL` line, charge CPU to a process tree from /proc, stop everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** The stand-in upstream: every path answers 200 with a small JSON body, keep-alive 65 s; GET /__count = requests so far. */
export const UPSTREAM_SRC = `
import http from 'node:http';
const body = Buffer.from(JSON.stringify({ service: 'standin', pad: 'x'.repeat(200) }));
let count = 0;
const s = http.createServer((req, res) => {
  if (req.url === '/__count') { res.end(String(count)); return; }
  count++;
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
});
s.keepAliveTimeout = 65000;
s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

const children: ChildProcess[] = [];

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** pid plus all its descendants (cluster workers), from /proc. */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited meanwhile */ }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parentOf) if (ppid === out[i]) out.push(pid);
  return out;
}

/** CPU milliseconds (user + system) used so far by a process tree. */
export function cpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0).split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch { /* exited meanwhile */ }
  }
  return (ticks * 1000) / USER_HZ;
}

/** Spawn a process (on `cpus` via taskset when given) and wait for its `listening on URL` line. */
export function start(name: string, args: string[], env: Record<string, string> = {}, cpus: string | null = null): Promise<{ url: string; pid: number }> {
  const [cmd, argv] = cpus === null ? [process.execPath, args] : ['taskset', ['-c', cpus, process.execPath, ...args]];
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s: ${stderr}`)), 30_000);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1]!, pid: child.pid! }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}): ${stderr}`)); });
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) { resolve(); return; }
    const kill = setTimeout(() => c.kill('SIGKILL'), 8000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  })));
}


/**
 * Run a bench script's main: every process it started is stopped on Ctrl-C, SIGTERM or an
 * error, and an error is one line (exit 5).
 */
export function runBench(script: string, main: () => Promise<void>): void {
  const onSignal = (): void => { void stopAll().then(() => process.exit(130)); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main().catch(async (err: unknown) => {
    process.stderr.write(`${script}: ${(err as Error).message}\n`);
    await stopAll();
    process.exitCode = 5;
  });
}
