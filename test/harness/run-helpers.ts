import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { isAlive, processTree } from '../../harness/procfs.js';

/** A `gw-bench run` child process whose every descendant is tracked, to prove none is left behind. */
export class RunProcess {
  readonly child: ChildProcess;
  readonly seen = new Set<number>();
  stdout = '';
  stderr = '';
  private poll: NodeJS.Timeout;
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'run', ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => { this.stdout += d; });
    this.child.stderr!.on('data', (d) => { this.stderr += d; });
    this.poll = setInterval(() => { void this.track(); }, 200);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => { clearInterval(this.poll); resolve(code); }));
  }

  private async track(): Promise<void> {
    if (!this.child.pid) return;
    for (const p of await processTree(this.child.pid).catch(() => [])) if (p !== this.child.pid) this.seen.add(p);
  }

  /** Descendants seen during the run that are still alive. */
  survivors(): number[] {
    return [...this.seen].filter((p) => isAlive(p) && !isZombie(p));
  }
}

function isZombie(pid: number): boolean {
  try { return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

/** Wait until `fn` is true, polling; false on timeout. */
export async function until(fn: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (fn()) return true; await new Promise((r) => setTimeout(r, 100)); }
  return fn();
}

export const stageLines = (dir: string): number => (existsSync(join(dir, 'stages.jsonl')) ? readFileSync(join(dir, 'stages.jsonl'), 'utf8').trim().split('\n').filter(Boolean).length : 0);
