import { GwBenchError } from '../../core/errors.js';
import { localPortCount, readFdLimit } from '../limits.js';
import type { WorkerShare } from './types.js';

/** Fraction of the fd limit a worker may fill with sockets. */
export const FD_HEADROOM = 0.8;
/** Descriptors kept back per worker for stdio, IPC, the event loop, timers and files. */
export const FD_RESERVE = 64;

export interface WorkerPlanOptions {
  maxConnections: number;
  /** Open-files limit per process; read from /proc/self/limits when absent. */
  fdLimit?: number;
  /** 'auto' (default) or an explicit worker count. */
  requested?: 'auto' | number;
  /**
   * CPUs available to the generator. Advisory only: the worker count follows from the fd
   * limit; whether the workers keep up with the rate is judged by generator health.
   */
  cores?: number;
}

/** Connections one worker may hold under an fd limit (80% of it, minus a fixed reserve). */
export function perWorkerCapacity(fdLimit: number): number {
  return Math.max(0, Math.floor(fdLimit * FD_HEADROOM) - FD_RESERVE);
}

/**
 * How many worker processes a stage of `maxConnections` needs so that no worker comes near
 * the open-files limit. Throws GW_ERR_FD_LIMIT when an explicit count cannot hold them.
 */
export function planWorkers(opts: WorkerPlanOptions): { workers: number; perWorkerMax: number; fdLimit: number } {
  const fdLimit = opts.fdLimit ?? readFdLimit();
  const perWorkerMax = perWorkerCapacity(fdLimit);
  const max = Math.max(0, Math.ceil(opts.maxConnections));
  if (perWorkerMax < 1) {
    throw new GwBenchError('GW_ERR_FD_LIMIT',
      `open-files limit ${fdLimit} leaves no room for connections (each worker keeps ${FD_RESERVE} descriptors in reserve and uses at most ${FD_HEADROOM * 100}% of the limit); raise ulimit -n`);
  }
  const needed = Math.max(1, Math.ceil(max / perWorkerMax));
  const requested = opts.requested ?? 'auto';
  if (requested === 'auto') return { workers: needed, perWorkerMax, fdLimit };
  if (!Number.isInteger(requested) || requested < 1) {
    throw new GwBenchError('GW_ERR_USAGE', `workers: ${JSON.stringify(requested)} is not 'auto' or a whole number >= 1`);
  }
  if (requested < needed) {
    throw new GwBenchError('GW_ERR_FD_LIMIT',
      `${max} connections do not fit in ${requested} worker(s): with an open-files limit of ${fdLimit} one worker can hold at most ${perWorkerMax} connections, so at least ${needed} workers are needed (use workers: auto or ${needed}+)`);
  }
  return { workers: requested, perWorkerMax, fdLimit };
}

/** Most sockets put on one (source address, destination) pair: ~70% of the local ports the generator binds from, at most 20k. */
export function perAddressCapacity(portCount = localPortCount()): number {
  return Math.max(1, Math.min(20_000, Math.floor(portCount * 0.7)));
}

/** The k-th source address of the pool: 127.1.0.1, 127.1.0.2, ... (skips .0 and .255 hosts). */
function nthAddress(k: number): string {
  const host = (k % 254) + 1;
  const net = Math.floor(k / 254);
  return `127.${1 + Math.floor(net / 256)}.${net % 256}.${host}`;
}

/**
 * Loopback source addresses for each worker, distinct across workers, enough that no
 * (source, destination) pair carries more than perAddressCapacity() sockets.
 */
export function sourceAddresses(workers: number, connectionsPerWorker: number, perAddress = perAddressCapacity()): string[][] {
  const each = Math.max(1, Math.ceil(connectionsPerWorker / perAddress));
  const out: string[][] = [];
  let k = 0;
  for (let w = 0; w < workers; w++) {
    const list: string[] = [];
    for (let i = 0; i < each; i++) list.push(nthAddress(k++));
    out.push(list);
  }
  return out;
}

/** Source addresses nthAddress() can hand out inside 127.0.0.0/8 (second octet 1..255). */
export const ADDRESS_POOL = 254 * 256 * 255;

/**
 * How many of a plan's workers carry a stage of `connections`: as many as the fd limit
 * requires, and at least one per CPU the generator has, never more than there are.
 *
 * Why not all of them: the worker count is sized for the run's largest stage (feed.yaml:
 * 7 workers for 100k under a 20,000 fd limit), and on one CPU seven workers sending 500
 * req/s between them wake seven event loops and context-switch among themselves for what
 * one can do alone. Workers that carry nothing hold no connection and send nothing.
 */
export function carriers(connections: number, workers: number, perWorkerMax: number, cpus: number | undefined): number {
  if (cpus === undefined) return workers;
  const needed = perWorkerMax > 0 ? Math.ceil(connections / perWorkerMax) : workers;
  return Math.max(1, Math.min(workers, Math.max(needed, cpus)));
}

/**
 * Split one stage over `workers` generator workers: the first min(carrying, connections)
 * carry it (carrying: all workers unless given, see carriers()), connections spread as
 * evenly as whole numbers allow, the rate and the connect rate in equal parts, each worker
 * its own seed (stage seed + worker index). The only place a stage is divided: the
 * coordinator sends these shares as they are.
 */
export function splitStage(connections: number, rate: number | null, connectRate: number, seed: number, workers: number, carrying: number = workers): { activeWorkers: number; workers: WorkerShare[] } {
  const active = Math.max(1, Math.min(workers, carrying, connections));
  const shares: WorkerShare[] = [];
  for (let w = 0; w < workers; w++) {
    const on = w < active;
    shares.push({
      worker: w,
      connections: on ? Math.floor(connections / active) + (w < connections % active ? 1 : 0) : 0,
      rate: rate === null ? null : on ? rate / active : 0,
      connectRate: connectRate / active,
      seed: seed + w,
    });
  }
  return { activeWorkers: active, workers: shares };
}
