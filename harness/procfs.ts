import { readFile, readdir } from 'node:fs/promises';

/**
 * Readings from /proc, taken from outside the measured process: this is what makes a
 * JVM, a uvicorn worker pool, a Go binary and our Node cluster measurable the same way.
 */

/** All descendants of `pid` (and pid itself), found by scanning /proc/<n>/stat for ppid. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Field 4 is ppid; the command name (field 2) may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch { /* process exited while scanning */ }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(parents.get(p) ?? []));
  }
  return out;
}

/** VmRSS of one process in bytes, or null if it is gone. */
export async function rssOf(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0; // kernel threads / zombies have no VmRSS
  } catch {
    return null;
  }
}

/** RSS summed over a process tree (cluster workers, uvicorn workers, JVM threads share one pid). */
export async function treeRss(pid: number): Promise<{ rssBytes: number; processes: number } | null> {
  const pids = await processTree(pid);
  let total = 0;
  let alive = 0;
  for (const p of pids) {
    const r = await rssOf(p);
    if (r !== null) { total += r; alive++; }
  }
  return alive ? { rssBytes: total, processes: alive } : null;
}

/**
 * Proportional set size of one process in bytes (/proc/<pid>/smaps_rollup `Pss`): each
 * resident page divided by the number of processes mapping it. Summed over a tree, pages
 * shared by its processes (the runtime binary's text, copy-on-write pages after fork)
 * count once instead of once per process, as RSS counts them. Null if the process is
 * gone or the kernel has no smaps_rollup (before 4.14). The kernel walks every mapping to
 * compute it (about 6 ms for a 360 MB process here), so it is read at window ends only.
 */
export async function pssOf(pid: number): Promise<number | null> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
    return m ? Number(m[1]) * 1024 : 0; // kernel threads have no mappings
  } catch {
    return null;
  }
}

/** PSS summed over a process tree; null when no process of it could be read. */
export async function treePss(pid: number): Promise<number | null> {
  let total = 0;
  let read = 0;
  for (const p of await processTree(pid)) {
    const v = await pssOf(p);
    if (v !== null) { total += v; read++; }
  }
  return read ? total : null;
}

export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export interface KernelCounters {
  listenOverflows: number | null;
  listenDrops: number | null;
  retransSegs: number | null;
  timeWait: number | null;
}

/** Parse the two-line "Header: names / Header: values" format of /proc/net/netstat and snmp. */
export function parseProcNetTable(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.trim().split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [h1, ...names] = lines[i]!.trim().split(/\s+/);
    const [h2, ...values] = lines[i + 1]!.trim().split(/\s+/);
    if (!h1 || h1 !== h2) continue;
    const key = h1.replace(/:$/, '');
    out[key] = Object.fromEntries(names.map((n, j) => [n, Number(values[j])]));
  }
  return out;
}

/** TcpExt ListenOverflows/ListenDrops, Tcp RetransSegs, and TIME_WAIT from /proc/net/sockstat. */
export async function kernelCounters(): Promise<KernelCounters> {
  const read = (f: string): Promise<string | null> => readFile(f, 'utf8').catch(() => null);
  const [netstat, snmp, sockstat] = await Promise.all([read('/proc/net/netstat'), read('/proc/net/snmp'), read('/proc/net/sockstat')]);
  const ext = netstat ? parseProcNetTable(netstat).TcpExt : undefined;
  const tcp = snmp ? parseProcNetTable(snmp).Tcp : undefined;
  const tw = sockstat ? /^TCP:.*\btw (\d+)/m.exec(sockstat) : null;
  return {
    listenOverflows: ext?.ListenOverflows ?? null,
    listenDrops: ext?.ListenDrops ?? null,
    retransSegs: tcp?.RetransSegs ?? null,
    timeWait: tw ? Number(tw[1]) : null,
  };
}

/** Open-files limit of this process (`Max open files` soft limit). */
export async function fdLimit(pid: number | 'self' = 'self'): Promise<number | null> {
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8').catch(() => null);
  const m = limits ? /^Max open files\s+(\d+|unlimited)/m.exec(limits) : null;
  return m ? (m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1])) : null;
}

/** Cumulative CPU seconds (user+system) of a process tree, from /proc/<pid>/stat. */
export async function treeCpuSeconds(pid: number): Promise<number | null> {
  const pids = await processTree(pid);
  let ticks = 0;
  let alive = 0;
  for (const p of pids) {
    try {
      const stat = await readFile(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
      alive++;
    } catch { /* gone */ }
  }
  return alive ? ticks / 100 : null; // USER_HZ is 100 on Linux
}

/** /proc/net/tcp spelling of an IPv4 address: the 32-bit value in host (little-endian) order. */
export function procHexIPv4(ip: string): string {
  return ip.split('.').map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0')).reverse().join('');
}

/**
 * ESTABLISHED TCP sockets whose local address and port are `host:port` (the server side of
 * every client connection to it), from /proc/net/tcp and tcp6 (v4-mapped). Counts what the
 * kernel holds, whatever the implementation, so it confirms the generator's own count from
 * the other edge. The address matters: client sockets bound to the same port number on
 * other 127.x addresses must not be counted.
 */
export async function establishedOnPort(port: number, host = '127.0.0.1'): Promise<number | null> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const v4 = `${procHexIPv4(host)}:${hexPort}`;
  const v6 = `0000000000000000FFFF0000${procHexIPv4(host)}:${hexPort}`;
  let count = 0;
  let readAny = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    readAny = true;
    let i = text.indexOf('\n') + 1;
    while (i > 0 && i < text.length) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end === -1 ? text.length : end);
      // "  sl  local_address rem_address   st ..." -> fields[1] local, fields[3] state (01 = ESTABLISHED)
      const f = line.trim().split(/\s+/, 4);
      if (f[3] === '01' && (f[1] === v4 || f[1] === v6)) count++;
      i = end === -1 ? -1 : end + 1;
    }
  }
  return readAny ? count : null;
}
