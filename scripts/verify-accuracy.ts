/**
 * `npm run verify:accuracy`: prove on this machine that gw-bench's numbers are true, and
 * write docs/accuracy.md. Seven checks (harness/accuracy/): the stall experiment against its
 * analytic distribution (with service time and autocannon beside it), arrivals on the wire
 * (count, spread, KS), histogram merge, connection counts and reuse from three edges, RSS
 * against independent readings, saturation detection, and the generator lag bound under a
 * generator slowed on purpose. Exits 1 if any check fails.
 *
 *   npm run verify:accuracy [-- --only stall,arrivals] [--out FILE]
 *
 * Everything targets 127.0.0.1; every child process is stopped at the end (or on Ctrl-C).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import { PACKAGE_ROOT } from '../core/version.js';
import { envFingerprint } from '../harness/env.js';
import { startArrivalRecorder, startFastTarget } from '../harness/accuracy/arrival-recorder.js';
import { arrivalsCheck } from '../harness/accuracy/arrivals-check.js';
import { connectionsCheck } from '../harness/accuracy/connections-check.js';
import { mergeCheck } from '../harness/accuracy/merge-check.js';
import { renderReport } from '../harness/accuracy/report.js';
import { accuracyPlacement, pinSelfToGenerator, startRig, type Rig } from '../harness/accuracy/rig.js';
import { rssCheck } from '../harness/accuracy/rss-check.js';
import { saturationCheck } from '../harness/accuracy/saturation-check.js';
import { lagBoundCheck, type LagBoundCase } from '../harness/accuracy/lag-bound-check.js';
import { stallCheck, type StallCase } from '../harness/accuracy/stall-check.js';
import type { CheckResult } from '../harness/accuracy/types.js';

const ALL = ['stall', 'arrivals', 'merge', 'connections', 'rss', 'saturation', 'lagbound'] as const;
type CheckId = (typeof ALL)[number];

function parseArgs(argv: string[]): { only: CheckId[]; out: string } {
  let only: CheckId[] = [...ALL];
  let out = join(PACKAGE_ROOT, 'docs', 'accuracy.md');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only' && argv[i + 1]) {
      const ids = argv[++i]!.split(',');
      const bad = ids.filter((x) => !(ALL as readonly string[]).includes(x));
      if (bad.length) usage(`--only: unknown check(s) ${bad.join(', ')} (known: ${ALL.join(', ')})`);
      only = ids as CheckId[];
    } else if (a === '--out' && argv[i + 1]) out = argv[++i]!;
    else usage(`unknown argument ${a}`);
  }
  return { only, out };
}

function usage(msg: string): never {
  process.stderr.write(`verify-accuracy: ${msg}\nusage: verify-accuracy [--only ${ALL.join(',')}] [--out FILE]\n`);
  process.exit(2);
}

const STALL_CASES: StallCase[] = [
  ...[100, 200, 400].flatMap((rate) => [250, 500, 1000].map((stallMs): StallCase => ({ rate, stallMs, mechanism: 'admin' }))),
  { rate: 200, stallMs: 500, mechanism: 'sigstop' },
  // High rates: thousands of requests queue behind the stall; tails must still match the model.
  { rate: 10_000, stallMs: 500, mechanism: 'admin' },
  { rate: 20_000, stallMs: 250, mechanism: 'admin' },
];

/** Slowed-generator cases: a short and a long stall on a 20 ms target, and a small stall on a 200 ms target (5% of p99 allows ~10 ms). */
const LAG_BOUND_CASES: LagBoundCase[] = [
  { targetMs: 20, spinMs: 10, everyMs: 50, rate: 500, connections: 96, durationMs: 10000 },
  { targetMs: 20, spinMs: 30, everyMs: 100, rate: 500, connections: 96, durationMs: 10000 },
  { targetMs: 200, spinMs: 4, everyMs: 50, rate: 250, connections: 96, durationMs: 10000 },
];

/** TIME_WAIT sockets on this machine (/proc/net/sockstat), or 0 when unreadable. */
async function timeWait(): Promise<number> {
  const text = await readFile('/proc/net/sockstat', 'utf8').catch(() => '');
  return Number(/^TCP:.*\btw (\d+)/m.exec(text)?.[1] ?? 0);
}

/**
 * Another process's connection storm can leave the loopback ephemeral ports in TIME_WAIT
 * (and bound), so even the admin client's connect() fails with EADDRNOTAVAIL. Wait, bounded,
 * for them to drain (TIME_WAIT lasts 60 s) rather than report that as an accuracy failure.
 */
async function waitForPorts(log: (s: string) => void): Promise<number> {
  const limit = 20_000;
  const deadline = Date.now() + 75_000;
  let tw = await timeWait();
  if (tw > limit) log(`[accuracy] ${tw} sockets in TIME_WAIT (another process's connection storm): waiting up to 75 s for them to drain`);
  while (tw > limit && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5000));
    tw = await timeWait();
  }
  return tw;
}

/**
 * This process's own HTTP clients (admin controls, the stall witness, health checks) connect
 * from a source address of their own: when another process holds a connection storm on
 * loopback with explicitly bound ports, a plain connect() from 127.0.0.1 finds no free
 * ephemeral port (EADDRNOTAVAIL), while a distinct source address still has all of them.
 */
export const CLIENT_SOURCE_ADDRESS = '127.9.0.1';

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  setGlobalDispatcher(new Agent({ localAddress: CLIENT_SOURCE_ADDRESS }));
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const twAtStart = await waitForPorts(log);
  const t0 = Date.now();
  const loadBefore = loadavg();
  const placement = accuracyPlacement();
  // fingerprint before pinning: afterwards this process sees only the generator's CPUs
  const env = await envFingerprint(placement);
  pinSelfToGenerator(placement);
  const checks: CheckResult[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => { while (cleanups.length) await cleanups.pop()!().catch(() => undefined); };
  process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

  /** Run one check; a crash becomes a failed check with its message, never a lost report. */
  const run = async (id: CheckId, title: string, fn: () => Promise<CheckResult>): Promise<void> => {
    if (!args.only.includes(id)) return;
    log(`[accuracy] ${title} ...`);
    const s = Date.now();
    try {
      const r = await fn();
      checks.push(r);
      log(`[accuracy] ${title}: ${r.pass ? 'pass' : 'FAIL'} (${r.seconds.toFixed(0)} s)`);
      for (const row of r.rows.filter((x) => !x.pass)) log(`    failed: ${row.case}: expected ${row.expected}, measured ${row.measured}, tolerance ${row.tolerance}`);
    } catch (e) {
      log(`[accuracy] ${title}: could not run: ${(e as Error).stack ?? String(e)}`);
      checks.push({ id, title, method: [], rows: [], pass: false, error: (e as Error).message, seconds: (Date.now() - s) / 1000 });
    }
  };

  let rig: Rig | null = null;
  const getRig = async (): Promise<Rig> => {
    if (!rig) { rig = await startRig(placement); const r = rig; cleanups.push(() => r.close()); }
    return rig;
  };
  try {
    await run('stall', '1. Stall experiment (coordinated omission)', async () => stallCheck(await getRig(), {
      cases: STALL_CASES, durationMs: 8000, warmupMs: 1000, relTol: 0.05, absTolMs: 10,
      retriesWhenInvalid: 1, capacityProbeFromRate: 1000,
      autocannonCases: STALL_CASES.map((c, i) => (c.rate === 200 && c.mechanism === 'admin' ? i : -1)).filter((i) => i >= 0),
    }));
    await run('arrivals', '2. Arrivals on the wire (pacing)', async () => {
      const rec = await startArrivalRecorder(placement.gateway);
      cleanups.push(() => rec.close());
      return arrivalsCheck((await getRig()).gen, rec, { rate: 200, durationMs: 5000, poissonRate: 100, fastPoissonRates: [500, 20_000], alpha: 0.01, seed: 7 });
    });
    let rig2: Rig | null = null;
    const getRig2 = async (): Promise<Rig> => {
      if (!rig2) { rig2 = await startRig(placement, { workers: 2 }); const r = rig2; cleanups.push(() => r.close()); }
      return rig2;
    };
    await run('merge', '3. Histogram merge across workers', async () => {
      const r2 = await getRig2();
      return mergeCheck(r2.gen, { host: r2.host, port: r2.port, admin: r2.target.admin }, { samples: 200_000, parts: 7, rate: 400, durationMs: 3000 });
    });
    await run('connections', '4. Connection counts and reuse', async () => {
      // its own target and generator: no connection left open by another check may count
      const r3 = await startRig(placement, { workers: 2 });
      try {
        return await connectionsCheck(r3.gen, { host: r3.host, port: r3.port, admin: r3.target.admin }, { connections: 200, rate: 200, durationMs: 3000 });
      } finally {
        await r3.close();
      }
    });
    await run('rss', '5. RSS sampling', () => rssCheck(placement, { tolerance: 0.05 }));
    await run('saturation', '6. Saturation detection', async () => {
      const fast = await startFastTarget(placement.gateway);
      cleanups.push(() => fast.close());
      return saturationCheck((await getRig()).gen, { host: '127.0.0.1', port: fast.port }, { repeats: 3, durationMs: 2000, maxProbes: 7 });
    });
    await run('lagbound', '7. Generator lag bound (slowed generator)', () => lagBoundCheck(placement, LAG_BOUND_CASES, log));
  } finally {
    await cleanup();
  }
  const md = renderReport({ env, loadBefore, loadAfter: loadavg(), timeWaitAtStart: twAtStart, checks, seconds: (Date.now() - t0) / 1000 });
  await writeFile(args.out, md);
  const pass = checks.every((c) => c.pass);
  log(`[accuracy] ${pass ? 'PASS' : 'FAIL'}: ${checks.filter((c) => c.pass).length}/${checks.length} checks; wrote ${args.out} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return pass ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { process.stderr.write(`verify-accuracy: internal error: ${(e as Error).stack ?? String(e)}\n`); process.exit(5); });
