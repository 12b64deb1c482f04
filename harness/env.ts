import { execFileSync } from 'node:child_process';
import { cpus, hostname, release, totalmem, type as osType } from 'node:os';
import type { EnvFingerprint, Placement } from '../core/result.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { fdLimit } from './procfs.js';
import { cpuListMembers } from '../core/processes/taskset.js';

function quiet(cmd: string, args: string[]): string | null {
  try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, cwd: PACKAGE_ROOT }).trim(); } catch { return null; }
}

/** CPUs this process may run on (affinity), which is what placement can use. */
export function availableCpus(): number[] {
  const out = quiet('taskset', ['-cp', String(process.pid)]);
  const list = out?.split(':').pop()?.trim();
  if (!list) return cpus().map((_, i) => i);
  return cpuListMembers(list);
}

/** Everything about the machine a result depends on; compare flags differences. */
export async function envFingerprint(placement: Placement, runtimes: Record<string, string> = {}): Promise<EnvFingerprint> {
  const sha = quiet('git', ['rev-parse', 'HEAD']);
  const dirty = sha === null ? null : (quiet('git', ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableCpus().length,
    memTotalBytes: totalmem(),
    kernel: release(),
    os: osType(),
    node: process.version,
    hostname: hostname(),
    fdLimit: await fdLimit(),
    placement,
    gitSha: sha,
    gitDirty: dirty,
    date: new Date().toISOString(),
    runtimes: { node: process.version, ...runtimes },
  };
}
