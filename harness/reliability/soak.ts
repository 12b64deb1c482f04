import { loadScenario } from '../../core/scenario/load.js';
import { mergeEncoded, percentileMs } from '../../core/hdr.js';
import { DEFAULT_HEALTH_LIMITS } from '../../loadgen/health.js';
import { LoadGenerator } from '../../loadgen/load-generator.js';
import type { StageMeasurement, StagePlan } from '../../loadgen/types.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../core/scenario/defaults.js';
import { treeRss } from '../procfs.js';
import { theilSenDrift, type Drift } from './drift.js';
import { startRig, type Rig } from './rig.js';

/**
 * Soak: the reference gateway at half its measured capacity for N minutes, with the smoke
 * scenario's request mix (feed fan-out, user lookups, interactions, bad tokens) against
 * the default upstream latency models. Records RSS and p99 per window and gives a leak
 * verdict: RSS drift < 5 % and p99 drift < 10 % over the run after its first minute.
 */

export interface SoakWindow { minute: number; requests: number; errors: number; p99Ms: number | null; rssMiB: number | null }
export interface SoakResult {
  startedAt: string;
  minutes: number;
  windowS: number;
  capacityRps: number | null;
  rateRps: number;
  connections: number;
  windows: SoakWindow[];
  rss: Drift | null;
  p99: Drift | null;
  verdict: 'no leak' | 'leak suspected' | 'inconclusive';
  reasons: string[];
  generator: { valid: boolean; reasons: string[] };
  node: string;
}

export const RSS_DRIFT_LIMIT = 0.05;
export const P99_DRIFT_LIMIT = 0.10;

/**
 * Only growth counts against RSS (a heap that shrinks after warm-up is not a leak). p99 is
 * judged only when the generator kept its schedule: otherwise its latencies include the
 * generator's own lateness and the verdict is inconclusive.
 */
export function soakVerdict(rss: Drift | null, p99: Drift | null, generator: { valid: boolean; reasons: string[] }): { verdict: SoakResult['verdict']; reasons: string[] } {
  const reasons: string[] = [];
  if (!rss || !p99) return { verdict: 'inconclusive', reasons: ['fewer than 3 windows after the first minute'] };
  const rssLeak = rss.drift >= RSS_DRIFT_LIMIT;
  if (rssLeak) reasons.push(`RSS grew ${(rss.drift * 100).toFixed(1)} % (limit ${RSS_DRIFT_LIMIT * 100} %)`);
  if (!generator.valid) {
    reasons.push(`p99 not judged: the generator fell behind (${generator.reasons[0] ?? 'unhealthy'})`);
    return { verdict: rssLeak ? 'leak suspected' : 'inconclusive', reasons };
  }
  const p99Leak = p99.drift >= P99_DRIFT_LIMIT;
  if (p99Leak) reasons.push(`p99 grew ${(p99.drift * 100).toFixed(1)} % (limit ${P99_DRIFT_LIMIT * 100} %)`);
  return { verdict: rssLeak || p99Leak ? 'leak suspected' : 'no leak', reasons };
}

async function plan(rig: Rig, over: Partial<StagePlan>): Promise<StagePlan> {
  const s = await loadScenario(join(PACKAGE_ROOT, 'scenarios', 'smoke.yaml'));
  return {
    index: 0, name: 'soak', target: { host: rig.host, port: rig.port }, connections: 64, rate: 100, arrival: 'poisson', seed: 1,
    connectRate: 2000, warmupMs: 0, durationMs: 3000, requestTimeoutMs: 2000, maxQueue: 100_000,
    requests: [...s.requests], tokens: rig.jwt.tokens, variables: { uid: [...s.variables.uid], room_id: [...s.variables.room_id] },
    health: DEFAULT_HEALTH_LIMITS, engine: 'gw-bench', ...over,
  };
}

const errorCount = (m: StageMeasurement): number => Object.entries(m.errors).filter(([k]) => !k.startsWith('expected_') && !k.startsWith('status_')).reduce((a, [, v]) => a + v, 0);

/** Highest rate (3 s steps) served with >= 95 % achieved, < 1 % errors, p99 < 50 ms and a valid generator. */
export async function probeCapacity(rig: Rig, lg: LoadGenerator, log: (l: string) => void): Promise<number | null> {
  let best: number | null = null;
  // A fresh generator and gateway compile their hot paths in the first seconds; that
  // pause would fail the first step's lag bound and stop the probe at nothing.
  await lg.runStage(await plan(rig, { rate: 200, durationMs: 3000, warmupMs: 0 }));
  for (const rate of [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000]) {
    const m = await lg.runStage(await plan(rig, { rate, durationMs: 3000, warmupMs: 1000 }));
    const p99 = percentileMs(mergeEncoded([m.latencyHdr]), 99);
    const ok = m.achievedRps >= 0.95 * rate && errorCount(m) <= 0.01 * m.requests && p99 !== null && p99 < 50 && m.generator.valid;
    log(`capacity probe ${rate}/s: achieved ${m.achievedRps.toFixed(0)}/s, p99 ${p99?.toFixed(1)} ms, errors ${errorCount(m)}, generator ${m.generator.valid ? 'ok' : m.generator.reasons.join('; ')} -> ${ok ? 'ok' : 'past capacity'}`);
    if (!ok) break;
    best = rate;
  }
  return best;
}

export async function runSoak(opts: { minutes: number; windowS?: number; rate?: number; log?: (l: string) => void }): Promise<SoakResult> {
  const log = opts.log ?? (() => {});
  const windowS = opts.windowS ?? 60;
  const rig = await startRig({ specs: DEFAULT_UPSTREAMS, workers: 1 });
  const lg = await LoadGenerator.start({ workers: 1 });
  const rss: { t: number; bytes: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const capacity = opts.rate ? null : await probeCapacity(rig, lg, log);
    const rate = opts.rate ?? Math.max(50, Math.floor((capacity ?? 200) / 2));
    log(`soak: ${opts.minutes} min at ${rate}/s (${opts.rate ? 'given' : capacity === null ? 'no capacity step passed on this machine: a fixed 100/s' : `half of the probed capacity ${capacity}/s`})`);
    const p = await plan(rig, { rate, durationMs: opts.minutes * 60_000 });
    const t0 = Date.now();
    sampler = setInterval(() => { void treeRss(rig.gateway.pid!).then((r) => { if (r) rss.push({ t: Date.now() - t0, bytes: r.rssBytes }); }); }, 5000);
    const m = await lg.runStage(p, { onProgress: (pr) => { if (pr.phase === 'measure' && Math.round(pr.elapsedMs / 1000) % windowS === 0) log(`soak: ${Math.round(pr.elapsedMs / 1000)} s, p99 so far ${pr.p99SoFarMs?.toFixed(1)} ms, ${pr.errors} errors`); } });
    clearInterval(sampler);
    const windows: SoakWindow[] = [];
    const count = Math.ceil((opts.minutes * 60) / windowS);
    for (let w = 0; w < count; w++) {
      const from = w * windowS * 1000;
      const to = from + windowS * 1000;
      const ivs = m.intervals.filter((i) => i.phase === 'measure' && i.startMs >= from && i.startMs < to);
      const samples = rss.filter((s) => s.t >= from && s.t < to + 5000).map((s) => s.bytes).sort((a, b) => a - b);
      windows.push({
        minute: to / 60_000, requests: ivs.reduce((a, i) => a + i.count, 0), errors: ivs.reduce((a, i) => a + i.errors, 0),
        p99Ms: ivs.length ? percentileMs(mergeEncoded(ivs.map((i) => i.hdr)), 99) : null,
        rssMiB: samples.length ? samples[samples.length >> 1]! / 1024 / 1024 : null,
      });
    }
    const rssDrift = theilSenDrift(windows.map((w) => [w.minute, w.rssMiB]));
    const p99Drift = theilSenDrift(windows.map((w) => [w.minute, w.p99Ms]));
    const { verdict, reasons } = soakVerdict(rssDrift, p99Drift, m.generator);
    return {
      startedAt: new Date(t0).toISOString(), minutes: opts.minutes, windowS, capacityRps: capacity, rateRps: rate, connections: p.connections, windows,
      rss: rssDrift, p99: p99Drift, verdict, reasons, generator: { valid: m.generator.valid, reasons: m.generator.reasons }, node: process.version,
    };
  } finally {
    clearInterval(sampler);
    await lg.close();
    await rig.close();
  }
}
