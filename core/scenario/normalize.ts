import { dirname, isAbsolute, resolve } from 'node:path';
import { Problems } from '../problems/problem.js';
import { isLoopbackHost } from '../loopback.js';
import { parseCount, parseDuration, parsePercent, parseRate, parseSize } from '../units.js';
import { DEFAULT_UPSTREAMS, DEFAULTS } from './defaults.js';
import { defaultRequestAuth, normalizeOwnAuth, normalizeOwnRequest, normalizeOwnTarget } from './normalize-own-gateway.js';
import type { Problem } from './problems.js';
import type { LatencyModel, RequestSpec, Scenario, StageSpec, TargetWarmupSpec, ThresholdSpec, UpstreamSpec } from './types.js';

type Raw = Record<string, any>;

/** Parses a gate threshold expression, throwing a GwBenchError naming `field` when it is not one (the gate's parser). */
export type ThresholdChecker = (expr: string, field: string) => void;

/**
 * Turn a schema-valid document into a Scenario: apply defaults, parse units, check what a
 * schema cannot (cross-field rules). Problems are collected, never thrown one at a time.
 */
export function normalizeScenario(doc: Raw, file: string, thresholdChecker?: ThresholdChecker): { scenario?: Scenario; problems: Problem[] } {
  const found = new Problems();
  const problems: Problem[] = found.list;
  const at = <T>(path: string, fn: () => T, fallback: T): T => found.parse(path, fn, fallback);
  const dur = (v: unknown, path: string): number => at(path, () => parseDuration(v, path), Number.NaN);
  const rate = (v: unknown, path: string): number => at(path, () => parseRate(v, path), 0);
  const pct = (v: unknown, path: string): number => at(path, () => parsePercent(v, path), 0);

  // Target
  const t: Raw = doc.target ?? {};
  const own = normalizeOwnTarget(t, t.impl ?? (t.url ? 'external' : DEFAULTS.target.impl), file, problems, dur);
  const impl: string = own.impl;
  if (impl === 'external') {
    if (!t.url) problems.push({ path: 'target.url', message: 'is required when target.impl is "external"' });
  } else if (t.url !== undefined) {
    problems.push({ path: 'target.url', message: `only applies to target.impl "external" (impl is ${JSON.stringify(impl)})` });
  }
  if (t.pid !== undefined && impl !== 'external') problems.push({ path: 'target.pid', message: 'only applies to target.impl "external"' });
  for (const key of ['url', 'metricsUrl'] as const) {
    if (typeof t[key] !== 'string') continue;
    try {
      const u = new URL(t[key]);
      if (u.protocol !== 'http:') problems.push({ path: `target.${key}`, message: `${JSON.stringify(t[key])} must use http://` });
      else if (!isLoopbackHost(u.hostname)) problems.push({ path: `target.${key}`, message: `${JSON.stringify(t[key])} is not a loopback address (127.0.0.0/8 or ::1); gw-bench only sends load to loopback` });
    } catch { problems.push({ path: `target.${key}`, message: `${JSON.stringify(t[key])} is not a URL` }); }
  }

  if (own.contract === 'none' && doc.upstreams !== undefined) problems.push({ path: 'upstreams', message: 'mock upstreams only run with target.contract "gw-bench" (contract is "none")' });
  const ownAuth = normalizeOwnAuth(doc.auth ?? {}, file, problems);

  // Upstreams: contract services, defaults for those not named
  const upstreams: UpstreamSpec[] = DEFAULT_UPSTREAMS.map((u) => ({ ...u, weights: [...u.weights] }));
  const seenNames = new Set<string>();
  (doc.upstreams ?? []).forEach((u: Raw, i: number) => {
    const p = `upstreams[${i}]`;
    if (seenNames.has(u.name)) problems.push({ path: `${p}.name`, message: `${JSON.stringify(u.name)} is listed twice` });
    seenNames.add(u.name);
    const base = upstreams.find((d) => d.name === u.name)!;
    const instances: number = u.instances ?? base.instances;
    const weights: number[] = u.weights ?? (u.instances === undefined ? base.weights : Array(instances).fill(1));
    // A non-integer instance count is the schema's problem (already reported); don't compare with it.
    if (Number.isInteger(instances) && Array.isArray(weights) && weights.length !== instances) problems.push({ path: `${p}.weights`, message: `has ${weights.length} entries for ${instances} instance(s)` });
    if (Array.isArray(weights) && weights.every((w) => w === 0)) problems.push({ path: `${p}.weights`, message: 'are all zero' });
    let latency: LatencyModel = base.latency;
    if (u.latency) {
      const l: Raw = u.latency;
      const lp = `${p}.latency`;
      const need = (k: string): void => { if (l[k] === undefined) problems.push({ path: `${lp}.${k}`, message: `is required for model ${l.model}` }); };
      if (l.model === 'constant') { need('value'); latency = { model: 'constant', valueMs: dur(l.value ?? 0, `${lp}.value`) }; }
      if (l.model === 'uniform') {
        need('min'); need('max');
        latency = { model: 'uniform', minMs: dur(l.min ?? 0, `${lp}.min`), maxMs: dur(l.max ?? 0, `${lp}.max`) };
        if (latency.maxMs < latency.minMs) problems.push({ path: `${lp}.max`, message: `${JSON.stringify(l.max)} is below min ${JSON.stringify(l.min)}` });
      }
      if (l.model === 'lognormal') {
        need('p50'); need('p99');
        latency = { model: 'lognormal', p50Ms: dur(l.p50 ?? 0, `${lp}.p50`), p99Ms: dur(l.p99 ?? 0, `${lp}.p99`) };
        if (latency.p50Ms <= 0 && l.p50 !== undefined) problems.push({ path: `${lp}.p50`, message: 'must be above 0 for a lognormal model' });
        if (latency.p99Ms < latency.p50Ms) problems.push({ path: `${lp}.p99`, message: `${JSON.stringify(l.p99)} is below p50 ${JSON.stringify(l.p50)}` });
      }
    }
    Object.assign(base, {
      instances, weights, latency,
      bodyBytes: u.bodySize === undefined ? base.bodyBytes : at(`${p}.bodySize`, () => parseSize(u.bodySize, `${p}.bodySize`), 0),
      errorRate: u.errorRate === undefined ? base.errorRate : pct(u.errorRate, `${p}.errorRate`),
      errorStatus: u.errorStatus ?? base.errorStatus,
    });
  });

  // Variables
  const vars: Raw = doc.variables ?? {};
  const uid: [number, number] = vars.uid ?? DEFAULTS.variables.uid;
  const room: [number, number] = vars.room_id ?? DEFAULTS.variables.room_id;
  for (const [name, r] of [['uid', uid], ['room_id', room]] as const) {
    if (r[0] > r[1]) problems.push({ path: `variables.${name}`, message: `${JSON.stringify(r)}: min is above max` });
  }

  // Requests
  const requests: RequestSpec[] = (doc.requests ?? []).map((r: Raw, i: number): RequestSpec => {
    const method: string = r.method ?? DEFAULTS.request.method;
    const bodyBytes = r.bodySize === undefined ? 0 : at(`requests[${i}].bodySize`, () => parseSize(r.bodySize, `requests[${i}].bodySize`), 0);
    if (bodyBytes > 0 && (method === 'GET' || method === 'HEAD')) problems.push({ path: `requests[${i}].bodySize`, message: `a ${method} request cannot carry a body` });
    const unknownVar = /\$\{([^}]*)\}/g;
    for (const m of String(r.path).matchAll(unknownVar)) {
      if (!['uid', 'room_id', 'seq', 'rand'].includes(m[1]!)) problems.push({ path: `requests[${i}].path`, message: `unknown variable \${${m[1]}}; available: \${uid}, \${room_id}, \${seq}, \${rand}` });
    }
    const auth = r.auth ?? defaultRequestAuth(own.contract, ownAuth);
    return {
      name: r.name ?? `${method} ${String(r.path).split('?')[0]}`,
      weight: r.weight ?? DEFAULTS.request.weight,
      method, path: r.path, headers: r.headers ?? {}, bodyBytes, auth,
      ...normalizeOwnRequest(r, i, method, auth, own.contract, problems),
    };
  });

  // Load
  const l: Raw = doc.load ?? {};
  const defWarm = dur(l.warmup ?? DEFAULTS.load.warmup, 'load.warmup');
  const defDur = dur(l.duration ?? DEFAULTS.load.duration, 'load.duration');
  const stages: StageSpec[] = (l.stages ?? []).map((s: Raw, i: number): StageSpec => {
    const p = `load.stages[${i}]`;
    const connections = at(`${p}.connections`, () => parseCount(s.connections, `${p}.connections`), 0);
    if (connections < 1 && problems.every((x) => x.path !== `${p}.connections`)) problems.push({ path: `${p}.connections`, message: `${JSON.stringify(s.connections)} must be at least 1` });
    const r = s.rate === 'capacity' ? 'capacity' as const : rate(s.rate, `${p}.rate`);
    const durationMs = s.duration === undefined ? defDur : dur(s.duration, `${p}.duration`);
    if (durationMs < 1000) problems.push({ path: `${p}.duration`, message: `${JSON.stringify(s.duration ?? l.duration)} is shorter than the 1 s measurement interval` });
    return { index: i, name: s.name ?? `${formatConn(connections)}`, connections, rate: r, warmupMs: s.warmup === undefined ? defWarm : dur(s.warmup, `${p}.warmup`), durationMs };
  });
  const names = new Set<string>();
  stages.forEach((s, i) => { if (names.has(s.name)) problems.push({ path: `load.stages[${i}].name`, message: `${JSON.stringify(s.name)} is used by an earlier stage; give stages distinct names` }); names.add(s.name); });
  const cap: Raw = l.capacity ?? {};
  const capacity = {
    minRps: rate(cap.min ?? DEFAULTS.capacity.min, 'load.capacity.min'),
    maxRps: rate(cap.max ?? DEFAULTS.capacity.max, 'load.capacity.max'),
    probes: cap.probes ?? DEFAULTS.capacity.probes,
    probeDurationMs: dur(cap.probeDuration ?? DEFAULTS.capacity.probeDuration, 'load.capacity.probeDuration'),
    halfProbe: cap.halfProbe === true,
  };
  if (capacity.maxRps <= capacity.minRps) problems.push({ path: 'load.capacity.max', message: `must be above load.capacity.min` });

  // Gate thresholds are validated by the gate's own parser, when the caller passes it.
  const thresholds: ThresholdSpec[] = ((doc.gate?.thresholds ?? []) as unknown[]).map((th, i) => {
    const spec: ThresholdSpec = typeof th === 'string' ? { expr: th, stage: null } : { expr: (th as Raw).expr, stage: (th as Raw).stage ?? null };
    if (thresholdChecker) at(`gate.thresholds[${i}]`, () => thresholdChecker(spec.expr, `gate.thresholds[${i}]`), undefined);
    if (spec.stage !== null && !stages.some((s) => s.name === String(spec.stage) || s.index === spec.stage)) {
      problems.push({ path: `gate.thresholds[${i}].stage`, message: `${JSON.stringify(spec.stage)} names no stage; stages are ${stages.map((s) => JSON.stringify(s.name)).join(', ')}` });
    }
    return spec;
  });
  const rel: Raw = doc.gate?.relative ?? {};
  const relMetrics: Record<string, { warn?: number; fail?: number }> = {};
  for (const [k, v] of Object.entries((rel.metrics ?? {}) as Record<string, Raw>)) {
    relMetrics[k] = {
      ...(v.warn !== undefined ? { warn: pct(v.warn, `gate.relative.metrics.${k}.warn`) } : {}),
      ...(v.fail !== undefined ? { fail: pct(v.fail, `gate.relative.metrics.${k}.fail`) } : {}),
    };
  }

  const base = file ? dirname(file) : process.cwd();
  const compare = ((doc.compare ?? []) as Array<string | Raw>).map((c) => {
    const f = typeof c === 'string' ? c : c.file;
    return { label: typeof c === 'string' ? null : (c.label ?? null), file: isAbsolute(f) ? f : resolve(base, f) };
  });

  const warmup = normalizeWarmup(t.warmup, dur, rate, problems);

  const pl: Raw = doc.placement ?? {};
  const scenario: Scenario = {
    version: 1,
    name: doc.name,
    description: doc.description ?? '',
    file,
    target: { impl, url: t.url ?? null, pid: t.pid ?? null, metricsUrl: t.metricsUrl ?? null, workers: t.workers ?? DEFAULTS.target.workers, contract: own.contract, command: own.command, warmup },
    upstreams,
    auth: { alg: doc.auth?.alg ?? DEFAULTS.auth.alg, tokens: at('auth.tokens', () => parseCount(doc.auth?.tokens ?? DEFAULTS.auth.tokens, 'auth.tokens'), 1), ttlMs: dur(doc.auth?.ttl ?? DEFAULTS.auth.ttl, 'auth.ttl'), ...ownAuth },
    variables: { uid, room_id: room },
    requests,
    load: {
      model: 'open',
      arrival: l.arrival ?? DEFAULTS.load.arrival,
      seed: l.seed ?? DEFAULTS.load.seed,
      engine: l.engine ?? DEFAULTS.load.engine,
      connectionSelection: l.connectionSelection ?? DEFAULTS.load.connectionSelection,
      connectRate: rate(l.connectRate ?? DEFAULTS.load.connectRate, 'load.connectRate'),
      workers: l.workers ?? DEFAULTS.load.workers,
      requestTimeoutMs: dur(l.requestTimeout ?? DEFAULTS.load.requestTimeout, 'load.requestTimeout'),
      maxQueue: at('load.maxQueue', () => parseCount(l.maxQueue ?? DEFAULTS.load.maxQueue, 'load.maxQueue'), 1),
      stages,
      capacity,
    },
    slo: { p99Ms: dur(doc.slo?.p99 ?? DEFAULTS.slo.p99, 'slo.p99'), errorRate: pct(doc.slo?.errorRate ?? DEFAULTS.slo.errorRate, 'slo.errorRate') },
    generator: {
      maxSendLagP99Ms: dur(doc.generator?.maxSendLagP99 ?? DEFAULTS.generator.maxSendLagP99, 'generator.maxSendLagP99'),
      maxEventLoopP99Ms: dur(doc.generator?.maxEventLoopP99 ?? DEFAULTS.generator.maxEventLoopP99, 'generator.maxEventLoopP99'),
      maxCpu: pct(doc.generator?.maxCpu ?? DEFAULTS.generator.maxCpu, 'generator.maxCpu'),
    },
    gate: {
      thresholds,
      relative: { pairs: rel.pairs ?? DEFAULTS.gate.pairs, confirmPairs: rel.confirmPairs ?? DEFAULTS.gate.confirmPairs, seed: rel.seed ?? DEFAULTS.gate.seed, metrics: relMetrics },
    },
    compare,
    placement: { gateway: pl.gateway ?? DEFAULTS.placement.gateway, upstreams: pl.upstreams ?? DEFAULTS.placement.upstreams, generator: pl.generator ?? DEFAULTS.placement.generator },
  };
  return { scenario: problems.length ? undefined : scenario, problems };
}

/** `target.warmup`: a positive rate for at least the generator's 1 s interval; a bad value names the field and the value. */
function normalizeWarmup(w: Raw | undefined, dur: (v: unknown, p: string) => number, rate: (v: unknown, p: string) => number, problems: Problem[]): TargetWarmupSpec | null {
  if (w === undefined || w === null) return null;
  const durationMs = dur(w.duration, 'target.warmup.duration');
  const rps = rate(w.rate, 'target.warmup.rate');
  const named = (p: string) => problems.some((x) => x.path === p);
  if (Number.isFinite(durationMs) && durationMs < 1000 && !named('target.warmup.duration')) problems.push({ path: 'target.warmup.duration', message: `${JSON.stringify(w.duration)} is shorter than the generator's 1 s interval` });
  if (!(rps > 0) && !named('target.warmup.rate')) problems.push({ path: 'target.warmup.rate', message: `${JSON.stringify(w.rate)} must be above 0/s` });
  return { durationMs, rps };
}

function formatConn(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
