import type { StageResult } from '../core/result.js';
import type { Sample } from './sampler.js';

/**
 * Target CPU per request in a stage's measurement window, from the sampler's /proc readings
 * of the target's process tree (user+system seconds, 10 ms ticks). The samples closest to
 * the window's edges that lie inside it bound a span of at least one second; CPU seconds
 * over that span, divided by the requests the window's achieved rate puts in it, is the
 * figure. Null with a reason when there is no pid or no such span.
 */
export function stageCpu(inWindow: readonly Sample[], achievedRps: number, processes: number | null): NonNullable<StageResult['cpu']> {
  const withCpu = inWindow.filter((s) => s.cpuSeconds !== null);
  const none = (reason: string) => ({ targetSeconds: null, perRequestUs: null, processes, reason });
  if (withCpu.length < 2) return none(inWindow.length && inWindow.every((s) => s.cpuSeconds === null) ? 'no target pid to read /proc from' : 'fewer than two CPU readings in the measurement window');
  const first = withCpu[0]!;
  const last = withCpu[withCpu.length - 1]!;
  const spanS = (last.at - first.at) / 1000;
  if (spanS < 1) return none(`CPU readings span ${spanS.toFixed(2)} s of the window (need 1 s)`);
  const seconds = last.cpuSeconds! - first.cpuSeconds!;
  // A process that exited inside the window takes its ticks with it: never report negative CPU.
  if (seconds < 0) return none('the target process tree lost CPU time (a process exited)');
  const requests = achievedRps * spanS;
  return { targetSeconds: seconds, perRequestUs: requests > 0 ? (seconds / requests) * 1e6 : null, processes, reason: requests > 0 ? null : 'no requests in the window' };
}
