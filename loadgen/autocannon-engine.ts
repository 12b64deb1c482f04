import autocannon from 'autocannon';
import { encodeHistogram, newHistogram, percentileMs, recordUs, type Histogram } from '../core/hdr.js';
import { healthReasons } from './health.js';
import { HealthReadings } from './health-readings.js';
import { lagBound } from './lag-bound.js';
import { mulberry32 } from '../core/prng.js';
import { authHeaders, compileTemplate, RequestVars } from './templates.js';
import { classifyStatus } from './status.js';
import { DEFAULT_CONNECTION_SELECTION } from './selection.js';
import type { IntervalMeasurement, RequestTemplate, StageMeasurement, StagePlan, StageProgress } from './types.js';

/**
 * The same stage run by autocannon, for the open-versus-closed comparison. autocannon is a
 * closed model: each connection sends its next request when the previous one returns, so
 * there is no intended send time and its latency is the service time. That is exactly the
 * coordinated omission the comparison is meant to show; the numbers are mapped into the
 * same StageMeasurement shape with what it cannot measure left null or empty: no separate
 * service-time histogram (`serviceHdr` ''), no send lag, no offered rate, no count of
 * established connections.
 */

/** autocannon runs in this process: more connections than this make no sense for one closed-loop event loop. */
export const AUTOCANNON_MAX_CONNECTIONS = 1000;

interface Ctx { expect401?: boolean; expectStatus?: ReadonlyArray<number | string> | null }

function compileRequest(t: RequestTemplate, plan: StagePlan) {
  return {
    t, parts: compileTemplate(t.path), auth: authHeaders(t.auth, plan.tokens), rr: 0,
    headers: Object.entries(t.headers).map(([k, v]) => [k, compileTemplate(v)] as const),
    body: typeof t.body === 'string' ? compileTemplate(t.body) : t.bodyBytes > 0 ? compileTemplate('a'.repeat(t.bodyBytes)) : null,
  };
}

/** Run a stage with autocannon (closed model, same connections and duration) and map its results. */
export async function runAutocannonStage(plan: StagePlan, opts: { onProgress?: (p: StageProgress) => void; signal?: AbortSignal; onWindow?: (edge: 'start' | 'end') => void } = {}): Promise<StageMeasurement> {
  const rng = mulberry32(plan.seed);
  const total = plan.requests.reduce((a, r) => a + r.weight, 0);
  const compiled = plan.requests.map((t) => compileRequest(t, plan));
  const vars = new RequestVars(rng, plan.variables);
  let seq = 0;
  const setupRequest = (req: Record<string, unknown>, context: Ctx): Record<string, unknown> => {
    let x = rng() * total;
    let c = compiled[compiled.length - 1]!;
    for (const e of compiled) { if (x < e.t.weight) { c = e; break; } x -= e.t.weight; }
    vars.reset(seq++);
    const path = vars.render(c.parts);
    const headers: Record<string, string> = {};
    for (const [k, v] of c.headers) headers[k] = vars.render(v);
    if (c.auth.length > 0) { const [k, v] = c.auth[c.rr++ % c.auth.length]!; headers[k] = v; }
    context.expectStatus = c.t.expectStatus ?? null;
    context.expect401 = context.expectStatus === null && c.t.auth !== 'valid';
    return { ...req, method: c.t.method.toUpperCase(), path, headers, body: c.body ? vars.render(c.body) : undefined };
  };

  const connections = Math.min(plan.connections, AUTOCANNON_MAX_CONNECTIONS);
  const totalMs = plan.warmupMs + plan.durationMs;
  const firstInterval = -Math.ceil(plan.warmupMs / 1000);
  const intervals: { h: Histogram; count: number; errors: number }[] = [];
  for (let i = firstInterval; i < Math.ceil(plan.durationMs / 1000); i++) intervals.push({ h: newHistogram(), count: 0, errors: 0 });
  const latency = newHistogram();
  const errors: Record<string, number> = {};
  const bump = (k: string): void => { errors[k] = (errors[k] ?? 0) + 1; };
  let windowCount = 0, windowFailures = 0, totalCount = 0, totalErrors = 0, opened = 0;
  let start = 0;
  const tMeasure = (): number => start + plan.warmupMs;
  const inWindow = (now: number): boolean => now >= tMeasure() && now < tMeasure() + plan.durationMs;
  const intervalAt = (now: number) => intervals[Math.floor((now - tMeasure()) / 1000) - firstInterval];
  const fail = (kind: string): void => {
    const now = performance.now();
    totalErrors++;
    const iv = intervalAt(now);
    if (iv) iv.errors++;
    if (inWindow(now)) { windowFailures++; bump(kind); }
  };
  // autocannon calls a request's onResponse synchronously just before the client's
  // 'response' event, so this carries the in-flight request's auth kind across.
  let lastExpect401 = false;
  let lastExpectStatus: ReadonlyArray<number | string> | null = null;

  const health = new HealthReadings();
  let healthRead = false;
  const inst = autocannon({
    url: `http://${plan.target.host.includes(':') ? `[${plan.target.host}]` : plan.target.host}:${plan.target.port}`,
    connections,
    duration: totalMs / 1000,
    timeout: Math.max(1, Math.ceil(plan.requestTimeoutMs / 1000)),
    requests: [{ setupRequest, onResponse: (_s: number, _b: string, context: Ctx) => { lastExpect401 = context.expect401 === true; lastExpectStatus = context.expectStatus ?? null; } }],
    setupClient: (client: NodeJS.EventEmitter) => {
      client.on('connect', () => { if (start > 0 && inWindow(performance.now())) opened++; });
      client.on('response', (status: number, _bytes: number, durationMs: number) => {
        const now = performance.now();
        const expect401 = lastExpect401;
        lastExpect401 = false;
        totalCount++;
        const iv = intervalAt(now);
        if (iv) { recordUs(iv.h, durationMs * 1000); iv.count++; }
        const win = inWindow(now);
        if (win) { windowCount++; recordUs(latency, durationMs * 1000); }
        const kind = classifyStatus(status, expect401, lastExpectStatus);
        if (kind === null) return;
        if (kind === 'expected_401') { if (win) bump('expected_401'); return; }
        totalErrors++;
        if (iv) iv.errors++;
        if (win) { bump(kind); bump(`status_${status}`); }
      });
      client.on('timeout', () => fail('timeout'));
      client.on('connError', () => fail('connect'));
    },
  } as autocannon.Options);
  start = performance.now();
  const startEpoch = performance.timeOrigin + start;
  const timers = [
    setTimeout(() => { health.begin(); opts.onWindow?.('start'); }, plan.warmupMs),
    setTimeout(() => { opts.onWindow?.('end'); health.end(); health.finish(); healthRead = true; }, totalMs),
  ];
  let lastProgress = { t: start, n: 0 };
  const progress = setInterval(() => {
    const now = performance.now();
    const rate = ((totalCount - lastProgress.n) * 1000) / (now - lastProgress.t);
    lastProgress = { t: now, n: totalCount };
    opts.onProgress?.({ index: plan.index, phase: now < tMeasure() ? 'warmup' : 'measure', elapsedMs: Math.min(totalMs, now - start), totalMs, connectionsOpen: connections, offeredRps: rate, achievedRps: rate, p99SoFarMs: percentileMs(latency, 99), errors: totalErrors, generatorOk: true });
  }, 1000);
  const onAbort = (): void => { inst.stop(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await inst;
  } finally {
    clearInterval(progress);
    timers.forEach(clearTimeout);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (!healthRead && health.started) { health.end(); health.finish(); } // stopped early: the window so far
  const eldP99 = health.eventLoopP99Ms;
  const cpu = health.cpu;
  const reasons = healthReasons(plan.health, { lag: null, eventLoopP99Ms: [eldP99], cpu: [cpu], intended: 0, issued: 0, aborted: opts.signal?.aborted === true });
  const lag = lagBound({ sendLag: null, longGapsMs: null, eventLoopMaxMs: null, windowMs: plan.durationMs, measuredP99Ms: 0, floorMs: plan.health.maxSendLagP99Ms });
  const enc = encodeHistogram(latency);
  const seconds = plan.durationMs / 1000;
  return {
    index: plan.index,
    // autocannon does not say how many of its connections it holds: null, never the planned count.
    connectionCounts: { requested: plan.connections, established: null, failed: errors['connect'] ?? 0, reopened: 0, failedByErrno: {}, active: null, selection: plan.connectionSelection ?? DEFAULT_CONNECTION_SELECTION },
    openAtEnd: connections,
    requests: windowCount + windowFailures,
    errors,
    connectionsOpenedInWindow: opened,
    measureStartEpochMs: startEpoch + plan.warmupMs,
    measureEndEpochMs: startEpoch + totalMs,
    achievedRps: windowCount / seconds,
    // Closed loop: the next request goes when a response returns, so there is no offered rate,
    // and latency and service time are the same figure (recorded once, as latency).
    offeredRps: null,
    latencyHdr: enc,
    serviceHdr: '',
    intervals: intervals.map((iv, i): IntervalMeasurement => {
      const index = i + firstInterval;
      return {
        startMs: Math.max(index * 1000, -plan.warmupMs),
        endMs: index < 0 ? Math.min((index + 1) * 1000, 0) : Math.min((index + 1) * 1000, plan.durationMs),
        phase: index < 0 ? 'warmup' : 'measure',
        hdr: encodeHistogram(iv.h),
        count: iv.count,
        errors: iv.errors,
      };
    }),
    generator: { valid: reasons.length === 0, reasons, sendLagP99Ms: null, sendLagMaxMs: null, eventLoopP99Ms: eldP99, eventLoopMaxMs: health.started ? health.eventLoopMaxMs : null, lagBoundMs: lag.boundMs, lagBoundStrictMs: null, lagBoundRule: lag.rule, cpu, workers: 1 },
  };
}
