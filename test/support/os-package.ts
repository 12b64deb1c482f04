import { execFileSync } from 'node:child_process';

/**
 * Real components where users have them: a test that needs an OS package (prometheus,
 * etcd-server, nginx-light, wrk) installs it with apt-get when it is missing, as root,
 * instead of skipping. Returns the binary's path; throws with the reason when it can't.
 */
export function ensureOsPackage(binary: string, pkg: string): string {
  const found = which(binary);
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`${binary} is missing and installing ${pkg} needs root: apt-get install -y ${pkg}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'ignore', env, timeout: 600_000 });
  const after = which(binary);
  if (!after) throw new Error(`apt-get installed ${pkg} but ${binary} is still not on PATH`);
  return after;
}

function which(binary: string): string | null {
  try { return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || null; } catch { return null; }
}
