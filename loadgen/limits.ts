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

/** The kernel's ephemeral port range (ip_local_port_range), the ports connect() picks from. */
export function readEphemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo !== undefined && hi !== undefined && hi >= lo) return [lo, hi];
  } catch { /* fall through */ }
  return [32768, 60999];
}

/**
 * Local ports the generator binds its client sockets to: every unprivileged port OUTSIDE
 * the ephemeral range. Linux keeps bind buckets per port, not per address, and connect()
 * skips any port with a bucket; when 100k client sockets sat on ports inside the range,
 * the gateway under test could no longer open a single upstream connection
 * (EADDRNOTAVAIL), which showed up as 100% 502s at the 100k step.
 */
export function localPortRanges(range: [number, number] = readEphemeralRange()): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (range[0] - 1 >= 1024) out.push([1024, range[0] - 1]);
  if (range[1] + 1 <= 65535) out.push([range[1] + 1, 65535]);
  return out;
}

/** How many ports localPortRanges() offers. */
export function localPortCount(ranges = localPortRanges()): number {
  return ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
}
