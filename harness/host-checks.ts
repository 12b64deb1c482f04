import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Host settings that make a generator stall for milliseconds, found before a run starts.
 * Warnings only: the lag bound already judges every stage; this says why one may fail.
 *
 * Proactive reclaim: a DAMON scheme with action `pageout` evicts "cold" pages, the node
 * binary's own code among them, which then fault back in mid-stage. On the 2-core VMs this
 * project is measured on it pushed a 3 s stage's lag bound from 8-15 ms to 12-75 ms
 * (docs/troubleshooting.md).
 */
export function hostWarnings(sysfs = '/sys'): string[] {
  const out: string[] = [];
  const root = join(sysfs, 'kernel', 'mm', 'damon', 'admin', 'kdamonds');
  for (const k of list(root)) {
    if (read(join(root, k, 'state')) !== 'on') continue;
    const contexts = join(root, k, 'contexts');
    const pageout = list(contexts).some((c) => list(join(contexts, c, 'schemes')).some((s) => read(join(contexts, c, 'schemes', s, 'action')) === 'pageout'));
    if (pageout) out.push(`kernel proactive reclaim is on (DAMON kdamond ${k}, action pageout): it evicts code pages mid-stage and stalls the generator for milliseconds; switch it off on a benchmark host (docs/troubleshooting.md)`);
  }
  const poll = haltPollWarning(sysfs);
  if (poll !== null) out.push(poll);
  return out;
}

/**
 * A KVM guest using the haltpoll cpuidle driver with polling switched off
 * (`haltpoll.guest_halt_poll_ns=0`): an idle vCPU halts at once and wakes only when the
 * hypervisor schedules it again. Under a feed-like load (three stages at 500 req/s, 1k-10k
 * connections) a bystander process with a 1 ms timer saw 182-241 pauses over 6 ms in 85 s
 * on each CPU (max 49 ms, ~2% of the time), against 29-136 with 200 us of polling.
 */
function haltPollWarning(sysfs: string): string | null {
  if (read(join(sysfs, 'devices', 'system', 'cpu', 'cpuidle', 'current_driver')) !== 'haltpoll') return null;
  const file = join(sysfs, 'module', 'haltpoll', 'parameters', 'guest_halt_poll_ns');
  if (read(file) !== '0') return null;
  return `guest halt polling is off (${file} = 0): an idle vCPU halts and waits for the hypervisor to wake it, which showed here as 6-49 ms pauses on every CPU under load; on a benchmark VM you own, echo 200000 into that file (docs/troubleshooting.md)`;
}

function list(dir: string): string[] {
  try { return readdirSync(dir).filter((n) => /^\d+$/.test(n)); } catch { return []; }
}

function read(file: string): string | null {
  try { return readFileSync(file, 'utf8').trim(); } catch { return null; }
}
