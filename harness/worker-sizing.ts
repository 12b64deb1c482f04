import type { StageTarget } from '../core/result.js';
import type { ImplInfo } from './processes/impls.js';

/**
 * How many processes the gateway under test runs at each stage.
 *
 * `auto` gives each stage the fewest processes that hold its connections under the
 * open-files limit, instead of sizing every stage for the largest one: ten Node workers
 * sharing one core at a 1k step cost p99 (measured at the 10k step of a feed-shaped
 * scenario: 1 worker 19.6 ms / 171 MiB, 10 workers 193 ms / ~1 GiB). A number the user
 * gave is kept for every stage; a target gw-bench did not start is never resized.
 */
export interface WorkerSizing {
  mode: StageTarget['sizing'];
  /** The count for every stage in `fixed` mode. */
  fixed: number | null;
  /** Client connections one process is planned to hold in `auto` mode. */
  perProcess: number;
}

/**
 * Client connections planned per gateway process.
 *
 * - Half the open-files limit by default. Processes sharing one listening socket
 *   (node:cluster SCHED_NONE, uvicorn, SO_REUSEPORT) are not given equal shares by the
 *   kernel: in a 100k test one of 8 workers reached 19,979 connections while the mean was
 *   12.5k. Half the limit leaves room for that skew and for the upstream pools' sockets.
 * - 70% of the limit for an implementation that balances its own accepts (impl
 *   `balancedAccept`: the reference's cluster.balance keeps every worker at most 1.2x the
 *   mean + 32, measured 1.16-1.20x at 100k). 1.2 x 70% = 84% of the limit, which leaves
 *   3,200 of 20,000 descriptors for the upstream pools (at most 128 per instance, five
 *   instances in feed.yaml) and the balancer's 50 ms reporting lag. At 100k that is 8
 *   processes instead of 10: each Node process costs ~90 MB of RSS before its first
 *   connection, and fewer processes on one core share it with less contention.
 * - No known limit (unlimited or unreadable): 10,000, the value for the usual 20,000 cap.
 */
export function connectionsPerProcess(fdLimit: number | null, balancedAccept = false): number {
  if (fdLimit === null || !Number.isFinite(fdLimit) || fdLimit >= Number.MAX_SAFE_INTEGER) return 10_000;
  return Math.max(1, Math.floor(fdLimit * (balancedAccept ? 0.7 : 0.5)));
}

/**
 * The sizing rule of a run. `requested` is the scenario's `target.workers` (or the CLI's
 * override); `doctor` pins the count at the largest stage's, because Clinic Doctor writes
 * one report per process lifetime and a restart would split it.
 */
export function workerSizing(o: {
  impl: ImplInfo | null; requested: number | 'auto'; perProcess: number; maxConnections: number; doctor?: boolean;
}): WorkerSizing {
  if (!o.impl) return { mode: 'external', fixed: null, perProcess: o.perProcess };
  if (!o.impl.multiProcess) return { mode: 'fixed', fixed: 1, perProcess: o.perProcess };
  if (o.requested !== 'auto') return { mode: 'fixed', fixed: o.requested, perProcess: o.perProcess };
  if (o.doctor) return { mode: 'fixed', fixed: processesFor(o.maxConnections, o.perProcess), perProcess: o.perProcess };
  return { mode: 'auto', fixed: null, perProcess: o.perProcess };
}

/** The fewest processes that hold `connections` at `perProcess` each (at least one). */
export function processesFor(connections: number, perProcess: number): number {
  return Math.max(1, Math.ceil(connections / perProcess));
}

/** Processes for a stage of `connections`; null when gw-bench does not start the target. */
export function stageWorkers(s: WorkerSizing, connections: number): number | null {
  if (s.mode === 'external') return null;
  if (s.mode === 'fixed') return s.fixed;
  return processesFor(connections, s.perProcess);
}
