import { GwBenchError } from '../core/errors.js';
import type { StagePlan } from './types.js';
import { CONNECTION_SELECTIONS } from './selection.js';

/**
 * Checks a stage plan once, at the edge, and names every problem (path, value, what was
 * expected) in one error, so a bad plan never reaches the workers.
 */

/** Whether a host is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** Throws GW_ERR_ADDRESS_NOT_LOOPBACK or GW_ERR_USAGE (with one detail line per problem) for an unusable plan. */
export function validateStagePlan(plan: StagePlan): void {
  if (!isLoopback(plan.target.host)) {
    throw new GwBenchError('GW_ERR_ADDRESS_NOT_LOOPBACK', `stage ${plan.index} target.host: ${JSON.stringify(plan.target.host)} is not a loopback address (127.0.0.0/8 or ::1)`);
  }
  const problems: string[] = [];
  const check = (ok: boolean, path: string, value: unknown, expected: string): void => {
    if (!ok) problems.push(`${path}: ${JSON.stringify(value)} is not ${expected}`);
  };
  const int = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;
  const num = (v: unknown, min: number, strict = false): boolean => typeof v === 'number' && Number.isFinite(v) && (strict ? v > min : v >= min);
  check(int(plan.target.port, 1) && plan.target.port <= 65535, 'target.port', plan.target.port, 'a port 1..65535');
  check(int(plan.connections, 1), 'connections', plan.connections, 'a whole number >= 1');
  check(num(plan.rate, 0), 'rate', plan.rate, 'a rate >= 0 req/s');
  check(plan.arrival === 'constant' || plan.arrival === 'poisson', 'arrival', plan.arrival, "'constant' or 'poisson'");
  check(Number.isInteger(plan.seed), 'seed', plan.seed, 'an integer');
  check(num(plan.connectRate, 0, true), 'connectRate', plan.connectRate, 'a rate > 0 connections/s');
  check(num(plan.warmupMs, 0), 'warmupMs', plan.warmupMs, 'a duration >= 0 ms');
  check(num(plan.durationMs, 0, true), 'durationMs', plan.durationMs, 'a duration > 0 ms');
  check(num(plan.requestTimeoutMs, 0, true), 'requestTimeoutMs', plan.requestTimeoutMs, 'a duration > 0 ms');
  check(int(plan.maxQueue, 0), 'maxQueue', plan.maxQueue, 'a whole number >= 0');
  check(plan.engine === 'gw-bench' || plan.engine === 'autocannon', 'engine', plan.engine, "'gw-bench' or 'autocannon'");
  check(plan.connectionSelection === undefined || CONNECTION_SELECTIONS.includes(plan.connectionSelection), 'connectionSelection', plan.connectionSelection, CONNECTION_SELECTIONS.map((x) => `'${x}'`).join(', '));
  check(Array.isArray(plan.requests) && plan.requests.length > 0, 'requests', plan.requests?.length, 'a non-empty list of request templates');
  (plan.requests ?? []).forEach((r, i) => {
    const at = `requests[${i}]`;
    check(num(r.weight, 0, true), `${at}.weight`, r.weight, 'a weight > 0');
    check(/^[A-Z]+$/i.test(r.method ?? ''), `${at}.method`, r.method, 'an HTTP method');
    check(typeof r.path === 'string' && r.path.startsWith('/') && !/[\s]/.test(r.path), `${at}.path`, r.path, 'a path starting with / without spaces');
    check(int(r.bodyBytes, 0), `${at}.bodyBytes`, r.bodyBytes, 'a whole number of bytes >= 0');
    const pool = r.auth === 'valid' ? plan.tokens?.valid : r.auth === 'expired' ? plan.tokens?.expired : r.auth === 'bad-signature' ? plan.tokens?.badSignature : r.auth === 'none' ? [''] : undefined;
    check(pool !== undefined, `${at}.auth`, r.auth, "one of 'valid', 'expired', 'bad-signature', 'none'");
    if (pool !== undefined) check(pool.length > 0, `tokens (for ${at}.auth ${r.auth})`, 0, 'a non-empty token list');
  });
  for (const v of ['uid', 'room_id'] as const) {
    const r = plan.variables?.[v];
    check(Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] <= r[1], `variables.${v}`, r, 'an integer range [lo, hi] with lo <= hi');
  }
  check(num(plan.health?.maxSendLagP99Ms, 0, true), 'health.maxSendLagP99Ms', plan.health?.maxSendLagP99Ms, 'a limit > 0 ms');
  check(num(plan.health?.maxEventLoopP99Ms, 0, true), 'health.maxEventLoopP99Ms', plan.health?.maxEventLoopP99Ms, 'a limit > 0 ms');
  check(num(plan.health?.maxCpu, 0, true), 'health.maxCpu', plan.health?.maxCpu, 'a fraction of a core > 0');
  if (problems.length > 0) {
    throw new GwBenchError('GW_ERR_USAGE', `stage ${plan.index} (${plan.name}): invalid load plan, ${problems.length} problem(s)`, { details: problems });
  }
}
