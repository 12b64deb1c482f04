import { GwBenchError, TargetError, UsageError } from '../../core/errors.js';
import { CheckFailed, type Check, type CheckContext, gw } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { HttpCallError, HttpClient } from './http-client.js';
import type { ImplProcess } from '../processes/impl-command.js';
import { CONTRACT_DEFAULTS, type GatewaySettings } from './settings.js';
import { closeTarget, openTarget, type TargetMode, type TargetOptions } from './target.js';
import { TokenMinter } from './tokens.js';
import type { UpstreamControl } from '../../upstream/admin-client.js';

/**
 * How the suite finds (or starts) the gateway and the mock upstreams (target.ts):
 * a) `url` (default http://127.0.0.1:8080) with mock upstreams the suite starts on the
 *    contract's default ports; b) `url` + `upstreamAdmin`, the admin URL of mock upstreams
 *    already running; c) `implCommand` (+ `implCwd`, `implEnv` applied after the contract
 *    variables): the suite starts ephemeral upstreams and the implementation with the
 *    contract env vars, and stops both afterwards.
 */
export interface ConformanceOptions extends Omit<TargetOptions, 'given'> {
  /** Gateway knobs the checks rely on; contract defaults otherwise (mode c generates the JWT secret / key and issuer). */
  settings?: Partial<GatewaySettings>;
  /** Only the pre-measurement subset: healthz, auth-valid, feed, user and interact routes. */
  quick?: boolean;
  /** Run only these checks (by name). */
  only?: readonly string[];
  /** Called as each check finishes (for streaming output). */
  onCheck?: (r: CheckResult) => void;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** One line: why it failed (absent on pass). */
  reason?: string;
  ms: number;
}

export interface ConformanceReport {
  url: string;
  mode: TargetMode;
  upstreamAdmin: string;
  implCommand?: string;
  /** The settings the checks assumed (without secrets). */
  settings: Omit<GatewaySettings, 'jwtSecret' | 'jwtPrivateKeyPem'>;
  checks: CheckResult[];
  passed: number;
  failed: number;
  ok: boolean;
  durationMs: number;
}

/** A check gets this long before it is failed as hung. */
const CHECK_TIMEOUT_MS = 30_000;
const REQUIRED_SERVICES = ['user-status', 'barrage', 'user', 'interact'];

/** Names of every check, in run order, with their rule and whether they are in the quick subset. */
export function listChecks(): { name: string; rule: string; quick: boolean }[] {
  return [
    ...ALL_CHECKS.map((c) => ({ name: c.name, rule: c.rule, quick: c.quick === true })),
    { name: 'announces-listening', rule: '--impl-command only: stdout prints "listening on http://HOST:PORT"', quick: false },
    { name: 'sigterm-exit', rule: '--impl-command only: the process tree exits within 10 s of SIGTERM', quick: false },
  ];
}

function selectChecks(opts: ConformanceOptions): Check[] {
  let list = ALL_CHECKS.filter((c) => !opts.quick || c.quick);
  if (opts.only && opts.only.length > 0) {
    const known = new Set(listChecks().map((c) => c.name));
    const unknown = opts.only.filter((n) => !known.has(n));
    if (unknown.length) throw new UsageError(`unknown check name(s): ${unknown.join(', ')} (see gw-bench conformance --list)`);
    list = list.filter((c) => opts.only!.includes(c.name));
  }
  return list;
}

async function runOne(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.run(ctx),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new CheckFailed(`did not finish within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS); }),
    ]);
    return { name: check.name, ok: true, ms: performance.now() - started };
  } catch (err) {
    const reason = err instanceof CheckFailed || err instanceof HttpCallError || err instanceof GwBenchError
      ? err.message
      : `internal error in the check: ${(err as Error)?.message ?? String(err)}`;
    return { name: check.name, ok: false, reason: reason.split('\n')[0], ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Undo every injected fault and neutralise configured behaviour (a scenario's upstreams may
 * have latency or an error rate that would make exact checks flaky); the run's end restores it.
 */
async function neutral(upstream: UpstreamControl): Promise<void> {
  await upstream.control({ action: 'reset' });
  await upstream.control({ action: 'errors', rate: 0 });
  await upstream.control({ action: 'latency', latency: { model: 'constant', ms: 0 } });
}

/** neutral(), then one good request per service so no breaker carries failures into the next check. */
async function settle(ctx: CheckContext): Promise<void> {
  await neutral(ctx.upstream);
  await Promise.allSettled([
    gw(ctx, '/api/feed?uid=settle&room_id=settle'),
    gw(ctx, '/api/user/settle'),
    gw(ctx, '/api/interact', { method: 'POST', body: '{}' }),
  ]);
}

/** Run the gateway contract checks against an implementation; never throws for a failing check (see report.ok). */
export async function runConformance(opts: ConformanceOptions = {}): Promise<ConformanceReport> {
  const t0 = performance.now();
  const checks = selectChecks(opts);
  const settings: GatewaySettings = { ...CONTRACT_DEFAULTS, ...opts.settings };
  const target = await openTarget({ ...opts, given: opts.settings }, settings);
  const { baseUrl, upstream, services, impl } = target;
  try {
    const missing = REQUIRED_SERVICES.filter((s) => !services[s]);
    if (missing.length) throw new UsageError(`the mock upstreams lack the contract's service(s) ${missing.join(', ')} (have: ${Object.keys(services).join(', ')})`);
    const http = new HttpClient(baseUrl);
    target.cleanups.push(async () => http.close());
    try {
      await http.call('/healthz', { timeoutMs: 5000 });
    } catch (err) {
      throw new TargetError('GW_ERR_TARGET_UNREACHABLE', `gateway ${baseUrl.origin} does not answer: ${(err as Error).message}`, impl?.outputTail().split('\n'));
    }
    const tokens = new TokenMinter(settings);
    const ctx: CheckContext = { baseUrl, http, upstream, settings, tokens, services, auth: await tokens.bearer() };

    const results: CheckResult[] = [];
    const record = (r: CheckResult) => { results.push(r); opts.onCheck?.(r); };
    await neutral(upstream);
    for (const check of checks) {
      record(await runOne(check, ctx));
      await settle(ctx).catch(() => { /* the next check reports what is broken */ });
    }
    if (impl && !opts.quick) for (const r of await processChecks(impl, opts.only)) record(r);
    const failed = results.filter((r) => !r.ok).length;
    const { jwtSecret: _s, jwtPrivateKeyPem: _k, ...shown } = settings;
    return {
      url: baseUrl.origin,
      mode: target.mode,
      upstreamAdmin: upstream.adminUrl,
      ...(opts.implCommand ? { implCommand: opts.implCommand } : {}),
      settings: shown,
      checks: results,
      passed: results.length - failed,
      failed,
      ok: failed === 0,
      durationMs: performance.now() - t0,
    };
  } finally {
    await closeTarget(target.cleanups);
  }
}

/** The two checks only a suite that started the implementation can make; the second stops it. */
async function processChecks(impl: ImplProcess, only: readonly string[] | undefined): Promise<CheckResult[]> {
  const wanted = (n: string) => !only?.length || only.includes(n);
  const out: CheckResult[] = [];
  if (wanted('announces-listening')) {
    out.push(impl.announced()
      ? { name: 'announces-listening', ok: true, ms: 0 }
      : { name: 'announces-listening', ok: false, reason: `stdout never printed "listening on ${impl.url}"`, ms: 0 });
  }
  if (wanted('sigterm-exit')) {
    const t = performance.now();
    const stop = await impl.stop();
    out.push(stop.exitedInTime
      ? { name: 'sigterm-exit', ok: true, ms: performance.now() - t }
      : { name: 'sigterm-exit', ok: false, reason: 'the process tree was still running 10 s after SIGTERM (killed)', ms: performance.now() - t });
  }
  return out;
}
