import { readFile, readdir } from 'node:fs/promises';
import type { Placement } from '../../core/result.js';
import { parsePrometheus, sumMetric } from '../prometheus.js';
import { treeRss } from '../procfs.js';
import { startGateway, type RunningTarget } from '../processes/gateway.js';
import { referenceImpl } from '../processes/impls.js';
import type { CheckResult, CheckRow } from './types.js';

/**
 * Check 5: RSS as the harness samples it (`treeRss`, which finds the tree by scanning every
 * /proc/<n>/stat for its parent) against independent readings: VmRSS and statm of the
 * process read here, the target's own `process_resident_memory_bytes`, and for a
 * multi-process gateway the sum over the tree found through the kernel's
 * /proc/<pid>/task/<tid>/children lists.
 */

/** VmRSS (bytes) read directly from /proc/<pid>/status. */
export async function vmRss(pid: number): Promise<number> {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Resident pages from /proc/<pid>/statm times the page size (4096 on this kernel's x86-64/arm64 defaults). */
export async function statmRss(pid: number, pageSize = 4096): Promise<number> {
  return Number((await readFile(`/proc/${pid}/statm`, 'utf8')).split(' ')[1]) * pageSize;
}

/** Descendants of `pid` (and itself) through the kernel's children lists, a different path from treeRss's ppid scan. */
export async function kernelTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const tasks = await readdir(`/proc/${out[i]}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      const kids = await readFile(`/proc/${out[i]}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const k of kids.trim().split(/\s+/).filter(Boolean)) out.push(Number(k));
    }
  }
  return out;
}

const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
function relRow(name: string, expected: number, measured: number, tol: number): CheckRow {
  const rel = expected === 0 ? 1 : Math.abs(measured - expected) / expected;
  return { case: name, expected: mib(expected), measured: `${mib(measured)} (${(rel * 100).toFixed(2)}%)`, tolerance: `±${(tol * 100).toFixed(0)}%`, pass: rel <= tol };
}

async function metricsRss(url: string): Promise<number | null> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return sumMetric(parsePrometheus(await res.text()), 'process_resident_memory_bytes');
}

async function withGateway<T>(placement: Placement, workers: number, fn: (g: RunningTarget) => Promise<T>): Promise<T> {
  const g = await startGateway({ impl: referenceImpl(), env: {}, workers, cpus: placement.gateway, healthTimeoutMs: 60_000 });
  try {
    // let startup allocation settle so successive reads see the same process
    await new Promise((r) => setTimeout(r, 1500));
    return await fn(g);
  } finally {
    await g.stop();
  }
}

/** Run the single- and multi-process comparisons. */
export async function rssCheck(placement: Placement, o: { tolerance: number }): Promise<CheckResult> {
  const t0 = Date.now();
  const rows: CheckRow[] = [];
  const extra: string[] = [];
  await withGateway(placement, 1, async (g) => {
    const pid = g.pid!;
    const tree = await treeRss(pid);
    const direct = await vmRss(pid);
    const statm = await statmRss(pid);
    const own = await metricsRss(g.metricsUrl!);
    const after = await treeRss(pid);
    rows.push({ case: 'GW_WORKERS=1: processes in the tree', expected: '1', measured: String(tree?.processes), tolerance: 'exact', pass: tree?.processes === 1 });
    rows.push(relRow('GW_WORKERS=1: treeRss vs /proc/<pid>/status VmRSS', direct, tree?.rssBytes ?? 0, o.tolerance));
    rows.push(relRow('GW_WORKERS=1: treeRss vs /proc/<pid>/statm resident x 4096', statm, tree?.rssBytes ?? 0, o.tolerance));
    rows.push(relRow('GW_WORKERS=1: treeRss (after the scrape) vs the gateway\'s process_resident_memory_bytes', own ?? 0, after?.rssBytes ?? 0, o.tolerance));
  });
  await withGateway(placement, 2, async (g) => {
    const pid = g.pid!;
    const pids = await kernelTree(pid);
    const per = await Promise.all(pids.map(async (p) => ({ p, rss: await vmRss(p).catch(() => 0) })));
    const tree = await treeRss(pid);
    const sum = per.reduce((a, x) => a + x.rss, 0);
    const own = await metricsRss(g.metricsUrl!);
    const workersSum = (await Promise.all(pids.filter((p) => p !== pid).map((p) => vmRss(p).catch(() => 0)))).reduce((a, b) => a + b, 0);
    rows.push({ case: 'GW_WORKERS=2: processes (treeRss vs kernel children lists)', expected: String(pids.length), measured: String(tree?.processes), tolerance: 'exact', pass: tree?.processes === pids.length && pids.length === 3 });
    rows.push(relRow('GW_WORKERS=2: treeRss vs sum of per-pid VmRSS', sum, tree?.rssBytes ?? 0, o.tolerance));
    rows.push(relRow('GW_WORKERS=2: workers\' VmRSS sum vs the gateway\'s aggregated process_resident_memory_bytes', own ?? 0, workersSum, o.tolerance));
    extra.push(`Multi-process tree: ${per.map((x) => `pid ${x.p} ${mib(x.rss)}`).join(', ')} (the first is the primary). The gateway's /metrics sums the workers' own readings (prom-client AggregatorRegistry); the primary is not in it, which is one reason the harness reads RSS from /proc over the whole tree.`);
  });
  return {
    id: 'rss', title: '5. RSS sampling',
    method: [
      'The reference gateway is started as the harness starts it (`gw-bench gateway`, target CPU, no load), once with GW_WORKERS=1 and once with GW_WORKERS=2. The harness\'s `treeRss(pid)` is compared with readings taken independently within a few milliseconds: VmRSS from /proc/<pid>/status, resident pages from /proc/<pid>/statm, the gateway\'s own `process_resident_memory_bytes` (prom-client reads the same kernel counter from inside the process), and for the cluster the sum of VmRSS over the tree found through /proc/<pid>/task/*/children.',
      `Tolerance ±${(o.tolerance * 100).toFixed(0)}%: the readings are not atomic and a live Node process allocates between them.`,
    ],
    rows, extra, pass: rows.every((r) => r.pass), seconds: (Date.now() - t0) / 1000,
  };
}
