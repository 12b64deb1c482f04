import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../core/scenario/defaults.js';
import type { UpstreamSpec } from '../../core/scenario/types.js';
import { sumCounter } from '../../upstream/stats.js';
import { readFileSync } from 'node:fs';
import { isAlive, processTree } from '../procfs.js';
import { startGateway, type RunningTarget } from '../processes/gateway.js';
import { referenceImpl } from '../processes/impls.js';
import { startUpstreams, type RunningUpstreams } from '../processes/upstreams.js';
import { makeJwtSetup, type JwtSetup } from '../tokens.js';
import { FaultyLink } from './faulty-link.js';
import type { Placement } from '../../core/result.js';

/**
 * The reference gateway and the mock upstreams as separate processes, started exactly the
 * way `gw-bench run` starts them (same functions, same contract environment). The
 * reliability tests, probes, fuzzing over sockets, fault runs and the soak share it.
 */
export interface Rig {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly gateway: RunningTarget;
  readonly upstreams: RunningUpstreams;
  readonly jwt: JwtSetup;
  readonly dir: string;
  /** The relay in front of the `user` service, when asked for (RST and refused faults). */
  readonly link: FaultyLink | null;
  /** Requests every mock upstream instance received so far (the admin counters). */
  upstreamRequests(): Promise<number>;
  /** Gateway worker pids (children of the primary; the primary itself with one worker). */
  workerPids(): Promise<number[]>;
  /** Stop everything; resolves with the number of rig processes still alive afterwards (orphans). */
  close(): Promise<number>;
}

export interface RigOptions {
  workers?: number;
  /** Extra gateway environment (GW_* overrides). */
  env?: Record<string, string>;
  /** Gateway arguments after `gateway` (e.g. --config file). */
  args?: string[];
  specs?: readonly UpstreamSpec[];
  /** Per-line sink for the gateway's and upstreams' output. */
  onLine?: (line: string) => void;
  /** Put a FaultyLink between the gateway and the `user` service. */
  link?: boolean;
  /** CPU pinning as a run places its processes (harness/placement.ts); none when absent. */
  placement?: Placement;
}

/** Fast, fixed-latency upstreams: the faults and probes are about behaviour, not latency. */
export const FAST_UPSTREAMS: readonly UpstreamSpec[] = DEFAULT_UPSTREAMS.map((u) => ({ ...u, latency: { model: 'constant', valueMs: 1 } }));

/** Alive and not a zombie waiting to be reaped. */
function isLive(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-rig-'));
  const upstreams = await startUpstreams({ specs: opts.specs ?? FAST_UPSTREAMS, seed: 1, cpus: opts.placement?.upstreams ?? null });
  let gateway: RunningTarget;
  let link: FaultyLink | null = null;
  try {
    if (opts.link) link = await FaultyLink.start(upstreams.env.GW_UPSTREAM_USER!);
    const jwt = await makeJwtSetup({ alg: 'HS256', count: 50, ttlMs: 3_600_000, dir });
    const impl = referenceImpl();
    const run = opts.args ? { ...impl.run, args: [...impl.run.args, ...opts.args] } : impl.run;
    gateway = await startGateway({ impl: { ...impl, run }, env: { ...upstreams.env, ...(link ? { GW_UPSTREAM_USER: link.url } : {}), ...jwt.env, ...(opts.env ?? {}) }, workers: opts.workers ?? 1, cpus: opts.placement?.gateway ?? null, healthTimeoutMs: 30_000 });
    if (opts.onLine) { gateway.process?.onLine(opts.onLine); upstreams.process.onLine(opts.onLine); }
    const u = new URL(gateway.url);
    return {
      url: gateway.url, host: u.hostname, port: Number(u.port), gateway, upstreams, jwt, dir, link,
      upstreamRequests: async () => sumCounter(await upstreams.admin.stats(), 'requests'),
      workerPids: async () => {
        const tree = await processTree(gateway.pid!).catch(() => []);
        const children = tree.filter((p) => p !== gateway.pid);
        return children.length ? children : [gateway.pid!];
      },
      close: async () => {
        const owned = new Set<number>([gateway.pid!, upstreams.process.pid]);
        for (const root of [gateway.pid!, upstreams.process.pid]) for (const p of await processTree(root).catch(() => [])) owned.add(p);
        await gateway.stop().catch(() => undefined);
        await link?.close();
        await upstreams.process.stop().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 200));
        return [...owned].filter(isLive).length;
      },
    };
  } catch (e) {
    await link?.close();
    await upstreams.process.stop();
    throw e;
  }
}
