import { spawnSync } from 'node:child_process';

let tasksetOk: boolean | undefined;

/**
 * Whether `taskset` (util-linux) can place processes here: the one probe every launcher
 * and the placement resolver share. Without it nothing is pinned and results say so.
 */
export function hasTaskset(): boolean {
  if (tasksetOk === undefined) {
    const r = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    tasksetOk = r.error === undefined && r.status === 0;
  }
  return tasksetOk;
}

/** Prefix a command with `taskset -c <cpus>` when a CPU list is given and taskset exists. */
export function placed(cpuList: string | null | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return cpuList && hasTaskset() ? ['taskset', ['-c', cpuList, cmd, ...args]] : [cmd, [...args]];
}

/** The CPUs a taskset list names: "0-2,5" gives [0, 1, 2, 5]; a malformed part names none. */
export function cpuListMembers(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (m === null) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}
