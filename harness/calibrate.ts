import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvFingerprint } from '../core/result.js';
import { PACKAGE_ROOT } from '../core/version.js';
import { decodeHistogram, percentileMs } from '../core/hdr.js';
import { LoadGenerator } from '../loadgen/index.js';
import type { StagePlan } from '../loadgen/types.js';
import { envFingerprint } from './env.js';
import { resolvePlacement } from './placement.js';
import { startUpstreams } from './processes/upstreams.js';
import { startFastTarget } from './accuracy/arrival-recorder.js';

/** What `gw-bench calibrate` measured on this machine (calibration.json). */
export interface Calibration {
  version: 1;
  env: EnvFingerprint;
  generator: { maxRpsPerWorker: number; probes: Array<{ rate: number; achievedRps: number; valid: boolean; reasons: string[]; cpu: number }> };
  connect: { connections: number; seconds: number; perSecond: number; failed: number };
  noise: { rate: number; repeats: number; p50Ms: number[]; p99Ms: number[]; p50Cv: number; p99Cv: number; p99MaxLogDeviation: number };
}

export const CALIBRATION_FILE = join(PACKAGE_ROOT, 'calibration.json');

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cv = (xs: number[]) => { const m = mean(xs); return m === 0 ? 0 : Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) / m; };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

/**
 * Measure this machine: (a) the highest rate one generator worker sustains while valid
 * (against a trivial target on another CPU), (b) the connect rate, (c) run-to-run noise of
 * p50/p99 at a low rate. Placement: generator on the first CPU, target on the last.
 */
export async function calibrate(opts: { quick?: boolean; out?: string; log?: (s: string) => void } = {}): Promise<{ calibration: Calibration; file: string }> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const placement = resolvePlacement({ gateway: 'auto', upstreams: 'auto', generator: 'auto' }, false);
  // The "trivial fast target" is a mock upstream with no added latency, on the gateway's CPU.
  const target = await startUpstreams({
    specs: [
      { name: 'user', instances: 1, weights: [1], latency: { model: 'constant', valueMs: 0 }, bodyBytes: 64, errorRate: 0, errorStatus: 500 },
      { name: 'user-status', instances: 1, weights: [1], latency: { model: 'constant', valueMs: 1 }, bodyBytes: 64, errorRate: 0, errorStatus: 500 },
    ],
    seed: 1, cpus: placement.gateway,
  });
  const url = (name: string) => new URL(target.ready.services[name]!.urls[0]!);
  // The ceiling is measured against a raw canned-200 server (far cheaper per request than
  // the generator), so the generator saturates first; against the mock upstream the
  // target could saturate first and its ceiling would be reported as the generator's.
  const canned = await startFastTarget(placement.gateway);
  const fast = { hostname: '127.0.0.1', port: String(canned.port) };
  const lg = await LoadGenerator.start({ workers: 1, cpuList: placement.generator ?? undefined });
  const plan = (o: Partial<StagePlan>): StagePlan => ({
    index: 0, name: 'calibrate', target: { host: fast.hostname, port: Number(fast.port) }, connections: 64, rate: 1000, arrival: 'constant', seed: 1,
    connectRate: 100_000, warmupMs: 1000, durationMs: opts.quick ? 2000 : 3000, requestTimeoutMs: 5000, maxQueue: 100_000,
    requests: [{ name: 'get', weight: 1, method: 'GET', path: '/calibrate/${seq}', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: { valid: ['calibration'], expired: ['x'], badSignature: ['x'] }, variables: { uid: [1, 1], room_id: [1, 1] },
    health: { maxSendLagP99Ms: 10, maxEventLoopP99Ms: 25, maxCpu: 0.95 }, engine: 'gw-bench', ...o,
  });
  try {
    // (a) Ceiling: double until the generator is no longer valid, then bisect.
    const probes: Calibration['generator']['probes'] = [];
    let lo = 0;
    let hi = 0;
    let rate = 2000;
    for (let i = 0; i < (opts.quick ? 6 : 9); i++) {
      const m = await lg.runStage(plan({ rate, seed: i + 1 }));
      const ok = m.generator.valid && m.achievedRps >= rate * 0.97;
      probes.push({ rate, achievedRps: Math.round(m.achievedRps), valid: ok, reasons: m.generator.reasons, cpu: m.generator.cpu });
      log(`  generator probe ${rate}/s: achieved ${Math.round(m.achievedRps)}/s, cpu ${(m.generator.cpu * 100).toFixed(0)}%, ${ok ? 'valid' : `not valid (${m.generator.reasons[0] ?? 'achieved < 97% of offered'})`}`);
      if (ok) lo = Math.max(lo, rate); else hi = hi === 0 ? rate : Math.min(hi, rate);
      if (hi === 0) rate *= 2;
      else if (hi - lo <= Math.max(500, lo * 0.1)) break;
      else rate = Math.round((lo + hi) / 2);
    }
    // (b) Connect rate: open many connections at once and time the ramp.
    const connections = opts.quick ? 2000 : 10_000;
    const t0 = Date.now();
    const cm = await lg.runStage(plan({ connections, rate: 10, warmupMs: 0, durationMs: 1000, seed: 99 }));
    const seconds = Math.max(0.001, (cm.measureStartEpochMs - t0) / 1000);
    log(`  connect: ${cm.connectionCounts.established}/${connections} connections in ${seconds.toFixed(2)} s (${Math.round(cm.connectionCounts.established / seconds)}/s), ${cm.connectionCounts.failed} failed`);
    // (c) Noise at a low rate: repeated identical short runs against a 1 ms target.
    const slow = url('user-status');
    const repeats = opts.quick ? 3 : 5;
    const p50: number[] = [];
    const p99: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const m = await lg.runStage(plan({ target: { host: slow.hostname, port: Number(slow.port) }, connections: 32, rate: 200, seed: 1 }));
      const h = decodeHistogram(m.latencyHdr);
      p50.push(percentileMs(h, 50) ?? 0);
      p99.push(percentileMs(h, 99) ?? 0);
      log(`  noise run ${i + 1}/${repeats}: p50 ${p50[i]!.toFixed(3)} ms, p99 ${p99[i]!.toFixed(3)} ms`);
    }
    const med = median(p99);
    const calibration: Calibration = {
      version: 1,
      env: await envFingerprint(placement),
      generator: { maxRpsPerWorker: lo, probes },
      connect: { connections, seconds, perSecond: Math.round(cm.connectionCounts.established / seconds), failed: cm.connectionCounts.failed },
      noise: { rate: 200, repeats, p50Ms: p50, p99Ms: p99, p50Cv: cv(p50), p99Cv: cv(p99), p99MaxLogDeviation: Math.max(...p99.map((x) => Math.abs(Math.log(x / med)))) },
    };
    const file = opts.out ?? CALIBRATION_FILE;
    await writeFile(file, `${JSON.stringify(calibration, null, 2)}\n`);
    return { calibration, file };
  } finally {
    await lg.close();
    await canned.close();
    await target.process.stop();
  }
}

/** The calibration for this machine, if `gw-bench calibrate` has been run here. */
export function readCalibration(file = CALIBRATION_FILE): Calibration | null {
  if (!existsSync(file)) return null;
  try { return JSON.parse(readFileSync(file, 'utf8')) as Calibration; } catch { return null; }
}

/** Warnings for stages asking more of the generator than calibration says it can give. */
export function capacityWarnings(cal: Calibration | null, stages: Array<{ name: string; rate: number | 'capacity' }>, workers: number, generatorCpus: number): string[] {
  if (!cal || cal.generator.maxRpsPerWorker <= 0) return [];
  // Workers share the generator's CPUs: the ceiling scales with CPUs, not with worker count.
  const ceiling = cal.generator.maxRpsPerWorker * Math.max(1, Math.min(workers, generatorCpus));
  return stages
    .filter((s) => typeof s.rate === 'number' && s.rate > ceiling * 0.8)
    .map((s) => `stage ${s.name}: offered ${s.rate}/s is above 80% of this machine's calibrated generator ceiling (${ceiling}/s with ${Math.min(workers, generatorCpus)} CPU(s)); expect the stage to be invalid`);
}
