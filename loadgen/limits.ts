import { readFileSync } from 'node:fs';

/**
 * Kernel limits the plan must respect, read from /proc so the plan explains itself instead
 * of failing with EMFILE or EADDRNOTAVAIL half-way through a ramp.
 */

/** Soft RLIMIT_NOFILE of this process ('Max open files' in /proc/self/limits); 1024 if unreadable. */
export function readFdLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = Number(soft);
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    return Number.isFinite(n) && n > 0 ? n : 1024;
  } catch {
    return 1024;
  }
}

/** Size of the ephemeral port range (/proc/sys/net/ipv4/ip_local_port_range); 28232 if unreadable. */
export function readEphemeralPortCount(): number {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo !== undefined && hi !== undefined && hi >= lo) return hi - lo + 1;
  } catch { /* fall through */ }
  return 28232;
}
